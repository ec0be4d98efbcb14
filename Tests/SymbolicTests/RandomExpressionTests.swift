import MatrixCore
import PropertyBased
import TestSupport
import Testing

@testable import Symbolic

/// The variables of the property tests: square and not, vectors and a scalar.
let randomVariables: [String: Shape] = [
  "X": Shape(3, 2), "A": Shape(2, 2), "x": Shape(3, 1), "r": Shape(1, 2), "s": Shape(1, 1),
]

extension Expression {
  /// The name of the outermost form, to check that generators cover the language.
  var formName: String {
    switch self {
    case .variable: return "variable"
    case .constant: return "constant"
    case .identity: return "I"
    case .commutation: return "K"
    case .zeros: return "zeros"
    case .ones: return "ones"
    case .transpose: return "transpose"
    case .negate: return "negate"
    case .add: return "+"
    case .subtract: return "-"
    case .product: return "*"
    case .hadamard: return ".*"
    case .hadamardQuotient: return "./"
    case .divide: return "/"
    case .power: return "^"
    case .elementwisePower: return ".^"
    case .inverse: return "inv"
    case .determinant: return "det"
    case .logDeterminant: return "logdet"
    case .trace: return "tr"
    case .sum: return "sum"
    case .norm: return "norm"
    case .kronecker: return "kron"
    case .vec: return "vec"
    case .diag: return "diag"
    case .diagonal: return "diagonal"
    case .elementwise(let f, _): return f.name
    case .softmax: return "softmax"
    case .logSumExp: return "logsumexp"
    case .reshape: return "reshape"
    case .maximum: return "max"
    case .minimum: return "min"
    case .norm1: return "norm1"
    case .concatenation: return "[ ]"
    }
  }

  var allFormNames: Set<String> { children.reduce(into: [formName]) { $0.formUnion($1.allFormNames) } }
}

@Suite struct RandomExpressionTests {
  @Test func printersRoundTripThroughTheParser() async {
    await seededPropertyCheck(count: 400, input: Gen.int(in: 0...1_000_000)) { seed in
      var generator = RandomExpressionGenerator(seed: UInt64(seed), maxDepth: 4, variables: randomVariables)
      let (e, _) = generator.next()
      #expect((try? Expression(e.plainText)) == e, "plain: \(e.plainText)")
      #expect((try? Expression(e.unicodeText)) == e, "unicode: \(e.unicodeText)")
      #expect(!e.latex.isEmpty)
    }
  }

  @Test func generatedShapesAreInferred() async {
    await seededPropertyCheck(count: 300, input: Gen.int(in: 0...1_000_000)) { seed in
      var generator = RandomExpressionGenerator(
        seed: UInt64(seed), maxDepth: 5, variables: randomVariables, domain: .anywhere)
      let (e, shape) = generator.next()
      #expect((try? e.shape(in: randomVariables)) == shape, "\(e)")
    }
  }

  /// The main differential test: MatrixCore's evaluation against the naive reference written
  /// by definition, at random points, for expressions that are defined everywhere.
  @Test func evaluationMatchesTheDefinitionsAndIsFinite() async {
    await seededPropertyCheck(count: 400, input: Gen.int(in: 0...1_000_000)) { seed in
      var generator = RandomExpressionGenerator(seed: UInt64(seed), maxDepth: 4, variables: randomVariables)
      let (e, shape) = generator.next()
      let values = generator.randomValues()
      do {
        let got = try e.evaluate(values)
        #expect(got.shape == shape)
        let finite = got.storage.allSatisfy { $0.isFinite }
        #expect(finite, "\(e)")
        let expected = try Reference.evaluate(e, values.mapValues(Dense.init))
        #expect(close(got, expected, 1e-7), "seed \(seed): \(e)\n\(got)\nexpected \(expected.entries)")
      } catch {
        Issue.record("seed \(seed): \(e) failed: \(error)")
      }
    }
  }

  /// Without guards, evaluation either gives finite values or a domain error naming a
  /// sub-expression; never a shape error, never a trap. The reference agrees where defined.
  @Test func unrestrictedExpressionsFailOnlyWithDomainErrors() async {
    await seededPropertyCheck(count: 300, input: Gen.int(in: 0...1_000_000)) { seed in
      var generator = RandomExpressionGenerator(
        seed: UInt64(seed), maxDepth: 4, variables: randomVariables, domain: .anywhere)
      let (e, shape) = generator.next()
      let values = generator.randomValues()
      do {
        let got = try e.evaluate(values)
        #expect(got.shape == shape)
        let finite = got.storage.allSatisfy { $0.isFinite }
        #expect(finite)
      } catch let error as EvaluationError {
        switch error {
        case .shape, .missingValue, .nonFiniteValue, .matrix, .cancelled:
          Issue.record("seed \(seed): \(e) failed unexpectedly: \(error)")
        case .outsideDomain, .singular, .divisionByZero, .overflow:
          #expect(!error.description.isEmpty)
        }
      } catch {
        Issue.record("seed \(seed): \(e) threw \(error)")
      }
    }
  }

  @Test func everyFormOfTheLanguageIsGenerated() {
    var seen = Set<String>()
    var generator = RandomExpressionGenerator(seed: 1, maxDepth: 4, variables: randomVariables)
    for _ in 0..<300 { seen.formUnion(generator.next().expression.allFormNames) }
    var unrestricted = RandomExpressionGenerator(
      seed: 2, maxDepth: 4, variables: randomVariables, domain: .anywhere)
    var seenUnrestricted = Set<String>()
    for _ in 0..<300 { seenUnrestricted.formUnion(unrestricted.next().expression.allFormNames) }
    let all: Set<String> = [
      "variable", "constant", "I", "K", "zeros", "ones", "transpose", "negate", "+", "-", "*", ".*", "./",
      "/", "^",
      ".^", "inv", "det", "logdet", "tr", "sum", "norm", "kron", "vec", "diag", "diagonal", "softmax",
      "logsumexp", "max", "min", "norm1", "[ ]",
    ]
    let expected = all.union(ElementwiseFunction.allCases.map(\.name))
    #expect(expected.subtracting(seen).isEmpty, "never generated: \(expected.subtracting(seen).sorted())")
    #expect(
      expected.subtracting(seenUnrestricted).isEmpty,
      "never generated: \(expected.subtracting(seenUnrestricted).sorted())")
  }

  /// Broadcasting (docs/language.md) is generated in every entrywise operator, with a 1×1, a
  /// column and a row operand expanded.
  @Test func broadcastFormsAreGenerated() throws {
    var generator = RandomExpressionGenerator(seed: 4, maxDepth: 4, variables: randomVariables)
    var seen = Set<String>()
    func visit(_ e: Expression) throws {
      switch e {
      case .add(let a, let b), .subtract(let a, let b), .hadamard(let a, let b), .hadamardQuotient(let a, let b):
        let (sa, sb) = (try a.shape(in: randomVariables), try b.shape(in: randomVariables))
        if sa != sb {
          for s in [sa, sb] where s != Shape.broadcast(sa, sb) {
            let kind = s.isScalar ? "1×1" : (s.cols == 1 ? "column" : "row")
            seen.insert("\(e.formName) \(kind)")
          }
        }
      default: break
      }
      for child in e.children { try visit(child) }
    }
    for _ in 0..<400 { try visit(generator.next().expression) }
    for op in ["+", "-", ".*", "./"] {
      for kind in ["1×1", "column", "row"] { #expect(seen.contains("\(op) \(kind)"), "never generated: \(op) \(kind)") }
    }
  }

  @Test func generationIsReproducibleFromTheSeed() {
    var first = RandomExpressionGenerator(seed: 42, maxDepth: 5, variables: randomVariables)
    var second = RandomExpressionGenerator(seed: 42, maxDepth: 5, variables: randomVariables)
    for _ in 0..<50 { #expect(first.next().expression == second.next().expression) }
    #expect(first.randomValues() == second.randomValues())
    var leaves = RandomExpressionGenerator(seed: 3, maxDepth: 0, variables: randomVariables)
    for _ in 0..<50 { #expect(leaves.next().expression.depth <= 4) }
  }

  @Test func requestedShapesAreHonoured() throws {
    var generator = RandomExpressionGenerator(
      seed: 9, maxDepth: 4, variables: ["W": Shape(5, 3), "x": Shape(3, 1)])
    for shape in [Shape(1, 1), Shape(5, 1), Shape(4, 6), Shape(1, 7), Shape(9, 9)] {
      for _ in 0..<20 {
        let e = generator.expression(of: shape)
        #expect(try e.shape(in: generator.variables) == shape)
      }
    }
  }
}
