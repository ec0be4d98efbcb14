import Foundation
import MatrixCore
import Symbolic

/// How the sizes of a command's variables are known (docs/language.md): all given as numbers
/// (the concrete path, as before), completed by inference with numbers only, or with size
/// symbols (given in `--dims`, inferred from the expression, or both).
enum SizeResolution {
  /// Every variable has a numeric shape from `--dims`/`--values`.
  case concrete
  /// Inference filled in the missing shapes, all numbers: `dims` is a complete `--dims`, `note`
  /// says which shapes were inferred (`A 3×3`).
  case completed(dims: String, inferred: [(name: String, shape: Shape)])
  /// Size symbols.
  case symbolic(SymbolicSizes)

  /// `; AX is one name: write A*X for the product` when a variable's name is other names written
  /// together (`XᵀAX` for `Xᵀ*A*X`): names are letters and digits, so `AX` is one name.
  static func runTogetherHint(_ variables: [String], known: Set<String>) -> String {
    for v in variables where !known.contains(v) {
      // The shortest split of v into known names, by dynamic programming over its prefixes.
      let chars = Array(v)
      var best: [[String]?] = Array(repeating: nil, count: chars.count + 1)
      best[0] = []
      for end in 1...chars.count {
        for start in 0..<end {
          guard let head = best[start] else { continue }
          let part = String(chars[start..<end])
          guard known.contains(part), best[end] == nil || best[end]!.count > head.count + 1 else { continue }
          best[end] = head + [part]
        }
      }
      if let parts = best[chars.count], parts.count >= 2 {
        return "; \(v) is one name: write \(parts.joined(separator: "*")) for the product"
      }
    }
    return ""
  }

  /// The sizes of `expression`'s variables under `point`'s `--dims`, `--values`, `--assume`.
  static func resolve(_ expression: MatrixExpression, point: PointOptions) throws -> SizeResolution {
    let parsed = try SymbolicSizes.parseDims(point.dims)
    let values = try point.loadValues()
    let valued = Dictionary(values.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
    let missing = expression.variables.filter { parsed.shapes[$0] == nil && valued[$0] == nil }
    // `x^T` for the transpose: said before T's size is inferred (as 1×1, with x then 1×1 too).
    if let sentence = expression.caretTransposeSentence(given: Set(parsed.shapes.keys).union(valued.keys)) {
      throw CLIError(sentence)
    }
    // Malformed --dims without symbols are reported by the concrete parser, as before.
    if !parsed.hasSymbols && (missing.isEmpty || parsed.invalid) { return .concrete }
    // With sizes to infer, a --dims entry for no variable is most likely a misspelt one.
    if let stray = parsed.shapes.keys.sorted().first(where: { !expression.variables.contains($0) }) {
      throw CLIError(
        "--dims gives \(stray) a shape, but \(stray) is not a variable of the expression (its variables: "
          + expression.variables.joined(separator: ", ") + ")"
          + SizeResolution.runTogetherHint(expression.variables, known: Set(parsed.shapes.keys)))
    }
    let assumptions = try point.assumptions()
    let square = Set(
      assumptions.byVariable.compactMap { name, a in
        [.symmetric, .spd, .diagonal, .orthogonal].contains(a) ? name : nil
      })
    let inferred: InferredShapes
    do {
      inferred = try expression.inferShapes(known: parsed.shapes, square: square)
    } catch {
      throw CLIError("\(error)")
    }
    var shapes = parsed.shapes
    for (name, s) in inferred.shapes { shapes[name] = s }
    let fixed = try bind(values: values, to: shapes)
    let symbols = Set(shapes.values.flatMap { $0.rows.symbols.union($0.cols.symbols) })
    if symbols.isEmpty {
      let all = shapes.keys.sorted().filter { valued[$0] == nil }
      let dims = all.map { "\($0)=\(shapes[$0]!.rows)x\(shapes[$0]!.cols)" }.joined(separator: ",")
      let note = inferred.inferred.filter { valued[$0] == nil }.map { ($0, Shape(shapes[$0]!.rows.value([:]), shapes[$0]!.cols.value([:]))) }
      return .completed(dims: dims, inferred: note)
    }
    var sizes = SymbolicSizes(
      shapes: shapes, inferred: inferred.inferred, variables: parsed.order + expression.variables)
    sizes.fixed = fixed
    sizes.values = valued
    return .symbolic(sizes)
  }

  /// The symbols that the shapes of `--values` fix (`--dims x=n --values x=[1;2;3]`: n = 3);
  /// exit 2 naming the variable when a value's shape does not fit its sizes.
  static func bind(values: [(name: String, value: Matrix, source: String)], to shapes: [String: (rows: SizeTerm, cols: SizeTerm)])
    throws -> [String: Int]
  {
    var fixed: [String: Int] = [:]
    var origin: [String: String] = [:]
    func misfit(_ name: String, _ m: Matrix, _ source: String, _ why: String) -> CLIError {
      CLIError("--values gives \(name) the shape \(m.shape) from \(source), but its size is \(SymbolicSizes.text(shapes[name]!))\(why)")
    }
    // Plain symbols first, then numbers and products or sums of symbols fixed by then.
    for (name, m, source) in values {
      guard let s = shapes[name] else { continue }
      for (term, n) in [(s.rows, m.rows), (s.cols, m.cols)] {
        guard case .symbol(let sym) = term else { continue }
        if let v = fixed[sym], v != n {
          throw misfit(
            name, m, source,
            origin[sym] == name ? ": \(sym) cannot be both \(v) and \(n)" : ": \(sym) = \(v) from the value of \(origin[sym]!)")
        }
        fixed[sym] = n
        origin[sym] = name
      }
    }
    for (name, m, source) in values {
      guard let s = shapes[name] else { continue }
      for (term, n) in [(s.rows, m.rows), (s.cols, m.cols)] {
        if let unbound = term.symbols.subtracting(fixed.keys).sorted().first {
          throw misfit(name, m, source, ": the size \(unbound) cannot be read off it; give it with --dims or concrete sizes")
        }
        if term.value(fixed) != n {
          throw misfit(name, m, source, fixed.isEmpty ? "" : " (at \(SymbolicSizes.describe(fixed)))")
        }
      }
    }
    return fixed
  }
}

/// The shapes that inference filled in with numbers only, for the reports of the concrete path
/// (`SizeResolution.completed`).
enum InferredSizesNote {
  @TaskLocal static var shapes: [(name: String, shape: Shape)] = []
  /// Where they come from: `the expression`, or for `--claim-file` under size symbols
  /// `m=3, n=2, from the claim file's shape`.
  @TaskLocal static var source = "the expression"

  /// `; sizes inferred from the expression: A 3×3`, or nothing.
  static var suffix: String {
    shapes.isEmpty ? "" : "; sizes inferred from \(source): " + shapes.map { "\($0.name) \($0.shape)" }.joined(separator: ", ")
  }

  /// `   [inferred from the expression: A 3×3]`, or nothing.
  static var header: String {
    shapes.isEmpty ? "" : "   [inferred from \(source): " + shapes.map { "\($0.name) \($0.shape)" }.joined(separator: ", ") + "]"
  }

  /// `"inferredShapes": {"A": [3, 3]}`, or nil.
  static var json: [String: [JSONSize]]? {
    shapes.isEmpty ? nil : Dictionary(uniqueKeysWithValues: shapes.map { ($0.name, [.number($0.shape.rows), .number($0.shape.cols)]) })
  }
}

extension PointOptions {
  /// The same options with `--dims` completed by inference (every shape, as numbers).
  func completing(dims: String) -> PointOptions {
    var copy = self
    copy.dims = dims
    return copy
  }
}
