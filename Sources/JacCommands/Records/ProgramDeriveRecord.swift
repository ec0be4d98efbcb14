import Foundation

/// `jac derive PROGRAM --wrt … --format json`: the program, then its backward pass stage by
/// stage (`stages`, every adjoint, output first) and the requested `gradients`. In `layout`
/// `shape` an adjoint dv = ∂F/∂v is shaped like v; in `numerator` it is ∂vec F/∂(vec v)ᵀ.
public struct ProgramDeriveRecord: Codable, Sendable, Equatable {
  public struct Statement: Codable, Sendable, Equatable {
    public var line: Int
    public var name: String
    public var expression: String
    public var shape: [Int]
  }

  public struct Input: Codable, Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var const: Bool
  }

  public struct Program: Codable, Sendable, Equatable {
    public var origin: String
    public var output: String
    public var outputShape: [Int]
    public var statements: [Statement]
    public var inputs: [Input]
    public var warnings: [String]
  }

  public struct Contribution: Codable, Sendable, Equatable {
    public var from: String
    public var line: Int
    public var text: String
  }

  public struct Stage: Codable, Sendable, Equatable {
    public var name: String
    public var adjoint: String
    public var shape: [Int]
    public var text: String
    public var latex: String
    public var plain: String
    public var contributions: [Contribution]
  }

  public struct GradientCheck: Codable, Sendable, Equatable {
    public var wrt: String
    @JSONNumber public var maxAbsError: Double
    @JSONNumber public var maxRelError: Double
    @JSONNumber public var estimatedFiniteDifferenceError: Double
    public var verdict: String
    public var passed: Bool
  }

  public var program: Program
  public var wrt: [String]
  public var layout: String
  public var stages: [Stage]
  public var gradients: [Stage]
  public var check: [GradientCheck]?

  public var passed: Bool { check?.allSatisfy(\.passed) ?? true }
}
