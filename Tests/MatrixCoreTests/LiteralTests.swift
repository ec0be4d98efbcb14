import Testing

@testable import MatrixCore

/// `Matrix(literal:)`: MATLAB's literal syntax, entries checked one by one against the text.
@Suite struct MatrixLiteralTests {
  @Test(arguments: [
    ("-2", 1, 1, [-2.0]),
    ("[1 2; 3 4]", 2, 2, [1, 3, 2, 4]),
    ("[1, 2; 3, 4]", 2, 2, [1, 3, 2, 4]),
    ("[1;2;3]", 3, 1, [1, 2, 3]),
    ("[1;2;3;]", 3, 1, [1, 2, 3]),
    ("[1 -2 3e-1]", 1, 3, [1, -2, 0.3]),
    ("  [ 0.5 ]  ", 1, 1, [0.5]),
  ])
  func parsesRowsAndColumns(_ text: String, _ rows: Int, _ cols: Int, _ columnMajor: [Double]) throws {
    let m = try Matrix(literal: text)
    #expect(m.rows == rows && m.cols == cols)
    #expect(m.storage == columnMajor)
  }

  @Test(arguments: [
    ("[1 2; 3]", "2 entries in row 1 but 1 in row 2"),
    ("[1 2", "no closing ']'"),
    ("1 2]", "no opening '['"),
    ("[]", "empty row"),
    ("[1 - 2]", "'-', which is not a number"),
    ("[1 x]", "'x', which is not a number"),
    ("[1 inf]", "not finite"),
    ("[[1]]", "nests brackets"),
  ])
  func rejectsMalformedLiterals(_ text: String, _ fragment: String) {
    do {
      _ = try Matrix(literal: text)
      Issue.record("\(text) parsed")
    } catch {
      #expect("\(error)".contains(fragment), "\(error)")
    }
  }
}
