import Testing

@testable import MatrixCore

/// Sizes printed through a size-symbol table (docs/language.md): products of the symbols' primes,
/// and such a product plus a small constant.
@Suite struct SizeSymbolsTests {
  @Test func sizesReadAsSymbols() {
    let names = [53: "m", 59: "n"]
    SizeSymbols.$names.withValue(names) {
      #expect(SizeSymbols.text(53) == "m")
      #expect(SizeSymbols.text(53 * 59) == "mn")
      // Equal symbols multiply to a power, as on paper (docs/language.md).
      #expect(SizeSymbols.text(59 * 59) == "n²")
      #expect(SizeSymbols.text(60) == "n+1")
      #expect(SizeSymbols.text(2 * 53) == "2m")
      #expect(SizeSymbols.text(1) == "1")
      #expect(SizeSymbols.text(7) == "7")
      #expect(Shape(53, 1).description == "m×1")
      #expect(Shape(60, 1).description == "(n+1)×1")
    }
    // A product is written in the order of the primes, which commands give in reading order
    // (X n×k: n gets the smaller prime), not alphabetically.
    SizeSymbols.$names.withValue([53: "n", 59: "k"]) {
      #expect(SizeSymbols.text(53 * 59) == "nk")
      #expect(SizeSymbols.plainText(53 * 59 * 59) == "n*k^2")
      #expect(SizeSymbols.latexText(2 * 53 * 59) == "2nk")
    }
    #expect(SizeSymbols.text(53) == "53")
    #expect(Shape(53, 1).description == "53×1")
  }
}
