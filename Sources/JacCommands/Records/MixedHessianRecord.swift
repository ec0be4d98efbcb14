import Foundation

/// One stage of a Hessian's derivation by differentials (`--order 2 --steps`, docs/hessians.md).
public struct HessianStageRecord: Codable, Sendable, Equatable {
  public var title: String
  public var steps: [DeriveRecord.Step]
}

/// `jac derive EXPR --wrt X,Y --order 2 --format json` (docs/hessians.md): the Hessian of a 1×1 F
/// over the stacked vector (vec X; vec Y; …), numerator layout over column-major vec, by blocks
/// `∂vec(∇_X F)/∂(vec Y)ᵀ` in row-major order of (X, Y).
public struct MixedHessianRecord: Codable, Sendable, Equatable {
  public struct VariableForms: Codable, Sendable, Equatable {
    public var variable: String
    public var text: String
    public var latex: String
    public var plain: String
  }

  public struct Block: Codable, Sendable, Equatable {
    public var row: String
    public var column: String
    public var text: String
    public var latex: String
    public var plain: String
    public var rows: Int
    public var cols: Int
    /// Where the block starts in the stacked Hessian.
    public var rowOffset: Int
    public var colOffset: Int
    public var structure: String
    /// `H_XY[V_Y]`, shaped like X.
    public var directional: HessianRecord.Directional
  }

  public struct Hessian: Codable, Sendable, Equatable {
    public var rows: Int
    public var cols: Int
    public var layout: String
    /// `["vec X", "vec Y"]`: the order of the stacked vector.
    public var stacking: [String]
    public var blocks: [Block]
    /// Per row variable X, `Σ_Y H_XY[V_Y]`, shaped like X.
    public var directional: [VariableForms]
    public var directions: [String]
    public var symmetry: HessianRecord.Symmetry
  }

  public var expression: String
  public var wrt: [String]
  public var order: Int
  public var outputShape: [Int]
  public var inputShapes: [[Int]]
  public var gradients: [VariableForms]
  public var hessian: Hessian
  public var check: DerivativeCheckRecord?
  public var steps: [HessianStageRecord]?
  public var jacobianOut: String?

  /// Symmetric, and the check passed (true without one).
  public var passed: Bool { hessian.symmetry.symmetric && (check?.passed ?? true) }
}
