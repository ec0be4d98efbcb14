/// A size in a shape inferred from an expression (docs/language.md, "Sizes inferred from the
/// expression"): a number, a size symbol, or a product or sum of them (`kron`, `vec`, `[x; 1]`).
public indirect enum SizeTerm: Hashable, Sendable, CustomStringConvertible {
  case number(Int)
  case symbol(String)
  case product(SizeTerm, SizeTerm)
  case sum(SizeTerm, SizeTerm)

  /// The size at an instantiation of the symbols (a symbol without a value counts as 1).
  public func value(_ values: [String: Int]) -> Int {
    switch self {
    case .number(let n): return n
    case .symbol(let s): return values[s] ?? 1
    case .product(let a, let b): return a.value(values) * b.value(values)
    case .sum(let a, let b): return a.value(values) + b.value(values)
    }
  }

  /// The symbols it contains.
  public var symbols: Set<String> {
    switch self {
    case .number: return []
    case .symbol(let s): return [s]
    case .product(let a, let b), .sum(let a, let b): return a.symbols.union(b.symbols)
    }
  }

  /// `n`, `3`, `mn`, `n+1`, as the command line writes sizes.
  public var description: String {
    switch self {
    case .number(let n): return String(n)
    case .symbol(let s): return s
    case .product(let a, let b): return "\(a.factorText)\(b.factorText)"
    case .sum(let a, let b): return "\(a)+\(b)"
    }
  }

  private var factorText: String {
    if case .sum = self { return "(\(self))" }
    return description
  }
}

/// Shapes inferred from an expression by unification (docs/language.md): every operator's shape
/// rule is an equation between sizes, the sizes that no equation fixes are size symbols.
///
/// The rules, in the order they apply:
/// 1. Equations that hold whatever the sizes (`A*B` of non-scalars: cols A = rows B; `tr`, `inv`,
///    `det`, `^` need square operands; `/`, `.^` need 1×1 divisors and exponents; `softmax` and
///    `[x; 1]` columns; `kron`, `vec`, blocks give products and sums of sizes).
/// 2. A variable whose name starts with a lowercase letter is a column vector (n×1), as in
///    textbooks (x, b, u are vectors; W, X, A matrices), unless an equation already fixes its
///    column count. (2a: names of Greek letters textbooks use for scalars are 1×1; 2b: a
///    lowercase name that rule 1 makes square, as in `x^2`, is 1×1: a square vector is a number.
///    When the reading with 2a and 2b fails, the expression is read without them.)
/// 3. What is still open: a product of two operands neither of which is known to be 1×1 is a
///    matrix product; in `+`, `-`, `.*`, `./`, `max`, `min` a size 1 on one side broadcasts and
///    otherwise the sizes are equal; `diag(v)` takes a column.
/// A product that is a matrix product only by rule 3 and then leaves one side 1×1 (`c*x`: either
/// c is 1×1 and scales x, or x is 1×1) is ambiguous and refused, naming both readings.
public struct InferredShapes: Sendable {
  /// Every variable's rows and columns.
  public let shapes: [String: (rows: SizeTerm, cols: SizeTerm)]
  /// The new size symbols, in order of first appearance.
  public let symbols: [String]
  /// The variables whose shape was (wholly or partly) inferred, in order of first appearance.
  public let inferred: [String]
  /// The variables in order of first appearance in the expression.
  public let order: [String]

  /// `W m×n, x n×1`, for reports.
  public func describe(_ names: [String]) -> String {
    names.compactMap { v in shapes[v].map { "\(v) \($0.rows)×\($0.cols)" } }.joined(separator: ", ")
  }
}

/// Sizes that contradict each other, or an expression whose sizes cannot be read off it.
public struct ShapeInferenceError: Error, Equatable, Sendable, CustomStringConvertible {
  public let description: String
  init(_ text: String) { description = text }
}

extension Expression {
  /// Infers every variable's shape from the expression and the shapes known already.
  ///
  /// ```swift
  /// try Expression("W*x+b").inferShapes(known: [:]).describe(["W", "x", "b"])  // "W m×n, x n×1, b m×1"
  /// try Expression("x'*A*x").inferShapes(known: [:]).describe(["x", "A"])     // "x n×1, A n×n"
  /// ```
  ///
  /// - Parameters:
  ///   - known: shapes given by the caller (numbers or symbols); they are never changed.
  ///   - square: variables that are square whatever the expression says (`--assume A=symmetric`).
  ///   - reserved: names that new symbols avoid (the variables are avoided anyway).
  /// - Throws: `ShapeInferenceError` naming the contradiction (`in A*x, A is m×m and x is n×1:
  ///   m ≠ n`) or the ambiguity.
  public func inferShapes(
    known: [String: (rows: SizeTerm, cols: SizeTerm)], square: Set<String> = [], reserved: Set<String> = []
  ) throws(ShapeInferenceError) -> InferredShapes {
    var solver = SizeSolver(known: known)
    solver.assumedSquare = square
    _ = try solver.shape(of: self)
    for name in square.sorted() {
      guard let s = solver.variableShapes[name] else { continue }
      guard solver.unify(s.0, s.1) else {
        throw ShapeInferenceError("\(name) is assumed square, but it is \(solver.text(s)) in \(plainText)")
      }
    }
    try solver.solve(self)
    return solver.result(reserved: reserved.union(variables))
  }
}
