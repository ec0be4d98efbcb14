import Foundation

extension Matrix: CustomStringConvertible {
  /// A compact printout, rows on lines, with the shape on the first line.
  public var description: String {
    var lines = ["\(rows)×\(cols) matrix (column-major storage)"]
    for i in 0..<min(rows, 12) {
      var cells = (0..<min(cols, 12)).map { Matrix.format(self[i, $0]) }
      if cols > 12 { cells.append("…") }
      lines.append("  " + cells.joined(separator: " "))
    }
    if rows > 12 { lines.append("  …") }
    return lines.joined(separator: "\n")
  }

  /// A number in a fixed-width, readable form (`%10.4g`).
  public static func format(_ x: Double, width: Int = 10, precision: Int = 4) -> String {
    String(format: "%\(width).\(precision)g", x)
  }
}
