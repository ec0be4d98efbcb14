import MatrixCore
import Testing

@testable import Symbolic

/// Sizes under size symbols as on paper (docs/language.md): `n²` (text), `n^{2}` (LaTeX), `n^2`
/// (plain, which parses back with the symbols' values), `(n+1)×1` in shapes; and ones printed
/// `1ₙ`, `1ₙᵀ`, `1ₘₓₙ`, which parse back to the same tree.
@Suite struct SizeTextTests {
  static let names = [53: "n", 59: "m"]

  @Test func powersCoefficientsAndSums() {
    SizeSymbols.$names.withValue(Self.names) {
      #expect(SizeSymbols.text(53 * 53) == "n²")
      // Factors in the order of their primes (the order the symbols are read in the shapes: a
      // command gives n, read first, the smaller prime), not alphabetical.
      #expect(SizeSymbols.text(59 * 53 * 53) == "n²m")
      #expect(SizeSymbols.text(2 * 59) == "2m")
      #expect(SizeSymbols.plainText(53 * 53) == "n^2")
      #expect(SizeSymbols.plainText(59 * 53) == "n*m")
      #expect(SizeSymbols.plainText(2 * 59) == "2*m")
      #expect(SizeSymbols.latexText(53 * 53) == "n^{2}")
      #expect(Shape(54, 1).description == "(n+1)×1")
      #expect(Shape(53 * 53, 59 * 53).description == "n²×nm")
      #expect(Expression.identity(53 * 53).plainText == "I(n^2)")
      #expect(Expression.ones(54, 1).unicodeText == "1ₙ₊₁")
      #expect(Expression.ones(54, 60).unicodeText == "1ₙ₊₁ₓₘ₊₁")
    }
    // Outside a table sizes are numbers, as before.
    #expect(Shape(4, 1).description == "4×1")
  }

  /// Plain sizes parse back: with the symbols' values `I(m*n)`, `ones(n^2,1)`, `I(n+1)`; and
  /// integer arithmetic anywhere.
  @Test func plainSizesParseBack() throws {
    let parsed = try SizeSymbols.$values.withValue(["m": 2, "n": 3]) {
      try ["I(m*n)", "ones(n^2,1)", "I(n+1)", "K(m,n-1)"].map { try Expression($0) }
    }
    #expect(parsed == [.identity(6), .ones(9, 1), .identity(4), .commutation(2, 2)])
    #expect(try Expression("I(2*3)") == .identity(6))
    #expect(throws: ParseError.self) { try Expression("I(n*2)") }
    #expect(throws: ParseError.self) { try Expression("I(2-2)") }
  }

  @Test(arguments: [
    (Expression.ones(3, 1), "1₃"), (.ones(1, 3), "1₃ᵀ"), (.ones(3, 2), "1₃ₓ₂"), (.ones(1, 1), "1₁"),
    (.transpose(.ones(3, 1)), "(1₃)ᵀ"), (.product(.constant(2), .ones(3, 1)), "2·1₃"),
    (.transpose(.ones(1, 3)), "1₃ᵀᵀ"),
  ])
  func onesParseBack(_ e: Expression, _ text: String) throws {
    #expect(e.unicodeText == text)
    #expect(try Expression(text) == e, "\(text)")
  }

  @Test func subscriptAfterAnotherNumberIsAnError() {
    #expect(throws: ParseError.self) { try Expression("2₃") }
  }
}
