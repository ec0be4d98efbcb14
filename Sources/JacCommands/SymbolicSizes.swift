import Foundation
import MatrixCore

/// `--dims R=mxn,x=n`: sizes written with letters are size symbols (docs/language.md).
///
/// The derivative is derived once at a generic instantiation, every symbol a distinct prime
/// (53, 59, 61, …, skipping primes that divide a size written in the expression), and printed
/// through `SizeSymbols`, so that `I(53)` reads `Iₙ`. The rules of differentiation depend on sizes
/// only through whether they are 1 and whether two sizes are equal, and distinct primes are the
/// generic case of both; numbers (checks, `--jacobian-out`, `spy`) come from small instantiations.
struct SymbolicSizes {
  enum Size: Equatable {
    case number(Int)
    case symbol(String)
  }

  /// Each variable's rows and columns.
  let shapes: [String: (rows: Size, cols: Size)]
  /// The symbols, sorted.
  let symbols: [String]

  /// The symbolic dims of `--dims`, or nil when every size is a number (then `--dims` works
  /// exactly as before).
  init?(_ text: String) throws {
    var shapes: [String: (rows: Size, cols: Size)] = [:]
    var symbols = Set<String>()
    var invalid: (name: String, value: String)? = nil
    for (name, value) in try parseAssignments(text, flag: "--dims") {
      let parts = value.split(whereSeparator: { $0 == "x" || $0 == "×" || $0 == "," }).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      func size(_ s: String) -> Size? {
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
      for case .symbol(let s) in [rows, cols] { symbols.insert(s) }
      // `x=n` is a column, n×1.
      shapes[name] = (rows, cols)
    }
    guard !symbols.isEmpty else { return nil }
    if let bad = invalid {
      throw CLIError("--dims \(bad.name) '\(bad.value)' is not a shape like 3x2, mxn or n (positive sizes or size symbols)")
    }
    self.shapes = shapes
    self.symbols = symbols.sorted()
  }

  /// The shapes at an instantiation of the symbols.
  func dims(_ values: [String: Int]) -> [String: Shape] {
    func n(_ s: Size) -> Int {
      switch s {
      case .number(let k): return k
      case .symbol(let name): return values[name] ?? 1
      }
    }
    return shapes.mapValues { Shape(n($0.rows), n($0.cols)) }
  }

  /// The generic instantiation: distinct primes that divide none of `literalSizes`, and the
  /// table that prints them back as symbols.
  func generic(avoiding literalSizes: Set<Int>) -> (values: [String: Int], names: [Int: String]) {
    let primes = [53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149]
    // A prime dividing, or within 4 of, a written size would make that size read as a symbol.
    let usable = primes.filter { p in !literalSizes.contains { $0 % p == 0 || abs($0 - p) <= 4 } }
    var values: [String: Int] = [:]
    var names: [Int: String] = [:]
    for (symbol, p) in zip(symbols, usable) {
      values[symbol] = p
      names[p] = symbol
    }
    return (values, names)
  }

  /// `count` instantiations at small random sizes (2…5), the symbols distinct within each where
  /// possible, and no two instantiations equal; drawn from `seed`.
  func instantiations(count: Int, seed: UInt64) -> [[String: Int]] {
    var generator = SeededGenerator(seed: seed &+ 0x5151)
    var out: [[String: Int]] = []
    var attempts = 0
    while out.count < count && attempts < 100 {
      attempts += 1
      var pool = Array(2...5).shuffled(using: &generator)
      var v: [String: Int] = [:]
      for s in symbols { v[s] = pool.isEmpty ? Int.random(in: 2...5, using: &generator) : pool.removeFirst() }
      if !out.contains(v) { out.append(v) }
    }
    return out
  }

  /// `m=3, n=2`, for reports.
  static func describe(_ values: [String: Int]) -> String {
    values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
  }

}

extension SizeSymbols {
  /// A shape for JSON under size symbols: `["m","n"]` (strings, as the sizes are symbols).
  static func jsonShape(_ s: Shape) -> [JSONSize] { [.symbol(text(s.rows)), .symbol(text(s.cols))] }
}
