import Foundation
import MatrixCore
import Symbolic

/// `--dims R=mxn,x=n`, or sizes inferred from the expression: size symbols (docs/language.md).
///
/// The derivative is derived once at a generic instantiation, every symbol a distinct prime
/// (53, 59, 61, …, skipping primes that divide a size written in the expression), and printed
/// through `SizeSymbols`, so that `I(53)` reads `Iₙ`. The rules of differentiation depend on sizes
/// only through whether they are 1 and whether two sizes are equal, and distinct primes are the
/// generic case of both; numbers (checks, `--jacobian-out`, `spy`) come from small instantiations,
/// or from the shapes of `--values`.
struct SymbolicSizes {
  /// Each variable's rows and columns.
  let shapes: [String: (rows: SizeTerm, cols: SizeTerm)]
  /// The symbols, sorted.
  let symbols: [String]
  /// The symbols in reading order: as they appear in the variables' shapes, rows before
  /// columns, the variables in the order of `--dims` and then of first appearance in the
  /// expression (`--dims X=nxk`: n, k). Products of sizes are written in this order (`nk`, the
  /// length of vec X), through the primes of `generic(avoiding:)`.
  let readingOrder: [String]
  /// The variables whose shapes were inferred from the expression (not given by `--dims`), in
  /// order of first appearance; empty when `--dims` gave every shape.
  var inferred: [String] = []
  /// Symbols whose values the shapes of `--values` fix.
  var fixed: [String: Int] = [:]
  /// The values of `--values`.
  var values: [String: Matrix] = [:]

  /// The symbolic dims of `--dims`, or nil when every size is a number (then `--dims` works
  /// exactly as before).
  init?(_ text: String) throws {
    let parsed = try SymbolicSizes.parseDims(text)
    guard parsed.hasSymbols else { return nil }
    shapes = parsed.shapes
    symbols = Set(parsed.shapes.values.flatMap { $0.rows.symbols.union($0.cols.symbols) }).sorted()
    readingOrder = SymbolicSizes.readingOrder(parsed.shapes, variables: parsed.order)
  }

  /// `variables`: the order in which the variables are read (`--dims`, then the expression).
  init(shapes: [String: (rows: SizeTerm, cols: SizeTerm)], inferred: [String], variables: [String] = []) {
    self.shapes = shapes
    self.inferred = inferred
    symbols = Set(shapes.values.flatMap { $0.rows.symbols.union($0.cols.symbols) }).sorted()
    readingOrder = SymbolicSizes.readingOrder(shapes, variables: variables + inferred)
  }

  /// The symbols of `shapes` as they are read in the shapes of `variables` in order, rows
  /// before columns; symbols of other variables after them, sorted.
  static func readingOrder(_ shapes: [String: (rows: SizeTerm, cols: SizeTerm)], variables: [String]) -> [String] {
    var order: [String] = []
    func read(_ t: SizeTerm) {
      switch t {
      case .number: break
      case .symbol(let s): if !order.contains(s) { order.append(s) }
      case .product(let a, let b), .sum(let a, let b):
        read(a)
        read(b)
      }
    }
    for v in variables + shapes.keys.sorted() {
      guard let s = shapes[v] else { continue }
      read(s.rows)
      read(s.cols)
    }
    return order
  }

  /// `--dims` with sizes that are numbers or symbols (`x=n` is n×1); whether any is a symbol.
  static func parseDims(_ text: String) throws -> (
    shapes: [String: (rows: SizeTerm, cols: SizeTerm)], hasSymbols: Bool, invalid: Bool, order: [String]
  ) {
    var shapes: [String: (rows: SizeTerm, cols: SizeTerm)] = [:]
    var order: [String] = []
    var hasSymbols = false
    var invalid: (name: String, value: String)? = nil
    for (name, value) in try parseAssignments(text, flag: "--dims") {
      let parts = value.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "x" || $0 == "×" || $0 == "," }).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      func size(_ s: String) -> SizeTerm? {
        if let n = Int(s), n > 0, n <= 1 << 24 { return .number(n) }
        guard let first = s.first, first.isLetter, s.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
          return nil
        }
        return .symbol(s)
      }
      // Anything that is not a shape of numbers and symbols is left to the concrete parser, which
      // reports it as before ("is not a shape").
      let sizes = parts.map(size)
      guard parts.count == 1 || parts.count == 2, let rows = sizes[0], let cols = parts.count == 1 ? .number(1) : sizes[1]
      else {
        if invalid == nil { invalid = (name, value) }
        continue
      }
      if !rows.symbols.isEmpty || !cols.symbols.isEmpty { hasSymbols = true }
      // `x=n` is a column, n×1.
      shapes[name] = (rows, cols)
      order.append(name)
    }
    if hasSymbols, let bad = invalid {
      throw CLIError("--dims \(bad.name) '\(bad.value)' is not a shape like 3x2, mxn or n (positive sizes or size symbols)")
    }
    return (shapes, hasSymbols, invalid != nil, order)
  }

  /// The shapes at an instantiation of the symbols.
  func dims(_ values: [String: Int]) -> [String: Shape] {
    shapes.mapValues { Shape($0.rows.value(values), $0.cols.value(values)) }
  }

  /// The generic instantiation: distinct primes that divide none of `literalSizes`, and the
  /// table that prints them back as symbols. The primes increase in `readingOrder`, so that a
  /// product of sizes is written in reading order (`SizeSymbols` writes its factors by prime).
  func generic(avoiding literalSizes: Set<Int>) -> (values: [String: Int], names: [Int: String]) {
    let primes = [53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149]
    // A prime dividing, or within 4 of, a written size would make that size read as a symbol.
    let usable = primes.filter { p in !literalSizes.contains { $0 % p == 0 || abs($0 - p) <= 4 } }
    var values: [String: Int] = [:]
    var names: [Int: String] = [:]
    for (symbol, p) in zip(readingOrder, usable) {
      values[symbol] = p
      names[p] = symbol
    }
    return (values, names)
  }

  /// `m=3, n=2`, for reports.
  static func describe(_ values: [String: Int]) -> String {
    values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
  }

  /// `[size symbols m, n; inferred from the expression: W m×n, x n×1; n=3 from --values]`.
  var headerNote: String {
    var parts = ["size symbols \(symbols.joined(separator: ", "))"]
    if !inferred.isEmpty {
      parts.append("inferred from the expression: " + inferred.map { "\($0) \(SymbolicSizes.text(shapes[$0]!))" }.joined(separator: ", "))
    }
    if !fixed.isEmpty { parts.append("\(SymbolicSizes.describe(fixed)) from --values") }
    return "[" + parts.joined(separator: "; ") + "]"
  }

  /// `W m×n, x n×1`: the shapes of `names` that have one, for sentences.
  func describeShapes(_ names: [String]) -> String {
    names.compactMap { v in shapes[v].map { "\(v) \(SymbolicSizes.text($0))" } }.joined(separator: ", ")
  }

  /// `m×n`, `(n+1)×1`.
  static func text(_ s: (rows: SizeTerm, cols: SizeTerm)) -> String { "\(factor(s.rows))×\(factor(s.cols))" }
  private static func factor(_ t: SizeTerm) -> String {
    if case .sum = t { return "(\(t))" }
    return t.description
  }

  /// The inferred shapes for JSON (`{"W": ["m","n"]}`), or nil when none was inferred.
  var inferredJSON: [String: [JSONSize]]? {
    inferred.isEmpty
      ? nil
      : Dictionary(uniqueKeysWithValues: inferred.map { ($0, [.symbol(shapes[$0]!.rows.description), .symbol(shapes[$0]!.cols.description)]) })
  }
}

extension SizeSymbols {
  /// A shape for JSON under size symbols: `["m","n"]` (strings, as the sizes are symbols).
  static func jsonShape(_ s: Shape) -> [JSONSize] { [.symbol(text(s.rows)), .symbol(text(s.cols))] }
}
