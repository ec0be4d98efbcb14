import Jacobians
import MatrixCore
import Testing

@testable import Symbolic

/// The Unicode text of results with size symbols parses back (docs/language.md, "Ones as
/// textbooks write them"): over a corpus of symbolic derivatives, `parse(print(e))` read with the
/// symbols' values at random instantiations evaluates equal to the derivative derived at those
/// sizes, at random values.
@Suite struct UnicodeSizeRoundTripTests {
  /// (F, its variables' sizes with symbols, the variable to differentiate with respect to).
  static let corpus: [(String, [String: (String, String)], String)] = [
    ("R'*R", ["R": ("m", "n")], "R"),
    ("W*X+b", ["W": ("m", "k"), "X": ("k", "n"), "b": ("m", "1")], "b"),
    ("W*X+b", ["W": ("m", "k"), "X": ("k", "n"), "b": ("m", "1")], "W"),
    ("sum(W*X+b)", ["W": ("m", "k"), "X": ("k", "n"), "b": ("m", "1")], "b"),
    ("x'*A*x", ["x": ("n", "1"), "A": ("n", "n")], "x"),
    ("kron(X,X)", ["X": ("m", "n")], "X"),
    ("kron(A,B)", ["A": ("m", "n"), "B": ("p", "q")], "B"),
    ("[X, X]'*[X, X]", ["X": ("m", "q")], "X"),
    ("[x; 1]'*A*[x; 1]", ["x": ("n", "1"), "A": ("n+1", "n+1")], "x"),
    ("W*[x; 1]", ["W": ("m", "n+1"), "x": ("n", "1")], "x"),
    ("vec(X)'*vec(X)", ["X": ("m", "n")], "X"),
    ("X*X'", ["X": ("m", "n")], "X"),
    ("sum(X.*X) + sum(X)", ["X": ("m", "n")], "X"),
    ("tanh(W*x).*(W*x)", ["W": ("m", "n"), "x": ("n", "1")], "W"),
    ("vec(X')", ["X": ("m", "n")], "X"),
    ("[X; Y]", ["X": ("m", "n"), "Y": ("p", "n")], "Y"),
    ("X'*A*X", ["X": ("m", "n"), "A": ("m", "m")], "X"),
    ("softmax(W*x)", ["W": ("m", "n"), "x": ("n", "1")], "x"),
    ("norm(X - ones(m,1)*ones(1,n))^2", ["X": ("m", "n")], "X"),
    ("kron(I(n), X)*vec(Y)", ["X": ("m", "p"), "Y": ("p", "n")], "X"),
  ]

  static let primes = [53, 59, 61, 67, 71]

  static func size(_ text: String, _ values: [String: Int]) -> Int {
    SizeSymbols.$values.withValue(values) { SizeSymbols.value(of: text)! }
  }

  static func dims(_ sizes: [String: (String, String)], _ values: [String: Int]) -> [String: Shape] {
    sizes.mapValues { Shape(size($0.0, values), size($0.1, values)) }
  }

  @Test(arguments: 0..<corpus.count)
  func textOfTheSymbolicResultParsesBack(_ index: Int) throws {
    let (f, sizes, wrt) = Self.corpus[index]
    let symbols = Set(sizes.values.flatMap { [$0.0, $0.1] }.flatMap { t in t.split(whereSeparator: { !$0.isLetter }).map(String.init) })
      .sorted()
    let generic = Dictionary(uniqueKeysWithValues: zip(symbols, Self.primes))
    let names = Dictionary(uniqueKeysWithValues: generic.map { ($0.value, $0.key) })
    let expression = try SizeSymbols.$values.withValue(generic) { try Expression(f) }
    let d = try SymbolicDerivative(of: expression, wrt: wrt, dims: Self.dims(sizes, generic))
    var printed: [(what: String, text: String)] = []
    for layout in [JacobianLayout.numerator, .denominator] {
      let shown = try d.display(in: layout).expression
      printed.append(("\(layout.rawValue) Jacobian", SizeSymbols.$names.withValue(names) { shown.unicodeText }))
    }
    if let g = d.gradient { printed.append(("gradient", SizeSymbols.$names.withValue(names) { g.unicodeText })) }
    let seed = UInt64(7_000 + index)
    var generator = SeededGenerator(seed: seed)
    for round in 0..<3 {
      // Distinct sizes 2…6, as the closed form is derived for distinct symbols other than 1.
      var pool = Array(2...6).shuffled(using: &generator)
      let values = Dictionary(uniqueKeysWithValues: symbols.map { ($0, pool.removeFirst()) })
      let dims = Self.dims(sizes, values)
      var point: [String: Matrix] = [:]
      for (name, s) in dims.sorted(by: { $0.key < $1.key }) { point[name] = .randomNormal(s.rows, s.cols, using: &generator) }
      let instantiated = try SymbolicDerivative(
        of: try SizeSymbols.$values.withValue(values) { try Expression(f) }, wrt: wrt, dims: dims)
      var expected: [Matrix] = []
      for layout in [JacobianLayout.numerator, .denominator] {
        expected.append(try instantiated.display(in: layout).expression.evaluate(point))
      }
      if let g = instantiated.gradient { expected.append(try g.evaluate(point)) }
      #expect(expected.count == printed.count, "seed \(seed): \(f)")
      for (k, p) in printed.enumerated() where k < expected.count {
        let parsed: Expression
        do {
          parsed = try SizeSymbols.$values.withValue(values) { try Expression(p.text) }
        } catch {
          Issue.record("seed \(seed) round \(round) \(f) \(p.what): '\(p.text)' does not parse at \(values): \(error)")
          continue
        }
        let got = try parsed.evaluate(point)
        let e = expected[k]
        #expect(got.rows == e.rows && got.cols == e.cols, "seed \(seed) \(f) \(p.what) '\(p.text)' at \(values)")
        guard got.rows == e.rows && got.cols == e.cols else { continue }
        var worst = 0.0
        var scale = 1e-300
        for i in 0..<e.rows {
          for j in 0..<e.cols {
            worst = max(worst, abs(got[i, j] - e[i, j]))
            scale = max(scale, abs(e[i, j]))
          }
        }
        #expect(worst <= 1e-10 * scale, "seed \(seed) \(f) \(p.what) '\(p.text)' at \(values): off by \(worst)")
      }
    }
  }

  /// The corpus exercises the symbolic forms: subscript letters, braces, products, sums.
  @Test func corpusPrintsSymbolicSizes() throws {
    var forms = Set<String>()
    for (f, sizes, wrt) in Self.corpus {
      let symbols = Set(sizes.values.flatMap { [$0.0, $0.1] }.flatMap { t in t.split(whereSeparator: { !$0.isLetter }).map(String.init) })
        .sorted()
      let generic = Dictionary(uniqueKeysWithValues: zip(symbols, Self.primes))
      let names = Dictionary(uniqueKeysWithValues: generic.map { ($0.value, $0.key) })
      let d = try SymbolicDerivative(
        of: try SizeSymbols.$values.withValue(generic) { try Expression(f) }, wrt: wrt, dims: Self.dims(sizes, generic))
      let text = try SizeSymbols.$names.withValue(names) { try d.display(in: .numerator).expression.unicodeText }
      for form in ["Iₙ", "Iₘₙ", "Iₙ₊₁", "Kₘ,ₙ", "Kₙ,ₘ", "1ₙ", "1ₘ", "1ₙᵀ", "_{q}", "_{2q}", "1ₘₓₙ"] where text.contains(form) {
        forms.insert(form)
      }
    }
    #expect(forms.count >= 8, "\(forms.sorted())")
  }

  /// The forms the printer writes for sizes, one by one.
  @Test func sizeFormsParse() throws {
    let values = ["m": 3, "n": 4, "q": 2]
    let cases: [(String, Expression)] = [
      ("Iₙ", .identity(4)), ("Iₘₙ", .identity(12)), ("Iₙ₊₁", .identity(5)), ("Iₙ₋₁", .identity(3)), ("I_{n²}", .identity(16)),
      ("I_{q}", .identity(2)), ("I_{2q}", .identity(4)), ("Kₘ,ₙ", .commutation(3, 4)), ("K_{q},ₙ", .commutation(2, 4)),
      ("Kₘ,_{q}", .commutation(3, 2)), ("1ₙ", .ones(4, 1)), ("1ₙᵀ", .ones(1, 4)), ("1ₘₓₙ", .ones(3, 4)),
      ("1_{q×n}", .ones(2, 4)), ("1ₙ₊₁ₓₘ₊₁", .ones(5, 4)), ("zeros(mn,1)", .zeros(12, 1)), ("ones(n²,1)", .ones(16, 1)),
      ("zeros(2m,n−1)", .zeros(6, 3)),
    ]
    for (text, tree) in cases {
      #expect(try SizeSymbols.$values.withValue(values) { try Expression(text) } == tree, "\(text)")
    }
    // Without the symbols' values a symbolic subscript is an error, not a guess.
    #expect(throws: ParseError.self) { try Expression("Iₙ") }
    #expect(throws: ParseError.self) { try SizeSymbols.$values.withValue(values) { try Expression("I_{n") } }
  }
}
