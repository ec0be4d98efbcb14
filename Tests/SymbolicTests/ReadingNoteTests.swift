import Jacobians
import MatrixCore
import TestSupport
import Testing

@testable import Symbolic

/// A source whose contract reading differs from the left-to-right reading of MATLAB and NumPy,
/// with the note's texts written out by hand.
struct ReadingCase: CustomTestStringConvertible, Sendable {
  let source: String
  let written: String
  let contract: String
  let leftToRight: String
  let looser: String
  let tighter: String
  var testDescription: String { source }
}

@Suite struct ReadingNoteTests {
  static let differing: [ReadingCase] = [
    ReadingCase(source: "x/2*3", written: "x/2*3", contract: "x/(2*3)", leftToRight: "(x/2)*3", looser: "/", tighter: "*"),
    ReadingCase(source: "a/b*c", written: "a/b*c", contract: "a/(b*c)", leftToRight: "(a/b)*c", looser: "/", tighter: "*"),
    ReadingCase(
      source: "1/2*x'*x", written: "1/2*x'*x", contract: "1/(2*x'*x)", leftToRight: "(1/2)*x'*x", looser: "/", tighter: "*"),
    ReadingCase(
      source: "1/2*norm(x)^2", written: "1/2*norm(x)^2", contract: "1/(2*norm(x)^2)", leftToRight: "(1/2)*norm(x)^2",
      looser: "/", tighter: "*"),
    // Spaces and implicit products are kept as written.
    ReadingCase(
      source: "1 / 2 x'x", written: "1 / 2 x'x", contract: "1 / (2 x'x)", leftToRight: "(1 / 2) x'x", looser: "/", tighter: "*"),
    ReadingCase(source: "a.*b*c", written: "a.*b*c", contract: "a.*(b*c)", leftToRight: "(a.*b)*c", looser: ".*", tighter: "*"),
    ReadingCase(source: "a./b*c", written: "a./b*c", contract: "a./(b*c)", leftToRight: "(a./b)*c", looser: "./", tighter: "*"),
    ReadingCase(source: "a/b.*c", written: "a/b.*c", contract: "a/(b.*c)", leftToRight: "(a/b).*c", looser: "/", tighter: ".*"),
    ReadingCase(
      source: "a/b*c/d", written: "a/b*c/d", contract: "a/(b*c)/d", leftToRight: "(a/b)*c/d", looser: "/", tighter: "*"),
    // Inside a sum or a call, only the chain is quoted.
    ReadingCase(
      source: "x'*A*x + 1/2*norm(x)^2", written: "1/2*norm(x)^2", contract: "1/(2*norm(x)^2)",
      leftToRight: "(1/2)*norm(x)^2", looser: "/", tighter: "*"),
    ReadingCase(source: "exp(-1/2*y)", written: "-1/2*y", contract: "-1/(2*y)", leftToRight: "(-1/2)*y", looser: "/", tighter: "*"),
  ]

  static let agreeing = [
    "x'*x/2", "(1/2)*x'*x", "a/(b*c)", "A*x/2", "a*b/c", "a.*b/c", "a/b/c", "a*b.*c", "a./b.*c", "2*x", "x/2",
    "norm(x)^2/2", "0.5*x'*x", "a/b + c*d", "kron(A,B)*x/2", "(a/b)*c", "a/b'", "-x/2",
  ]

  @Test(arguments: differing) func theNoteQuotesTheUsersText(_ c: ReadingCase) throws {
    let notes = Expression.readingNotes(in: c.source)
    #expect(notes.count == 1)
    let note = try #require(notes.first)
    #expect(note.written == c.written)
    #expect(note.contractReading == c.contract)
    #expect(note.leftToRightReading == c.leftToRight)
    #expect(note.looser == c.looser)
    #expect(note.tighter == c.tighter)
    #expect(
      note.sentence
        == "\(c.looser) binds more loosely than \(c.tighter) here, so \(c.written) is read as \(c.contract); "
        + "for the left-to-right reading of MATLAB and NumPy write \(c.leftToRight)")
    // Both readings as printed parse to what they say: the contract's text to the expression as
    // written, the left-to-right text to the left-to-right fold, written by hand below.
    #expect(try Expression(note.contractReading) == Expression(note.written))
    #expect(try Expression(note.leftToRightReading) != Expression(note.written))
    // The single parse the CLI uses gives the same expression and the same note.
    let (parsed, once) = try Expression.parsedWithReadingNotes(c.source)
    #expect(try parsed == Expression(c.source))
    #expect(once.map(\.contractReading) == [c.contract] && once.map(\.leftToRightReading) == [c.leftToRight])
  }

  @Test(arguments: agreeing) func noNoteWhereTheReadingsAgree(_ source: String) throws {
    _ = try Expression(source)
    #expect(Expression.readingNotes(in: source).isEmpty)
    #expect(try Expression.parsedWithReadingNotes(source).1.isEmpty)
    #expect(Expression.leftToRightText(of: source) == nil)
    #expect(Expression.contractText(of: source) == nil)
  }

  @Test func theLeftToRightReadingIsTheFoldMATLABMakes() throws {
    let (a, b, c, d) = (Expression.variable("a"), Expression.variable("b"), Expression.variable("c"), Expression.variable("d"))
    let cases: [(String, Expression)] = [
      ("a/b*c", .product(.divide(a, b), c)),
      ("a/b*c/d", .divide(.product(.divide(a, b), c), d)),
      ("a.*b*c", .product(.hadamard(a, b), c)),
      ("a/b.*c*d", .product(.hadamard(.divide(a, b), c), d)),
      ("a + b/c*d", .add(a, .product(.divide(b, c), d))),
      // Nested: the inner chain and the outer one.
      ("(a/b*c)/d*a", .product(.divide(.product(.divide(a, b), c), d), a)),
    ]
    for (source, expected) in cases {
      let text = try #require(Expression.leftToRightText(of: source), "\(source)")
      #expect(try Expression(text) == expected, "\(source) → \(text)")
      let contract = try #require(Expression.contractText(of: source), "\(source)")
      #expect(try Expression(contract) == Expression(source), "\(source) → \(contract)")
    }
    #expect(Expression.contractText(of: "x'*A*x + 1/2*norm(x)^2") == "x'*A*x + 1/(2*norm(x)^2)")
    #expect(Expression.leftToRightText(of: "x'*A*x + 1/2*norm(x)^2") == "x'*A*x + (1/2)*norm(x)^2")
  }

  @Test func noNotesForWhatDoesNotParse() {
    #expect(Expression.readingNotes(in: "1/2*").isEmpty)
    #expect(Expression.leftToRightText(of: "a/b*(") == nil)
  }

  /// The derivative of the contract's reading of `1/2*norm(x)^2`, 1/(2‖x‖²): its value and
  /// gradient in closed form (−x/‖x‖⁴) and against central differences.
  @Test func theWrittenReadingIsDifferentiatedAsRead() throws {
    let f = try Expression("1/2*norm(x)^2")
    let x = Matrix(rows: 3, cols: 1, columnMajor: [0.7, -1.3, 0.4])
    let squared = x.storage.reduce(0) { $0 + $1 * $1 }
    let value = try f.evaluate(["x": x])
    #expect(abs(value[0, 0] - 1 / (2 * squared)) <= 1e-14 / squared)
    let d = try SymbolicDerivative(of: f, wrt: "x", dims: ["x": Shape(3, 1)])
    let jacobian = try d.jacobian(at: ["x": x]).materialized()
    for i in 0..<3 {
      let closed = -x.storage[i] / (squared * squared)
      #expect(abs(jacobian[0, i] - closed) <= 1e-12 * abs(closed), "entry \(i)")
    }
    let fd = try TestSupport.Reference.finiteDifferenceJacobian({ try f.evaluate(["x": $0]) }, at: x, h: 1e-6)
    #expect(TestSupport.Reference.relativeError(jacobian, fd) < 1e-7)
    // The left-to-right reading is ‖x‖²/2, with gradient x.
    let other = try Expression(try #require(Expression.leftToRightText(of: "1/2*norm(x)^2")))
    #expect(abs(try other.evaluate(["x": x])[0, 0] - squared / 2) <= 1e-14 * squared)
  }
}

/// `jac check`'s diagnosis of a claim that is the derivative of the other reading
/// (`ClaimCheck.diagnosingReading`): the claims are written by hand from closed forms.
@Suite struct ReadingDiagnosisTests {
  static func check(
    _ source: String, wrt v: String, dims: [String: Shape], claim: String, layout: JacobianLayout = .numerator
  ) throws -> ClaimCheck {
    let d = try SymbolicDerivative(of: try Expression(source), wrt: v, dims: dims)
    let values = RandomPoint.point(dims: dims, expressions: [d.expression], assumptions: Assumptions(), seed: 7)
    let c = try Expression(claim)
    let value = try c.evaluate(values)
    return try ClaimCheck(
      claim: value, layout: layout, derivative: d, values: values, claimMagnitude: try c.termMagnitude(at: values),
      claimExpression: c, seed: 7
    ).diagnosingReading(
      of: source, claim: value, claimMagnitude: try c.termMagnitude(at: values), claimExpression: c, values: values, seed: 7)
  }

  @Test func theClaimOfTheOtherReadingIsNamed() throws {
    // ½‖x‖² has the gradient x; as written 1/(2‖x‖²) has −x/‖x‖⁴.
    let wrong = try Self.check("1/2*norm(x)^2", wrt: "x", dims: ["x": Shape(3, 1)], claim: "x'")
    #expect(!wrong.holds)
    let first = try #require(wrong.diagnoses.first)
    #expect(first.kind == "reading")
    // It stands alone: "a factor that depends on the point" describes the same claim less well.
    #expect(wrong.diagnoses.count == 1, "\(wrong.diagnoses.map(\.text))")
    #expect(first.where == "1/2*norm(x)^2")
    #expect(
      first.text
        == "the claim is the derivative of (1/2)*norm(x)^2, the expression read from left to right as MATLAB and NumPy read it; "
        + "as written it means 1/(2*norm(x)^2), since / binds more loosely than *")
    let right = try Self.check("1/2*norm(x)^2", wrt: "x", dims: ["x": Shape(3, 1)], claim: "-x'/norm(x)^4")
    #expect(right.holds && right.diagnoses.isEmpty)
    // The same in the gradient's layout, and inside a sum.
    let gradient = try Self.check("1/2*norm(x)^2", wrt: "x", dims: ["x": Shape(3, 1)], claim: "x", layout: .shape)
    #expect(gradient.diagnoses.first?.kind == "reading")
    let sum = try Self.check(
      "x'*A*x + 1/2*norm(x)^2", wrt: "x", dims: ["x": Shape(3, 1), "A": Shape(3, 3)], claim: "x'*(A + A') + x'")
    #expect(sum.diagnoses.first?.text.hasPrefix("the claim is the derivative of x'*A*x + (1/2)*norm(x)^2,") == true)
  }

  @Test func matricesAndTheHadamardLevel() throws {
    // x/2*3 is x/6 (Jacobian I/6); left to right it is 1.5x.
    let scaled = try Self.check("x/2*3", wrt: "x", dims: ["x": Shape(3, 1)], claim: "1.5*I(3)")
    #expect(scaled.diagnoses.first?.kind == "reading")
    #expect(try Self.check("x/2*3", wrt: "x", dims: ["x": Shape(3, 1)], claim: "I(3)/6").holds)
    // A.*B*C is A.*(B*C) (Jacobian diag(vec A)(I₂ ⊗ B)); left to right (A.*B)*C (Jacobian
    // I₂ ⊗ (A.*B)). (With a column a, a.*(B*c) = (a.*B)*c: the readings differ in grouping only.)
    let dims = ["A": Shape(3, 2), "B": Shape(3, 2), "C": Shape(2, 2)]
    let hadamard = try Self.check("A.*B*C", wrt: "C", dims: dims, claim: "kron(I(2), A.*B)")
    #expect(hadamard.diagnoses.first?.text.contains("(A.*B)*C") == true)
    #expect(hadamard.diagnoses.first?.text.contains("A.*(B*C), since .* binds more loosely than *") == true)
    #expect(try Self.check("A.*B*C", wrt: "C", dims: dims, claim: "diag(vec(A))*kron(I(2), B)").holds)
  }

  @Test func noReadingDiagnosisForOtherMistakes() throws {
    let other = try Self.check("1/2*norm(x)^2", wrt: "x", dims: ["x": Shape(3, 1)], claim: "2*x'")
    #expect(!other.holds)
    #expect(!other.diagnoses.contains { $0.kind == "reading" })
    // One reading only: nothing to say.
    let single = try Self.check("norm(x)^2/2", wrt: "x", dims: ["x": Shape(3, 1)], claim: "2*x'")
    #expect(!single.diagnoses.contains { $0.kind == "reading" })
  }
}
