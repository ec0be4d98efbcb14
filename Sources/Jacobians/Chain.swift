import MatrixCore

/// A product of Jacobians `J₁·J₂·…·J_k`, held in **mathematical order**: `factors[0]` is `J₁`,
/// the Jacobian of the outermost function (leftmost, applied last), and `factors[k-1]` is `J_k`,
/// the Jacobian of the innermost function (rightmost, applied first). This is the chain rule in
/// numerator layout, `dF/dx = (dF/dy_{k-1})·…·(dy_1/dx)`.
///
/// Factor numbers in messages and parenthesisations are 1-based, as in `J₁…J_k`. Which order the
/// product is multiplied in is a plan (`ChainPlan`), computed from the factors' signatures alone
/// (`plan(_:)`, `report(_:)`), and executed separately (`evaluate(_:)`, `measure(_:)`).
///
///     let chain = try JacobianChain([.dense(a), .diagonal(d), .dense(b)])
///     let plan = try chain.plan(.optimal)
///     let j = try chain.evaluate(plan)      // equals a·diag(d)·b
public struct JacobianChain: Sendable {
  /// `J₁, …, J_k` in mathematical order (outermost function first).
  public let factors: [StructuredMatrix]
  /// The sizes and structures of the factors, what the planner sees.
  public let signatures: [FactorSignature]
  /// The shape of the chain's output F (`J₁`'s output), `rows(J₁)×1` for plain operators.
  public let outputShape: Shape
  /// The shape of the chain's input X (`J_k`'s input), `cols(J_k)×1` for plain operators.
  public let inputShape: Shape

  /// A chain of operators, checked: every size at least 1 and `cols(Jᵢ) = rows(Jᵢ₊₁)`.
  /// - Throws: `ChainError.empty`, `.nonPositiveSize` or `.sizesDoNotChain` ("factor 2 is 5×3
  ///   but factor 3 is 4×7: 3 ≠ 4").
  /// - Complexity: O(k) plus the size of the factors' structure.
  public init(_ factors: [StructuredMatrix]) throws {
    let signatures = factors.map(FactorSignature.init)
    try JacobianChain.validate(signatures)
    self.factors = factors
    self.signatures = signatures
    self.outputShape = Shape(factors[0].rows, 1)
    self.inputShape = Shape(factors[factors.count - 1].cols, 1)
  }

  /// A chain of Jacobians, checked: the input shape of `Jᵢ` must be the output shape of `Jᵢ₊₁`.
  /// - Throws: as `init(_: [StructuredMatrix])`, and `ChainError.shapesDoNotChain` when the
  ///   sizes agree but the shapes do not (a 6×1 output feeding a 2×3 input).
  public init(_ jacobians: [Jacobian]) throws {
    let base = try JacobianChain(jacobians.map(\.matrix))
    for i in 0..<(jacobians.count - 1) where jacobians[i].inputShape != jacobians[i + 1].outputShape {
      throw ChainError.shapesDoNotChain(
        factor: i + 1, input: jacobians[i].inputShape, nextOutput: jacobians[i + 1].outputShape)
    }
    self.init(
      unchecked: base.factors, signatures: base.signatures, output: jacobians[0].outputShape,
      input: jacobians[jacobians.count - 1].inputShape)
  }

  private init(
    unchecked factors: [StructuredMatrix], signatures: [FactorSignature], output: Shape, input: Shape
  ) {
    self.factors = factors
    self.signatures = signatures
    self.outputShape = output
    self.inputShape = input
  }

  /// A chain with random numbers in the given structures, for measuring a plan on data
  /// (`jac chain --measure`): dense blocks and diagonals standard normal, identities, zeros
  /// and commutations as they are, drawn from a `SeededGenerator` seeded with `seed`.
  /// - Throws: as `init(_: [StructuredMatrix])`, and `ChainError.invalidMeasurement` when the
  ///   factors would store more than `limitBytes` (default 2 GiB).
  /// - Complexity: one random number per stored entry.
  public init(
    random signatures: [FactorSignature], seed: UInt64 = 1,
    limitBytes: Int = StructuredMatrix.defaultMaterializationLimit
  ) throws {
    try JacobianChain.validate(signatures)
    let bytes = signatures.reduce(0) { $0 + $1.storedBytes }
    guard bytes <= Double(limitBytes) else {
      throw ChainError.invalidMeasurement(
        "random factors of these sizes would need \(formatBytes(bytes)), above the limit of "
          + "\(formatBytes(Double(limitBytes))); measure smaller sizes or raise the limit")
    }
    var g = SeededGenerator(seed: seed)
    try self.init(signatures.map { JacobianChain.randomOperator($0, &g) })
  }

  /// The number of factors k.
  public var count: Int { factors.count }

  /// Checks sizes: at least one factor, every size ≥ 1, neighbouring sizes equal.
  /// The longest chain that is planned or evaluated: 10,000 factors. (The optimal order is
  /// exact up to `ChainPlanner.exactDenseLimit` dense or `exactStructuredLimit` structured
  /// factors and greedy beyond; see `ChainPlanner.greedyTree`.)
  public static let maximumFactors = 10_000

  static func validate(_ s: [FactorSignature]) throws {
    guard !s.isEmpty else { throw ChainError.empty }
    guard s.count <= maximumFactors else { throw ChainError.tooManyFactors(s.count) }
    for (i, f) in s.enumerated() where f.rows < 1 || f.cols < 1 {
      throw ChainError.nonPositiveSize(factor: i + 1, shape: f.shape)
    }
    for i in 0..<(s.count - 1) where s[i].cols != s[i + 1].rows {
      throw ChainError.sizesDoNotChain(factor: i + 1, lhs: s[i].shape, rhs: s[i + 1].shape)
    }
  }

  static func randomOperator(_ s: FactorSignature, _ g: inout SeededGenerator) -> StructuredMatrix {
    func scale(_ x: Double) -> Double { x.isNaN ? g.nextNormal() : x }
    func make(_ op: Operator<Shapes>) -> StructuredMatrix {
      switch op {
      case .dense(let d, _): return .dense(.randomNormal(d.rows, d.cols, using: &g))
      case .diagonal(let n): return .diagonal((0..<n).map { _ in g.nextNormal() })
      case .identity(let n, let t): return .identity(n, scale: scale(t))
      case .zero(let r, let c): return .zero(r, c)
      case .kronecker(let a, let b):
        let x = make(a)
        return .kronecker(x, make(b))
      case .commutation(let k): return .commutation(k.m, k.n)
      case .scaled(let t, let a):
        let x = scale(t)
        return x * make(a)
      case .sum(let t): return t.dropFirst().reduce(make(t[0])) { $0 + make($1) }
      case .product(let f): return f.dropFirst().reduce(make(f[0])) { $0 * make($1) }
      }
    }
    return make(s.op)
  }
}

/// Errors of chains that input can reach. Each description is one sentence naming the culprit.
public enum ChainError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A chain with no factors.
  case empty
  /// Factor `factor` (1-based) has a size below 1.
  case nonPositiveSize(factor: Int, shape: Shape)
  /// Factor `factor` is `lhs` and factor `factor + 1` is `rhs`, and `lhs.cols ≠ rhs.rows`.
  case sizesDoNotChain(factor: Int, lhs: Shape, rhs: Shape)
  /// The input shape of Jacobian `factor` is not the output shape of Jacobian `factor + 1`.
  case shapesDoNotChain(factor: Int, input: Shape, nextOutput: Shape)
  /// Text that is not a parenthesisation; `offset` is the 0-based character position.
  case parse(text: String, offset: Int, reason: String)
  /// A parenthesisation of `parenthesization` factors used with a chain of `chain` factors.
  case factorCountMismatch(parenthesization: Int, chain: Int)
  /// A plan made for a chain with other sizes.
  case planMismatch(String)
  /// A factor written in `jac chain`'s syntax that cannot be read; `reason` completes the sentence.
  case invalidFactorSpec(spec: String, reason: String)
  /// A measurement request outside its range (repeats below 1, a negative warm-up).
  case invalidMeasurement(String)
  /// More factors than `JacobianChain.maximumFactors`.
  case tooManyFactors(Int)

  public var description: String {
    switch self {
    case .empty:
      return "a chain needs at least one factor"
    case let .nonPositiveSize(i, s):
      return "factor \(i) is \(s), but every size must be at least 1"
    case let .sizesDoNotChain(i, l, r):
      return "factor \(i) is \(l) but factor \(i + 1) is \(r): \(l.cols) ≠ \(r.rows)"
    case let .shapesDoNotChain(i, input, output):
      return "factor \(i) takes a \(input) input but factor \(i + 1) gives a \(output) output; "
        + "the shapes must be equal, not only their sizes"
    case let .parse(text, offset, reason):
      return "cannot read the parenthesisation “\(text)”: \(reason) at character \(offset + 1)"
    case let .factorCountMismatch(p, c):
      return "the parenthesisation has \(p) factor\(p == 1 ? "" : "s") but the chain has \(c)"
    case let .planMismatch(m), let .invalidMeasurement(m):
      return m
    case let .invalidFactorSpec(spec, reason):
      return "factor “\(spec)” \(reason)"
    case let .tooManyFactors(k):
      return "a chain of \(k) factors is longer than the limit of \(JacobianChain.maximumFactors); "
        + "plan it in parts of at most that many"
    }
  }

  /// For a parse error, the text with a caret under the offending character (two lines);
  /// nil for other errors.
  public var caretDiagram: String? {
    guard case let .parse(text, offset, _) = self else { return nil }
    return text + "\n" + String(repeating: " ", count: max(0, offset)) + "^"
  }
}
