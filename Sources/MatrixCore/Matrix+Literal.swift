import Foundation

extension Matrix {
  /// A matrix written in MATLAB's literal syntax: `-2` (1×1), `[1 2; 3 4]` (2×2),
  /// `[1, 2, 3]` (1×3), `[1;2;3]` (3×1).
  ///
  /// Rows are separated by `;` (or line breaks), entries by spaces or commas; every entry is a
  /// number (`-1.5`, `2e-3`), as in MATLAB `[1 -2]` is two entries, 1 and −2. Unlike MATLAB, no
  /// arithmetic is evaluated (`[1 - 2]` is an error, not −1) and every entry must be finite.
  ///
  /// ```swift
  /// try Matrix(literal: "[1 2; 3 4]")  // 2×2, storage [1, 3, 2, 4] (column-major)
  /// try Matrix(literal: "-2")          // 1×1
  /// ```
  ///
  /// - Throws: `MatrixError.invalidArgument` with one sentence saying what is wrong (an entry
  ///   that is not a number, rows of different lengths, an empty matrix, unbalanced brackets).
  public init(literal text: String) throws {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    var body = Substring(trimmed)
    if body.hasPrefix("[") {
      guard body.hasSuffix("]"), body.count >= 2 else {
        throw MatrixError.invalidArgument("the matrix literal '\(trimmed)' has a '[' but no closing ']'")
      }
      body = body.dropFirst().dropLast()
    } else if body.contains("]") {
      throw MatrixError.invalidArgument("the matrix literal '\(trimmed)' has a ']' but no opening '['")
    }
    if body.contains("[") || body.contains("]") {
      throw MatrixError.invalidArgument("the matrix literal '\(trimmed)' nests brackets; write [1 2; 3 4]")
    }
    var rowList: [[Double]] = []
    let rowTexts = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == ";" || $0 == "\n" })
    for (k, rowText) in rowTexts.enumerated() {
      let entries = rowText.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" || $0 == "\r" })
      if entries.isEmpty {
        // A trailing `;` (MATLAB allows `[1;2;]`) is no row; an empty row elsewhere is an error.
        if k == rowTexts.count - 1 && k > 0 { continue }
        throw MatrixError.invalidArgument(
          "the matrix literal '\(trimmed)' has an empty row; write entries such as [1 2; 3 4]")
      }
      rowList.append(
        try entries.map { entry in
          guard let x = Double(entry), entry.first != "+" || entry.count > 1 else {
            throw MatrixError.invalidArgument(
              "the matrix literal '\(trimmed)' has the entry '\(entry)', which is not a number")
          }
          guard x.isFinite else {
            throw MatrixError.invalidArgument(
              "the matrix literal '\(trimmed)' has the entry '\(entry)', which is not finite")
          }
          return x
        })
    }
    if let first = rowList.first, let bad = rowList.firstIndex(where: { $0.count != first.count }) {
      throw MatrixError.invalidArgument(
        "the matrix literal '\(trimmed)' has \(first.count) entries in row 1 but \(rowList[bad].count) in row \(bad + 1)")
    }
    try self.init(rowList)
  }
}
