import Foundation
import MatrixCore
import Testing

@testable import Symbolic

/// A slip whose diagnosis names what to change, the key phrase it must say, and the claim with
/// that change made, which must then hold (the checker's own comparison with the truth).
struct MendedSlip: CustomTestStringConvertible, Sendable {
  let slip: TableClaim
  /// The diagnosis kind of the first (grouped) diagnosis.
  let kind: String
  let phrase: String
  /// The claim with the mend the sentence names.
  let mended: String

  var testDescription: String { slip.testDescription }
}

private let logistic = "-sum(y.*log(sigmoid(X*w)) + (1-y).*log(1-sigmoid(X*w)))"
private let logisticDims = "y=4x1,X=4x3,w=3x1"

let mendedSlips: [MendedSlip] = [
  // An overall sign: one verdict, the lost minus of F named as the likely slip.
  MendedSlip(
    slip: TableClaim(expression: logistic, wrt: "w", dims: logisticDims, claim: "X'*(y - sigmoid(X*w))", layout: .shape),
    kind: "sign",
    phrase: "the claim has the wrong sign: it is −1 times the Jacobian at two points; the likely slip: the leading minus of F is lost",
    mended: "-X'*(y - sigmoid(X*w))"),
  MendedSlip(
    slip: TableClaim(
      expression: "-y'*log(softmax(z))", wrt: "z", dims: "z=5x1,y=5x1", claim: "y-softmax(z)", layout: .shape, assume: "y=onehot"),
    kind: "sign", phrase: "; the likely slip: the leading minus of F is lost", mended: "softmax(z)-y"),
  MendedSlip(
    slip: TableClaim(expression: "b - A*x", wrt: "x", dims: "A=3x2,b=3x1,x=2x1", claim: "A"),
    kind: "sign", phrase: "; the likely slip: the minus before A x in b − A x is lost", mended: "-A"),
  MendedSlip(
    slip: TableClaim(expression: "norm(A*x-b)^2", wrt: "x", dims: "A=3x2,b=3x1,x=2x1", claim: "2*A'*(b-A*x)", layout: .shape),
    kind: "sign", phrase: "; the likely slip: the subtraction A x − b is written the other way round (b − A x)",
    mended: "2*A'*(A*x-b)"),
  MendedSlip(
    slip: TableClaim(expression: "inv(X)", wrt: "X", dims: "X=3x3", claim: "kron(inv(X)',inv(X))"),
    kind: "sign", phrase: "; the likely slip: the minus of the derivative of X⁻¹ is lost", mended: "-kron(inv(X)',inv(X))"),
  // A constant of a rule lost: the exponent of a square, the ½ of sqrt′, a /2 written in F.
  MendedSlip(
    slip: TableClaim(expression: "norm(A*x-b)^2", wrt: "x", dims: "A=3x2,b=3x1,x=2x1", claim: "A'*(A*x-b)", layout: .shape),
    kind: "missing-constant", phrase: "the factor 2 that the exponent brings down in the derivative of norm(A x − b)² is missing (the derivative of u^2 is 2·u)",
    mended: "2*A'*(A*x-b)"),
  MendedSlip(
    slip: TableClaim(
      expression: "sum(tanh(x).^2)", wrt: "x", dims: "x=3x1", claim: "tanh(x).*(1-tanh(x).^2)", layout: .shape),
    kind: "missing-constant", phrase: "the factor 2 that the exponent brings down in the derivative of tanh²(x) is missing",
    mended: "2*tanh(x).*(1-tanh(x).^2)"),
  MendedSlip(
    slip: TableClaim(expression: "norm(x)^2/2", wrt: "x", dims: "x=3x1", claim: "2*x", layout: .shape),
    kind: "missing-constant", phrase: "the division by 2 in norm(x)² / 2 is lost", mended: "x"),
  MendedSlip(
    slip: TableClaim(expression: "sqrt(x'*x)", wrt: "x", dims: "x=3x1", claim: "2*x/sqrt(x'*x)", layout: .shape),
    kind: "missing-constant", phrase: "the factor 1/2 of the derivative of sqrt at xᵀx is missing", mended: "x/sqrt(x'*x)"),
  MendedSlip(
    slip: TableClaim(expression: "exp(-x'*x)", wrt: "x", dims: "x=3x1", claim: "2*exp(-x'*x)*x", layout: .shape),
    kind: "sign", phrase: "; the likely slip: the minus of −xᵀx is lost", mended: "-2*exp(-x'*x)*x"),
  // A sign lost together with a transpose: one verdict.
  MendedSlip(
    slip: TableClaim(expression: "tr(inv(X))", wrt: "X", dims: "X=3x3", claim: "inv(X)^2", layout: .shape),
    kind: "gradient-transpose+sign",
    phrase:
      "the claim has the wrong sign and is the transpose of the gradient (−1 times that, at two points); the likely slip: the minus of the derivative of X⁻¹ is lost",
    mended: "-(inv(X)^2)'"),
  // A transposed factor inside the local factor of a product (also inside a Kronecker factor),
  // and both factors of a Kronecker local factor transposed (d X⁻¹ = −X⁻¹ dX X⁻¹ read as −X⁻ᵀ dX X⁻ᵀ).
  MendedSlip(
    slip: TableClaim(expression: "u'*W*x", wrt: "x", dims: "u=3x1,W=3x3,x=3x1", claim: "W*u", layout: .shape),
    kind: "transposed-factor", phrase: "the factor W in the derivative of uᵀW x is transposed: the claim has Wᵀ in its place",
    mended: "W'*u"),
  MendedSlip(
    slip: TableClaim(
      expression: "a'*inv(X)*b", wrt: "X", dims: "X=3x3,a=3x1,b=3x1", claim: "-inv(X)*a*b'*inv(X)", layout: .shape),
    kind: "transposed-factor",
    phrase: "both factors of X⁻ᵀ ⊗ X⁻¹ in the derivative of X⁻¹ are transposed: the claim has X⁻¹ ⊗ X⁻ᵀ in its place",
    mended: "-inv(X)'*a*b'*inv(X)'"),
  // The scalar rule d(x²) = 2x dx carried over to matrices.
  MendedSlip(
    slip: TableClaim(expression: "X*X", wrt: "X", dims: "X=3x3", claim: "2*kron(I(3),X)"),
    kind: "doubled-term",
    phrase: "in the derivative of X X the claim has the term I₃ ⊗ X twice and leaves out the term Xᵀ ⊗ I₃: for matrices the two terms of the product rule differ",
    mended: "kron(I(3),X) + kron(X',I(3))"),
  MendedSlip(
    slip: TableClaim(expression: "X'*X", wrt: "X", dims: "X=3x2", claim: "2*kron(I(2),X')"),
    kind: "doubled-term", phrase: "the claim has the term I₂ ⊗ Xᵀ twice and leaves out the term (Xᵀ ⊗ I₂)K₃,₂",
    mended: "kron(I(2),X') + kron(X',I(2))*K(3,2)"),
  // d(u ⊙ v) written u ⊙ du + v ⊙ dv.
  MendedSlip(
    slip: TableClaim(expression: "(A*x).*(B*x)", wrt: "x", dims: "A=3x2,B=3x2,x=2x1", claim: "diag(A*x)*A+diag(B*x)*B"),
    kind: "swapped-factors",
    phrase: "in the derivative of A x ⊙ B x each factor multiplies the wrong derivative: the claim has diag(A x) with the derivative of A x and diag(B x) with that of B x",
    mended: "diag(B*x)*A+diag(A*x)*B"),
  // Equal explanations said once, the most specific first.
  MendedSlip(
    slip: TableClaim(expression: "X'*X", wrt: "X", dims: "X=3x2", claim: "kron(I(2),X')+kron(X',I(2))"),
    kind: "missing-commutation",
    phrase: "the commutation matrix of the transpose Xᵀ is missing: the claim equals the truth without K₃,₂ (the same claim also comes from: the chain rule stopped early at XᵀX)",
    mended: "kron(I(2),X')+kron(X',I(2))*K(3,2)"),
  MendedSlip(
    slip: TableClaim(expression: "x'*x", wrt: "x", dims: "x=3x1", claim: "x", layout: .shape),
    kind: "dropped-term",
    phrase: "(the same claim also comes from: the term of the derivative of xᵀx through x left out; the whole claim 0.5 times the truth)",
    mended: "2*x"),
]

@Suite struct DiagnosisGroupingTests {
  /// The slip gets one diagnosis (besides assumption hints) with the key phrase, at three seeds;
  /// the claim with the change the sentence names holds at the same seeds.
  @Test(arguments: mendedSlips) func oneDiagnosisNamesTheMend(_ m: MendedSlip) throws {
    for seed: UInt64 in [1, 2, 3] {
      let (result, _, _, _) = try m.slip.check(seed: seed)
      #expect(!result.holds, "seed \(seed): \(m.testDescription)")
      let slips = result.diagnoses.filter { $0.kind != "assumption" }
      #expect(slips.count == 1, "seed \(seed): \(m.testDescription) gave \(slips.map(\.text))")
      let first = try #require(slips.first, "seed \(seed)")
      #expect(first.kind == m.kind, "seed \(seed): \(first.kind): \(first.text)")
      #expect(first.text.contains(m.phrase), "seed \(seed): \(first.text)")
      var mended = m.slip
      mended = TableClaim(
        expression: mended.expression, wrt: mended.wrt, dims: mended.dims, claim: m.mended, layout: mended.layout,
        assume: mended.assume)
      let (fixed, _, _, _) = try mended.check(seed: seed)
      #expect(fixed.holds, "seed \(seed): the mend \(m.mended) of \(m.testDescription) gave \(fixed.diagnoses.map(\.text))")
    }
  }

  /// The grouped sentence keeps the first explanation alone (for --hide-answer) and lists the
  /// others; said again with the symbols, the parts stay together.
  @Test func groupedDiagnosisKeepsItsParts() throws {
    let c = TableClaim(expression: "X'*X", wrt: "X", dims: "X=3x2", claim: "kron(I(2),X')+kron(X',I(2))")
    let d = try #require(try c.check().0.diagnoses.first)
    #expect(d.alternatives.map(\.kind) == ["missing-chain"], "\(d.alternatives.map(\.text))")
    #expect(d.alone.first?.text == "the commutation matrix of the transpose Xᵀ is missing: the claim equals the truth without K₃,₂")
    #expect(d.latex.contains("the chain rule stopped early at"), "\(d.latex)")
    let resized = d.resized { $0 }
    #expect(resized.text == d.text && resized.alternatives == d.alternatives && resized.alone == d.alone)
  }

  /// A scaled claim says which small whole factor is off.
  @Test func scaledNamesTheFactor() {
    #expect(Diagnosis.scaled(0.5).text.hasSuffix("a constant factor is off, a factor 2 is missing"))
    #expect(Diagnosis.scaled(2).text.hasSuffix("a factor 2 too many (or a factor 1/2 lost)"))
    #expect(Diagnosis.scaled(1.7).text.hasSuffix("a constant factor is off"))
    #expect(Diagnosis.scaled(-1, points: 1).text == "the claim has the wrong sign: it is −1 times the Jacobian at the point")
  }
}
