import MatrixCore

/// Random, well-shaped expressions over given variables, for property tests and for
/// differential testing (derivatives against finite differences, printers against the parser).
///
/// Every operator and every function of the language occurs: over a few hundred expressions
/// each form appears many times. Output depends only on the seed, the variables, `maxDepth` and
/// `domain`, so a failing case can be replayed from its seed.
///
/// With `domain: .definedEverywhere` (the default) the arguments that have a restricted domain
/// are built so that evaluation at any point is defined: `log`, `sqrt`, divisors, fractional and
/// negative powers get positive arguments (`softplus(e)+ones(m,n)`, `exp(tanh(e))`, …); `inv`,
/// `det`, `logdet` and negative matrix powers get `e*e'+I(n)` (so `det` is never 0 and
/// `sign(det(…))` never depends on rounding); `exp` gets a bounded argument
/// (`tanh(e)`, `sin(e)`, …). With `.anywhere` only shapes are guaranteed.
///
/// ```swift
/// var generator = RandomExpressionGenerator(
///   seed: 7, maxDepth: 4, variables: ["X": Shape(3, 2), "x": Shape(2, 1)])
/// let (e, shape) = generator.next()        // e.g. tr(X'*X)+sum(exp(tanh(x))), 1×1
/// let f = generator.expression(of: Shape(3, 1))
/// let point = generator.randomValues()     // standard normal values for X and x
/// try f.evaluate(point)                    // a finite 3×1 matrix
/// ```
public struct RandomExpressionGenerator: Sendable {
  /// Which expressions may be generated.
  public enum Domain: Sendable {
    /// Any well-shaped expression; evaluation may fail with a domain error.
    case anywhere
    /// Expressions whose value is defined (and, in practice, finite) wherever the variables are.
    case definedEverywhere
  }

  /// The variables and their shapes.
  public let variables: [String: Shape]
  /// How many operators may nest (guards such as `softplus(e)+ones(m,n)` add a few levels).
  public let maxDepth: Int
  public let domain: Domain

  private let names: [String]
  private var random: SeededGenerator

  /// - Parameters:
  ///   - seed: The seed of the generator; equal seeds give equal sequences.
  ///   - maxDepth: The nesting limit of operators (0 gives leaves only).
  ///   - variables: Names and shapes; names must be identifiers that are not function names.
  ///   - domain: Whether evaluation must be defined everywhere (the default) or only shapes fit.
  public init(
    seed: UInt64, maxDepth: Int = 4, variables: [String: Shape], domain: Domain = .definedEverywhere
  ) {
    self.variables = variables
    self.maxDepth = max(0, maxDepth)
    self.domain = domain
    self.names = variables.keys.sorted()
    self.random = SeededGenerator(seed: seed)
  }

  /// A random expression and its shape: the shape is one of the variables' shapes, 1×1, or a
  /// small random one.
  public mutating func next() -> (expression: Expression, shape: Shape) {
    let shape: Shape
    switch int(0...3) {
    case 0: shape = Shape(1, 1)
    case 1: shape = Shape(int(1...4), int(1...4))
    default:
      shape =
        names.isEmpty
        ? Shape(int(1...4), int(1...4)) : variables[names[int(0...(names.count - 1))]] ?? Shape(1, 1)
    }
    return (expression(of: shape), shape)
  }

  /// A random expression with the given shape.
  public mutating func expression(of shape: Shape) -> Expression {
    generate(shape, depth: maxDepth)
  }

  /// Standard normal values for every variable, drawn in name order from this generator.
  public mutating func randomValues() -> [String: Matrix] {
    var values: [String: Matrix] = [:]
    for name in names {
      guard let s = variables[name] else { continue }
      values[name] = .randomNormal(s.rows, s.cols, using: &random)
    }
    return values
  }

  // MARK: Productions

  private enum Production: CaseIterable {
    case leaf, transpose, negate, add, subtract, product, scaling, hadamard, hadamardQuotient, divide
    case power, elementwisePower, inverse, determinant, logDeterminant, trace, sum, norm, kronecker
    case vec, diag, diagonal, elementwise, softmax, logSumExp, commutationProduct
    /// `+`, `-`, `.*`, `./` with an operand broadcast (a 1×1, an m×1 column, a 1×n row).
    case broadcast
    /// The extensions `max`, `min` (possibly broadcast), `norm1`, and `[A, B; C, D]`.
    case extremum, norm1, concatenation
  }

  private var isSafe: Bool { domain == .definedEverywhere }

  private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

  private mutating func pick<T>(_ options: [T]) -> T { options[int(0...(options.count - 1))] }

  private mutating func generate(_ s: Shape, depth: Int) -> Expression {
    guard depth > 0 else { return leaf(s) }
    let d = depth - 1
    let productions = Production.allCases.filter { applies($0, to: s) }
    switch pick(productions) {
    case .leaf:
      return leaf(s)
    case .transpose:
      return .transpose(generate(s.transposed, depth: d))
    case .negate:
      return .negate(generate(s, depth: d))
    case .add:
      return .add(generate(s, depth: d), generate(s, depth: d))
    case .subtract:
      return .subtract(generate(s, depth: d), generate(s, depth: d))
    case .product:
      let k = int(1...3)
      return .product(generate(Shape(s.rows, k), depth: d), generate(Shape(k, s.cols), depth: d))
    case .scaling:
      let scalar = generate(Shape(1, 1), depth: d)
      let matrix = generate(s, depth: d)
      return int(0...1) == 0 ? .product(scalar, matrix) : .product(matrix, scalar)
    case .hadamard:
      switch int(0...3) {
      case 0: return .hadamard(generate(Shape(1, 1), depth: d), generate(s, depth: d))
      case 1: return .hadamard(generate(s, depth: d), generate(Shape(1, 1), depth: d))
      default: return .hadamard(generate(s, depth: d), generate(s, depth: d))
      }
    case .hadamardQuotient:
      let divisorShape = int(0...2) == 0 ? Shape(1, 1) : s
      return .hadamardQuotient(generate(s, depth: d), nonzero(divisorShape, depth: d))
    case .divide:
      return .divide(generate(s, depth: d), nonzero(Shape(1, 1), depth: d))
    case .power:
      return power(s, depth: d)
    case .elementwisePower:
      let exponent = pick([2.0, 3, 0.5, -1, 1.5, 0])
      let needsPositive = isSafe && (exponent < 0 || exponent != exponent.rounded())
      let base = needsPositive ? positive(s, depth: d) : generate(s, depth: d)
      if s.isScalar || int(0...3) > 0 { return .elementwisePower(base, Expression.literal(exponent)) }
      // A computed exponent: bounded, and only on a positive base when it must be defined.
      let p = isSafe ? Expression.sin(generate(Shape(1, 1), depth: d)) : generate(Shape(1, 1), depth: d)
      return .elementwisePower(isSafe ? positive(s, depth: d) : base, p)
    case .inverse:
      return .inverse(invertible(s.rows, depth: d))
    case .determinant:
      // Never a singular argument where the domain must be defined: det(A) of a singular A is
      // 0 in exact arithmetic but rounding noise in floating point, so sign(det(A)) or
      // heaviside(det(A)) would depend on the last bits (and det has no closed-form derivative there).
      let n = int(1...3)
      return .determinant(isSafe ? invertible(n, depth: d) : generate(Shape(n, n), depth: d))
    case .logDeterminant:
      let n = int(1...3)
      return .logDeterminant(isSafe ? invertible(n, depth: d) : generate(Shape(n, n), depth: d))
    case .trace:
      return .trace(generate(square(), depth: d))
    case .sum:
      return .sum(generate(small(), depth: d))
    case .norm:
      return .norm(generate(small(), depth: d))
    case .logSumExp:
      return .logSumExp(generate(small(), depth: d))
    case .kronecker:
      let m = pick(divisors(of: s.rows))
      let n = pick(divisors(of: s.cols))
      return .kronecker(generate(Shape(m, n), depth: d), generate(Shape(s.rows / m, s.cols / n), depth: d))
    case .vec:
      let m = pick(divisors(of: s.rows))
      return .vec(generate(Shape(m, s.rows / m), depth: d))
    case .diag:
      return .diag(generate(int(0...1) == 0 ? Shape(s.rows, 1) : Shape(1, s.rows), depth: d))
    case .diagonal:
      return .diagonal(generate(Shape(s.rows, s.rows), depth: d))
    case .softmax:
      return .softmax(generate(s, depth: d))
    case .elementwise:
      let f = pick(ElementwiseFunction.allCases)
      switch f {
      case .log, .sqrt: return .elementwise(f, positive(s, depth: d))
      case .exp where isSafe: return .elementwise(f, bounded(s, depth: d))
      // tan of an argument in [−1, 1] stays away from its poles; arcsin, arccos get (−0.9, 0.9).
      case .tan where isSafe: return .elementwise(f, bounded(s, depth: d))
      case .arcsin where isSafe, .arccos where isSafe:
        return .elementwise(f, .product(.constant(0.9), .tanh(generate(s, depth: d))))
      default: return .elementwise(f, generate(s, depth: d))
      }
    case .broadcast:
      return broadcast(s, depth: d)
    case .extremum:
      var (left, right) = (s, s)
      if int(0...2) == 0 { right = Shape(1, 1) }
      if int(0...1) == 0 { swap(&left, &right) }
      let (a, b) = (generate(left, depth: d), generate(right, depth: d))
      return int(0...1) == 0 ? .maximum(a, b) : .minimum(a, b)
    case .norm1:
      return .norm1(generate(small(), depth: d))
    case .concatenation:
      return concatenation(s, depth: d)
    case .commutationProduct:
      // K(m,n)*vec(A) = vec(A'): a commutation matrix applied to a vector of length mn.
      let m = pick(divisors(of: s.rows))
      return .product(.commutation(m, s.rows / m), generate(s, depth: d))
    }
  }

  private func applies(_ production: Production, to s: Shape) -> Bool {
    switch production {
    case .power, .inverse, .diag: return s.isSquare
    case .determinant, .logDeterminant, .trace, .sum, .norm, .logSumExp, .norm1: return s.isScalar
    case .concatenation: return s.count > 1
    case .vec, .diagonal, .softmax: return s.cols == 1
    case .commutationProduct: return s.cols == 1 && s.rows > 1
    case .broadcast: return !s.isScalar
    default: return true
    }
  }

  /// An entrywise operation of shape s whose operands broadcast (docs/language.md): one full
  /// operand and a 1×1, a column or a row; or, for a matrix, a column and a row.
  private mutating func broadcast(_ s: Shape, depth d: Int) -> Expression {
    var smaller = [Shape(1, 1)]
    if s.cols > 1 { smaller.append(Shape(s.rows, 1)) }
    if s.rows > 1 { smaller.append(Shape(1, s.cols)) }
    var (left, right) = (s, pick(smaller))
    if s.rows > 1 && s.cols > 1 && int(0...3) == 0 { (left, right) = (Shape(s.rows, 1), Shape(1, s.cols)) }
    if int(0...1) == 0 { swap(&left, &right) }
    switch int(0...3) {
    case 0: return .add(generate(left, depth: d), generate(right, depth: d))
    case 1: return .subtract(generate(left, depth: d), generate(right, depth: d))
    case 2: return .hadamard(generate(left, depth: d), generate(right, depth: d))
    default: return .hadamardQuotient(generate(left, depth: d), nonzero(right, depth: d))
    }
  }

  /// A block matrix of shape s: the rows split into one or two bands, each band's columns into
  /// one or two blocks (at least two blocks in all).
  private mutating func concatenation(_ s: Shape, depth d: Int) -> Expression {
    func split(_ n: Int) -> [Int] { n > 1 && int(0...1) == 0 ? { let k = int(1...(n - 1)); return [k, n - k] }() : [n] }
    var bands = split(s.rows)
    var widths = bands.count == 1 && s.cols > 1 ? [int(1...(s.cols - 1))] : [s.cols]
    if widths[0] < s.cols { widths.append(s.cols - widths[0]) }
    if bands.count == 1 && widths.count == 1 { bands = [1, s.rows - 1] }
    return .concatenation(
      bands.map { h in
        // Each band may split its columns differently.
        let w = widths.count > 1 || s.cols == 1 ? widths : split(s.cols)
        return w.map { generate(Shape(h, $0), depth: d) }
      })
  }

  private mutating func power(_ s: Shape, depth d: Int) -> Expression {
    if s.isScalar {
      switch int(0...3) {
      case 0:
        let k = pick([2.0, 3, 0, -1, -2])
        return .power(k < 0 ? nonzero(s, depth: d) : generate(s, depth: d), Expression.literal(k))
      case 1:
        return .power(positive(s, depth: d), Expression.literal(pick([0.5, 1.5, -0.5])))
      default:
        let exponent = isSafe ? Expression.sin(generate(s, depth: d)) : generate(s, depth: d)
        return .power(positive(s, depth: d), exponent)
      }
    }
    let k = pick([0, 1, 2, 3, -1, -2])
    let base = k < 0 && isSafe ? invertible(s.rows, depth: d) : generate(s, depth: d)
    return .power(base, Expression.literal(Double(k)))
  }

  // MARK: Leaves

  private mutating func leaf(_ s: Shape) -> Expression {
    var options: [Expression] = []
    for name in names where variables[name] == s { options += [.variable(name), .variable(name)] }
    for name in names where variables[name] == s.transposed && !s.isSquare {
      options.append(.transpose(.variable(name)))
    }
    if s.isScalar { options.append(.constant(pick([0.5, 1, 2, 3, 1.5, 0.25]))) }
    if s.isSquare {
      options.append(.identity(s.rows))
      let m = pick(divisors(of: s.rows))
      options.append(.commutation(m, s.rows / m))
    }
    if options.isEmpty || int(0...4) == 0 {
      options.append(int(0...1) == 0 ? .ones(s.rows, s.cols) : .zeros(s.rows, s.cols))
    }
    if !names.isEmpty && (options.count < 2 || int(0...2) == 0) {
      // Any variable V (p×q) reaches any shape as ones(r,p)*V*ones(q,c).
      let name = pick(names)
      if let v = variables[name] {
        let left: Expression =
          v.rows == s.rows ? .variable(name) : .product(.ones(s.rows, v.rows), .variable(name))
        options.append(v.cols == s.cols ? left : .product(left, .ones(v.cols, s.cols)))
      }
    }
    return pick(options)
  }

  // MARK: Guards for a defined value

  private func one(_ s: Shape) -> Expression { s.isScalar ? .constant(1) : .ones(s.rows, s.cols) }

  /// An expression with positive entries (≥ e⁻¹) when the domain must be defined.
  private mutating func positive(_ s: Shape, depth d: Int) -> Expression {
    guard isSafe else { return generate(s, depth: d) }
    let e = generate(s, depth: d)
    switch int(0...3) {
    case 0: return .exp(.tanh(e))
    case 1: return .add(.softplus(e), one(s))
    case 2: return .add(.abs(e), one(s))
    default: return .add(.elementwisePower(e, 2), one(s))
    }
  }

  private mutating func nonzero(_ s: Shape, depth d: Int) -> Expression {
    isSafe ? positive(s, depth: d) : generate(s, depth: d)
  }

  /// A bounded expression (entries in [-1, 1] or a leaf), the argument of `exp`.
  private mutating func bounded(_ s: Shape, depth d: Int) -> Expression {
    let e = generate(s, depth: d)
    switch int(0...3) {
    case 0: return .tanh(e)
    case 1: return .sin(e)
    case 2: return .cos(e)
    default: return .sigmoid(e)
    }
  }

  /// An n×n matrix with eigenvalues ≥ 1 when the domain must be defined: `e*e'+I(n)`.
  private mutating func invertible(_ n: Int, depth d: Int) -> Expression {
    guard isSafe else { return generate(Shape(n, n), depth: d) }
    let k = int(1...3)
    if int(0...1) == 0 {
      let e = generate(Shape(n, k), depth: d)
      return .add(.product(e, .transpose(e)), .identity(n))
    }
    let e = generate(Shape(k, n), depth: d)
    return .add(.product(.transpose(e), e), .identity(n))
  }

  private mutating func square() -> Shape {
    let n = int(1...3)
    return Shape(n, n)
  }

  private mutating func small() -> Shape { Shape(int(1...3), int(1...3)) }

  private func divisors(of n: Int) -> [Int] { (1...max(n, 1)).filter { n % $0 == 0 } }
}

extension Expression {
  /// A literal as the parser would build it: `-1` is `.negate(.constant(1))`.
  fileprivate static func literal(_ value: Double) -> Expression {
    value < 0 ? .negate(.constant(-value)) : .constant(value)
  }
}
