import Foundation

/// What `jac derive EXPR --wrt X --format json` prints for one variable (shared/spec/cli.md).
///
/// Layout: `jacobian` is the derivative in `layout` (`numerator`: ∂vec F/∂(vec X)ᵀ, (mn)×(ab),
/// `J[p + q·m, i + j·a] = ∂F[p,q]/∂X[i,j]` over column-major vec; `denominator` its transpose;
/// `shape` the a×b gradient); `gradient` (1×1 F only) is shaped like X. Under size symbols in
/// `--dims`, shapes and sizes are symbols (`"m"`), `sizeSymbols` lists them and `instantiations`
/// gives the small sizes the numbers (structure, check) come from.
public struct DeriveRecord: Codable, Sendable, Equatable {
  /// The closed form of the derivative in the record's layout.
  public struct JacobianForm: Codable, Sendable, Equatable {
    public var text: String
    public var latex: String
    public var plain: String
    public var mathml: String?
    public var rows: JSONSize
    public var cols: JSONSize
    /// The structure of the evaluated operator at the point (e.g. `sum(kron, kron·commutation)`).
    public var structure: String
    /// The form written with the names of `commonSubexpressions` (docs/printing.md).
    public var named: NamedForm? = nil
  }

  /// An expression written with the names of `commonSubexpressions`.
  public struct NamedForm: Codable, Sendable, Equatable {
    public var text: String
    public var latex: String
    public var plain: String
    public var mathml: String
  }

  /// One common subexpression, `name = value` (docs/printing.md); values use earlier names only.
  public struct Binding: Codable, Sendable, Equatable {
    public var name: String
    public var text: String
    public var latex: String
    public var plain: String
    public var mathml: String
  }

  /// An expression in every printed form.
  public struct Forms: Codable, Sendable, Equatable {
    public var text: String
    public var latex: String
    public var plain: String
    public var mathml: String?
    /// The form written with the names of `commonSubexpressions` (derive's gradient only).
    public var named: NamedForm? = nil
  }

  /// One step of the derivation by differentials (`--steps`); the last element of `steps` holds
  /// only `conclusion`.
  public struct Step: Codable, Sendable, Equatable {
    public var node: String?
    public var differential: String?
    public var vec: String?
    public var rules: [String]?
    public var differentialInX: String?
    public var conclusion: [String]?
  }

  public var expression: String
  public var wrt: String
  public var outputShape: [JSONSize]
  public var inputShape: [JSONSize]
  public var sizeSymbols: [String]?
  public var layout: String
  public var jacobian: JacobianForm
  /// Repeated subexpressions named once, in binding order (empty when nothing is named).
  public var commonSubexpressions: [Binding]? = nil
  public var gradient: Forms?
  public var instantiations: [[String: Int]]?
  /// The shapes inferred from the expression (docs/language.md), when some were.
  public var inferredShapes: [String: [JSONSize]]?
  /// The size symbols that the shapes of `--values` fix.
  public var fixedByValues: [String: Int]?
  public var check: DerivativeCheckRecord?
  public var steps: [Step]?
  public var jacobianOut: String?

  /// Whether the check passed (true without one).
  public var passed: Bool { check?.passed ?? true }
}

/// A comparison with central finite differences (`--check`): the largest absolute and relative
/// errors and the verdict. Fields a run does not compute are left out.
public struct DerivativeCheckRecord: Codable, Sendable, Equatable {
  public var method: String?
  @OptionalJSONNumber public var maxAbsError: Double?
  @OptionalJSONNumber public var maxRelError: Double?
  @OptionalJSONNumber public var estimatedFiniteDifferenceError: Double?
  @OptionalJSONNumber public var relativeTolerance: Double?
  /// `passed`, `failed` or `inconclusive`.
  public var verdict: String?
  public var passed: Bool

  public init(
    method: String? = nil, maxAbsError: Double? = nil, maxRelError: Double? = nil,
    estimatedFiniteDifferenceError: Double? = nil, relativeTolerance: Double? = nil, verdict: String? = nil,
    passed: Bool
  ) {
    self.method = method
    self.maxAbsError = maxAbsError
    self.maxRelError = maxRelError
    self.estimatedFiniteDifferenceError = estimatedFiniteDifferenceError
    self.relativeTolerance = relativeTolerance
    self.verdict = verdict
    self.passed = passed
  }
}

/// `jac derive EXPR --wrt W1,W2 --format json`: one `DeriveRecord` per variable, in `--wrt` order.
public struct DerivativesRecord: Codable, Sendable, Equatable {
  public var expression: String
  public var wrt: [String]
  public var derivatives: [DeriveRecord]
}

/// `jac derive EXPR --wrt X --order 2 --format json` (docs/hessians.md): the Hessian of a 1×1 F,
/// H = ∂vec(∇F)/∂(vec X)ᵀ, (ab)×(ab), numerator layout over column-major vec; H[V] shaped like X.
public struct HessianRecord: Codable, Sendable, Equatable {
  public struct Directional: Codable, Sendable, Equatable {
    public var text: String
    public var latex: String
    public var plain: String
    public var direction: String
  }

  public struct Symmetry: Codable, Sendable, Equatable {
    public var method: String
    @JSONNumber public var maxAbsAsymmetry: Double
    @JSONNumber public var relativeAsymmetry: Double
    public var symmetric: Bool
  }

  public struct Hessian: Codable, Sendable, Equatable {
    public var text: String
    public var latex: String
    public var plain: String
    public var rows: Int
    public var cols: Int
    public var layout: String
    public var structure: String
    public var directional: Directional
    public var symmetry: Symmetry
  }

  public var expression: String
  public var wrt: String
  public var order: Int
  public var outputShape: [Int]
  public var inputShape: [Int]
  public var gradient: DeriveRecord.Forms
  public var hessian: Hessian
  public var check: DerivativeCheckRecord?
  /// `--steps`: the derivation in two stages (the gradient, then the gradient derived again).
  public var steps: [HessianStageRecord]? = nil
  public var jacobianOut: String?

  /// Symmetric, and the check passed (true without one).
  public var passed: Bool { hessian.symmetry.symmetric && (check?.passed ?? true) }
}

/// What `jac derive … --format json` prints: one derivative, several (`--wrt W1,W2`), a Hessian
/// (`--order 2`) or a program's backward pass.
public enum DeriveOutput: Encodable, Sendable, Equatable {
  case derivative(DeriveRecord)
  case derivatives(DerivativesRecord)
  case hessian(HessianRecord)
  case mixedHessian(MixedHessianRecord)
  case program(ProgramDeriveRecord)

  /// Whether every check passed (the command exits 1 when not).
  public var passed: Bool {
    switch self {
    case .derivative(let r): return r.passed
    case .derivatives(let r): return r.derivatives.allSatisfy(\.passed)
    case .hessian(let r): return r.passed
    case .mixedHessian(let r): return r.passed
    case .program(let r): return r.passed
    }
  }

  public func encode(to encoder: Encoder) throws {
    switch self {
    case .derivative(let r): try r.encode(to: encoder)
    case .derivatives(let r): try r.encode(to: encoder)
    case .hessian(let r): try r.encode(to: encoder)
    case .mixedHessian(let r): try r.encode(to: encoder)
    case .program(let r): try r.encode(to: encoder)
    }
  }

  /// One record as it is, several wrapped in `derivatives`.
  init(_ records: [DeriveRecord], expression: String, wrt: [String]) {
    self =
      records.count == 1
      ? .derivative(records[0]) : .derivatives(DerivativesRecord(expression: expression, wrt: wrt, derivatives: records))
  }
}
