import Foundation

/// `jac derive PROGRAM --wrt … --format json`: the program, then its backward pass stage by
/// stage (`stages`, every adjoint, output first) and the requested `gradients`. In `layout`
/// `shape` an adjoint dv = ∂F/∂v is shaped like v; in `numerator` it is ∂vec F/∂(vec v)ᵀ.
/// Shapes are `[rows, cols]`, numbers, or strings under size symbols.
public struct ProgramDeriveRecord: Codable, Sendable, Equatable {
  public struct Statement: Codable, Sendable, Equatable {
    public var line: Int
    public var name: String
    public var expression: String
    public var shape: [JSONSize]
  }

  public struct Input: Codable, Sendable, Equatable {
    public var name: String
    public var shape: [JSONSize]
    public var const: Bool
  }

  public struct Program: Codable, Sendable, Equatable {
    public var origin: String
    public var output: String
    public var outputShape: [JSONSize]
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
    public var shape: [JSONSize]
    public var text: String
    public var latex: String
    public var plain: String
    public var contributions: [Contribution]
  }

  public struct GradientCheck: Codable, Sendable, Equatable {
    public var wrt: String
    /// Under size symbols, the instantiation the check was made at.
    public var instantiation: [String: Int]?
    @JSONNumber public var maxAbsError: Double
    @JSONNumber public var maxRelError: Double
    @JSONNumber public var estimatedFiniteDifferenceError: Double
    public var verdict: String
    public var passed: Bool
  }

  public var program: Program
  public var wrt: [String]
  public var layout: String
  /// Under size symbols (given in `--dims` or inferred): the symbols, the two small
  /// instantiations where the numbers come from, the inferred shapes, the symbols `--values` fix.
  /// Shapes are then strings (`["m","n"]`).
  public var sizeSymbols: [String]?
  public var instantiations: [[String: Int]]?
  public var inferredShapes: [String: [JSONSize]]?
  public var fixedByValues: [String: Int]?
  public var stages: [Stage]
  public var gradients: [Stage]
  public var check: [GradientCheck]?

  public var passed: Bool { check?.allSatisfy(\.passed) ?? true }
}
