import Foundation
import MatrixCore
import Testing

@testable import Symbolic

/// Foundation also declares an `Expression`.
private typealias Expression = Symbolic.Expression

/// The point used by most tests, with values chosen so that results can be checked by hand.
private let X = Dense(3, 2) { i, j in Double(2 * i + j + 1) }  // [1 2; 3 4; 5 6]
private let S = dense([[2, 1], [1, 3]])  // det 5
private let x = dense([[1], [-2], [0.5]])
private let r = dense([[0.25, -1, 2]])
private let point: [String: Matrix] = [
  "X": X.matrix, "S": S.matrix, "x": x.matrix, "r": r.matrix, "s": Matrix(rows: 1, cols: 1, columnMajor: [4]),
  "T": dense([[0, 1], [1, 0]]).matrix,
]

private func value(_ source: String, at values: [String: Matrix] = point) throws -> Matrix {
  try Expression(source).evaluate(values)
}

@Suite struct EvaluationByDefinitionTests {
  @Test func productsTransposesAndSums() throws {
    #expect(close(try value("X'*X"), dense([[35, 44], [44, 56]])))
    #expect(close(try value("X*X'"), Dense(3, 3) { i, j in (0..<2).reduce(0) { $0 + X[i, $1] * X[j, $1] } }))
    #expect(close(try value("transpose(X)"), Dense(2, 3) { X[$1, $0] }))
    #expect(close(try value("X'"), Dense(2, 3) { X[$1, $0] }))
    #expect(close(try value("X-2*X"), X.map { -$0 }))
    #expect(close(try value("-X+X"), Dense(3, 2)))
    #expect(close(try value("s*X"), X.map { 4 * $0 }))
    #expect(close(try value("X*s"), X.map { 4 * $0 }))
    #expect(close(try value("X'*x"), Dense(2, 1) { j, _ in (0..<3).reduce(0) { $0 + X[$1, j] * x[$1, 0] } }))
    #expect(close(try value("r*X"), Dense(1, 2) { _, j in (0..<3).reduce(0) { $0 + r[0, $1] * X[$1, j] } }))
  }

  @Test func entrywiseOperations() throws {
    #expect(close(try value("X.*X"), X.map { $0 * $0 }))
    #expect(close(try value("X./(X+ones(3,2))"), Dense(3, 2) { X[$0, $1] / (X[$0, $1] + 1) }))
    #expect(close(try value("s./X"), X.map { 4 / $0 }))
    #expect(close(try value("X./s"), X.map { $0 / 4 }))
    #expect(close(try value("2.*X"), X.map { 2 * $0 }))
    #expect(close(try value("X/s"), X.map { $0 / 4 }))
    #expect(close(try value("X/s/2"), X.map { $0 / 8 }))
    #expect(close(try value("X.^2"), X.map { $0 * $0 }))
    #expect(close(try value("X.^0.5"), X.map { $0.squareRoot() }))
    #expect(close(try value("X.^-1"), X.map { 1 / $0 }))
    #expect(close(try value("x.^3"), x.map { $0 * $0 * $0 }))
    #expect(close(try value("X.^(s-3)"), X))
  }

  @Test func powers() throws {
    let s2 = Reference.product(S, S)
    #expect(close(try value("S^0"), dense([[1, 0], [0, 1]])))
    #expect(close(try value("S^1"), S))
    #expect(close(try value("S^2"), s2))
    #expect(close(try value("S^3"), Reference.product(s2, S)))
    #expect(close(try value("S^5"), Reference.product(Reference.product(s2, s2), S)))
    let inverse = dense([[0.6, -0.2], [-0.2, 0.4]])
    #expect(close(try value("S^-1"), inverse))
    #expect(close(try value("S^-2"), Reference.product(inverse, inverse)))
    #expect(close(try value("S⁻¹"), inverse))
    #expect(close(try value("s^0.5"), dense([[2]])))
    #expect(close(try value("s^-0.5"), dense([[0.5]])))
    #expect(close(try value("s^s"), dense([[256]])))
    #expect(close(try value("2^3^2"), dense([[512]])))
    #expect(close(try value("-s^2"), dense([[-16]])))
  }

  @Test func squareMatrixFunctions() throws {
    #expect(close(try value("inv(S)"), dense([[0.6, -0.2], [-0.2, 0.4]])))
    #expect(close(try value("inv(S)*S"), dense([[1, 0], [0, 1]])))
    #expect(close(try value("det(S)"), dense([[5]])))
    #expect(close(try value("det(T)"), dense([[-1]])))
    #expect(close(try value("det(X'*X)"), dense([[35 * 56 - 44 * 44]])))
    #expect(close(try value("logdet(S)"), dense([[log(5)]])))
    // log|det|: the determinant of T is -1.
    #expect(close(try value("logdet(T)"), dense([[0]])))
    #expect(close(try value("logdet(-3*S)"), dense([[log(45)]])))
    #expect(close(try value("tr(S)"), dense([[5]])))
    #expect(close(try value("tr(X*X')"), dense([[91]])))
    #expect(close(try value("diagonal(S)"), dense([[2], [3]])))
    #expect(close(try value("diagonal(X*X')"), Dense(3, 1) { i, _ in X[i, 0] * X[i, 0] + X[i, 1] * X[i, 1] }))
  }

  @Test func reductions() throws {
    #expect(close(try value("sum(X)"), dense([[21]])))
    #expect(close(try value("norm(X)"), dense([[sqrt(91)]])))
    #expect(close(try value("norm(x)"), dense([[sqrt(1 + 4 + 0.25)]])))
    #expect(close(try value("logsumexp(X)"), dense([[log((1...6).reduce(0) { $0 + exp(Double($1)) })]])))
    let total = exp(1) + exp(-2) + exp(0.5)
    #expect(close(try value("softmax(x)"), dense([[exp(1) / total], [exp(-2) / total], [exp(0.5) / total]])))
  }

  @Test func structuralFunctions() throws {
    #expect(close(try value("vec(X)"), dense([[1], [3], [5], [2], [4], [6]])))
    #expect(close(try value("diag(x)"), dense([[1, 0, 0], [0, -2, 0], [0, 0, 0.5]])))
    #expect(close(try value("diag(r)"), dense([[0.25, 0, 0], [0, -1, 0], [0, 0, 2]])))
    // (S⊗X)[i·3 + p, j·2 + q] = S[i,j]·X[p,q].
    let kron = try value("kron(S,X)")
    #expect(kron.rows == 6 && kron.cols == 4)
    for i in 0..<2 {
      for j in 0..<2 {
        for p in 0..<3 { for q in 0..<2 { #expect(kron[i * 3 + p, j * 2 + q] == S[i, j] * X[p, q]) } }
      }
    }
    #expect(close(try value("I(3)"), Dense(3, 3) { $0 == $1 ? 1 : 0 }))
    #expect(close(try value("zeros(2,3)"), Dense(2, 3)))
    #expect(close(try value("ones(3,2)"), Dense(3, 2) { _, _ in 1 }))
    // K(m,n)·vec(A) = vec(A') for A m×n.
    #expect(close(try value("K(3,2)*vec(X)"), dense([[1], [2], [3], [4], [5], [6]])))
    #expect(close(try value("K(3,2)*vec(X)-vec(X')"), Dense(6, 1)))
    #expect(close(try value("K(3,2)"), Reference.commutation(3, 2)))
    // The known regression case: ∂vec(XᵀX)/∂(vec X)ᵀ for X 3×2, evaluated as written.
    let jacobian = try value("kron(I(2),X')+kron(X',I(2))*K(3,2)")
    let expected = Reference.kron(Reference.identity(2), Reference.transpose(X))
    let second = Reference.product(
      Reference.kron(Reference.transpose(X), Reference.identity(2)), Reference.commutation(3, 2))
    #expect(close(jacobian, Dense(4, 6) { expected[$0, $1] + second[$0, $1] }))
  }

  @Test(arguments: ElementwiseFunction.allCases)
  func elementwiseFunctions(_ f: ElementwiseFunction) throws {
    // arcsin and arccos are defined on [−1, 1] only.
    let inUnitInterval = f == .arcsin || f == .arccos
    let input = inUnitInterval ? dense([[0.5, 1], [0.25, 0.75]]) : dense([[0.5, 1], [2, 3]])
    let definitions: [ElementwiseFunction: (Double) -> Double] = [
      .exp: { exp($0) }, .log: { log($0) }, .sin: { sin($0) }, .cos: { cos($0) },
      .tanh: { (exp($0) - exp(-$0)) / (exp($0) + exp(-$0)) }, .sigmoid: { 1 / (1 + exp(-$0)) },
      .relu: { max($0, 0) }, .softplus: { log(1 + exp($0)) }, .sqrt: { pow($0, 0.5) },
      .abs: { $0 < 0 ? -$0 : $0 }, .heaviside: { $0 > 0 ? 1 : 0 }, .sign: { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) },
      // By identities: tan = sin/cos, arcsin x = atan2(x, √(1−x²)), arccos = π/2 − arcsin.
      .tan: { sin($0) / cos($0) }, .arcsin: { atan2($0, (1 - $0 * $0).squareRoot()) },
      .arccos: { Double.pi / 2 - atan2($0, (1 - $0 * $0).squareRoot()) }, .arctan: { atan2($0, 1) },
    ]
    let definition = try #require(definitions[f])
    let got = try Expression("\(f.name)(P)").evaluate(["P": input.matrix])
    #expect(close(got, input.map(definition), 1e-14))
    // Negative entries, where the domain allows.
    if f != .log && f != .sqrt {
      let negative = inUnitInterval ? dense([[-0.5, -1], [-0.2, 0]]) : dense([[-0.5, -1], [-2, 0]])
      let got = try Expression("\(f.name)(P)").evaluate(["P": negative.matrix])
      #expect(close(got, negative.map(definition), 1e-14))
    }
  }

  @Test func reluAndAbsAreZeroAtZero() throws {
    let zero: [String: Matrix] = ["z": .zeros(2, 2)]
    #expect(try Expression("relu(z)").evaluate(zero) == .zeros(2, 2))
    #expect(try Expression("abs(z)").evaluate(zero) == .zeros(2, 2))
    #expect(try Expression("relu(-ones(1,2))").evaluate([:]) == .zeros(1, 2))
  }

  @Test func stableFunctionsDoNotOverflow() throws {
    let big = Matrix(column: [-800, 800])
    #expect(try Expression("sigmoid(v)").evaluate(["v": big]).storage == [0, 1])
    #expect(try Expression("softplus(v)").evaluate(["v": big]).storage == [0, 800])
    let same = Matrix(column: [1000, 1000])
    #expect(close(try Expression("logsumexp(v)").evaluate(["v": same]), dense([[1000 + log(2)]]), 1e-15))
    #expect(close(try Expression("softmax(v)").evaluate(["v": same]), dense([[0.5], [0.5]]), 1e-15))
    #expect(close(try Expression("softmax(v)").evaluate(["v": big]), dense([[0], [1]]), 1e-15))
    #expect(close(try Expression("logsumexp(v)").evaluate(["v": big]), dense([[800]]), 1e-15))
  }

  @Test func largePowersUseRepeatedSquaring() throws {
    // [[1,1],[0,1]]^k = [[1,k],[0,1]]; k = 10⁶ takes 20 squarings, not a million products.
    let shear: [String: Matrix] = ["J": dense([[1, 1], [0, 1]]).matrix]
    #expect(close(try Expression("J^1000000").evaluate(shear), dense([[1, 1_000_000], [0, 1]])))
    #expect(close(try Expression("J^-7").evaluate(shear), dense([[1, -7], [0, 1]])))
    #expect(close(try Expression("(J/2)^1000000").evaluate(shear), dense([[0, 0], [0, 0]])))
  }
}

struct DomainFailure: CustomTestStringConvertible, Sendable {
  let source: String
  let message: String
  init(_ source: String, _ message: String) {
    self.source = source
    self.message = message
  }
  var testDescription: String { source }
}

@Suite struct DomainErrorTests {
  static let values: [String: Matrix] = [
    "x": Matrix(column: [0.1, 0.2]), "y": Matrix(column: [0.05, 0.5]), "z": Matrix(column: [1, 0]),
    "A": dense([[1, 2], [2, 4]]).matrix, "S": dense([[2, 1], [1, 3]]).matrix,
    "zero": Matrix(rows: 1, cols: 1, columnMajor: [0]), "m": Matrix(rows: 1, cols: 1, columnMajor: [-4]),
    "big": Matrix(rows: 1, cols: 1, columnMajor: [1000]),
  ]

  static let failures: [DomainFailure] = [
    DomainFailure("log(x-y)", "log(x-y) is undefined at entry [1,0], where x-y = -0.3"),
    DomainFailure("log(z)", "log(z) is undefined at entry [1,0], where z = 0"),
    DomainFailure("x+sqrt(y-x)", "sqrt(y-x) is undefined at entry [0,0], where y-x = -0.05"),
    DomainFailure("inv(A)", "inv(A) is undefined because A is singular"),
    DomainFailure("tr(inv(S*A))", "inv(S*A) is undefined because S*A is singular"),
    DomainFailure("A^-1", "A^-1 is undefined because A is singular"),
    DomainFailure("A⁻¹", "inv(A) is undefined because A is singular"),
    DomainFailure("logdet(A)", "logdet(A) is undefined because A is singular"),
    DomainFailure("x/zero", "x/zero divides by zero: zero = 0"),
    // `*` binds tighter than `/`, but a product after `/` is printed in parentheses, as people read it.
    DomainFailure("x/(2*zero)", "x/(2*zero) divides by zero: 2*zero = 0"),
    DomainFailure("x./z", "x./z divides by zero: entry [1,0] of z is 0"),
    DomainFailure("m^0.5", "m^0.5 is undefined at entry [0,0], where m = -4"),
    DomainFailure("zero^-1", "zero^-1 is undefined at entry [0,0], where zero = 0"),
    DomainFailure("z.^-2", "z.^-2 is undefined at entry [1,0], where z = 0"),
    DomainFailure("(x-y).^1.5", "(x-y).^1.5 is undefined at entry [1,0], where x-y = -0.3"),
    DomainFailure("exp(big)", "exp(big) overflows at entry [0,0]: the value is too large for a double"),
    DomainFailure(
      "sum(exp(big*z))", "exp(big*z) overflows at entry [0,0]: the value is too large for a double"),
    DomainFailure("x+w", "the variable w has no value: give it with --values w=FILE.npy"),
    DomainFailure(
      "x+vec(S)", "in x+vec(S), x is 2×1 and vec(S) is 4×1: a sum needs equal shapes, or a size 1 that broadcasts (rows and columns each equal or 1)"),
  ]

  @Test(arguments: failures)
  func namesTheSubexpression(_ f: DomainFailure) throws {
    let e = try Expression(f.source)
    let error = try #require(throws: EvaluationError.self) { try e.evaluate(DomainErrorTests.values) }
    #expect(error.description == f.message)
  }

  @Test func errorValuesAreStructured() throws {
    let error = try #require(throws: EvaluationError.self) {
      try Expression("log(x-y)").evaluate(DomainErrorTests.values)
    }
    guard case let .outsideDomain(expression, operand, row, col, value) = error else {
      Issue.record("expected outsideDomain, got \(error)")
      return
    }
    #expect(expression == "log(x-y)" && operand == "x-y" && row == 1 && col == 0)
    #expect(abs(value + 0.3) < 1e-15)
    #expect(throws: EvaluationError.missingValue("w")) { try Expression("w").evaluate([:]) }
  }

  @Test func nonFiniteInputsAreRejected() throws {
    let bad: [String: Matrix] = ["v": Matrix(column: [1, .infinity])]
    #expect(throws: EvaluationError.nonFiniteValue(variable: "v", row: 1, col: 0, value: .infinity)) {
      try Expression("sum(v)").evaluate(bad)
    }
  }

  @Test func unusedVariablesNeedNoValue() throws {
    #expect(try Expression("2*I(2)").evaluate([:]) == dense([[2, 0], [0, 2]]).matrix)
    #expect(
      try Expression("x").evaluate(["x": Matrix(column: [1]), "unused": Matrix(column: [.nan])]).storage == [
        1
      ])
  }
}
