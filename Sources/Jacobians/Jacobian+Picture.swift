import Foundation
import MatrixCore

/// A picture of a dense numerator-layout Jacobian as plain SVG: one cell per entry coloured by
/// sign (blue positive, red negative) and magnitude, exact zeros blank, heavier grid lines at the
/// boundaries between output columns q (every m rows) and input columns j (every a columns), rows
/// labelled (p,q) and columns (i,j).
public struct JacobianPicture: Sendable {
  /// Largest number of rows or columns drawn; larger Jacobians are not legible as cells.
  public static let maximumSide = 96

  public let svg: String

  /// - Parameters:
  ///   - j: the dense (mn)×(ab) Jacobian, `J[p + q·m, i + j·a] = ∂F[p,q]/∂X[i,j]`.
  ///   - output: the shape of F, m×n.
  ///   - input: the shape of X, a×b.
  ///   - title: a caption, e.g. `∂(RᵀR)/∂R`.
  ///   - outputName: the name of F in the axis labels (`F`).
  ///   - inputName: the name of X in the axis labels (`R`).
  /// - Throws: `JacobianError.shapeMismatch` when the Jacobian has more than `maximumSide` rows
  ///   or columns, with advice to use smaller dimensions.
  public init(
    jacobian j: Matrix, output: Shape, input: Shape, title: String, outputName: String = "F",
    inputName: String = "X"
  ) throws {
    guard j.rows <= Self.maximumSide, j.cols <= Self.maximumSide else {
      throw JacobianError.shapeMismatch(
        "a \(j.rows)×\(j.cols) Jacobian is too large to draw legibly (at most \(Self.maximumSide) rows and columns); "
          + "use smaller --dims")
    }
    precondition(j.rows == output.count && j.cols == input.count, "picture: shapes do not match the Jacobian")
    let cell = 22
    let left = 70
    let top = 120
    let width = max(left + j.cols * cell + 20, 440)
    let height = top + j.rows * cell + 40
    let scale = max(j.maxAbs, 1e-300)
    var s = """
      <?xml version="1.0" encoding="UTF-8"?>
      <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
      <title>\(Self.escape(title))</title>
      <rect x="0" y="0" width="\(width)" height="\(height)" fill="white"/>
      <text x="8" y="20" font-size="15">\(Self.escape(title)), numerator layout, \(j.rows)×\(j.cols)</text>
      <text x="8" y="38" font-size="11" fill="#333">row p+q·\(output.rows) is \(outputName)[p,q], column i+j·\(input.rows) is \(inputName)[i,j]</text>
      <text x="8" y="54" font-size="11" fill="#555">blue positive, red negative, blank exactly zero; largest magnitude \(Self.number(scale))</text>

      """
    // Cells.
    for r in 0..<j.rows {
      for c in 0..<j.cols {
        let v = j[r, c]
        guard v != 0 else { continue }
        let t = min(1, abs(v) / scale)
        let light = Int((1 - 0.85 * t) * 255)
        let color =
          v > 0
          ? String(format: "#%02x%02x%02x", light, light, 255) : String(format: "#%02x%02x%02x", 255, light, light)
        s += "<rect x=\"\(left + c * cell)\" y=\"\(top + r * cell)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(color)\">"
        s += "<title>∂\(outputName)[\(r % output.rows),\(r / output.rows)]/∂\(inputName)[\(c % input.rows),\(c / input.rows)] = \(Self.number(v))</title></rect>\n"
      }
    }
    // Grid: light between cells, heavy between blocks of q (rows) and j (columns).
    for r in 0...j.rows {
      let heavy = r % output.rows == 0
      s += "<line x1=\"\(left)\" y1=\"\(top + r * cell)\" x2=\"\(left + j.cols * cell)\" y2=\"\(top + r * cell)\" "
      s += heavy ? "stroke=\"#222\" stroke-width=\"1.6\"/>\n" : "stroke=\"#ccc\" stroke-width=\"0.5\"/>\n"
    }
    for c in 0...j.cols {
      let heavy = c % input.rows == 0
      s += "<line x1=\"\(left + c * cell)\" y1=\"\(top)\" x2=\"\(left + c * cell)\" y2=\"\(top + j.rows * cell)\" "
      s += heavy ? "stroke=\"#222\" stroke-width=\"1.6\"/>\n" : "stroke=\"#ccc\" stroke-width=\"0.5\"/>\n"
    }
    // Labels.
    for r in 0..<j.rows {
      s += "<text x=\"\(left - 6)\" y=\"\(top + r * cell + cell / 2 + 4)\" font-size=\"10\" text-anchor=\"end\">"
      s += "(\(r % output.rows),\(r / output.rows))</text>\n"
    }
    for c in 0..<j.cols {
      let x = left + c * cell + cell / 2 + 4
      s += "<text x=\"\(x)\" y=\"\(top - 6)\" font-size=\"10\" transform=\"rotate(-60 \(x) \(top - 6))\">"
      s += "(\(c % input.rows),\(c / input.rows))</text>\n"
    }
    s += "<text x=\"8\" y=\"\(top - 8)\" font-size=\"11\" fill=\"#555\">(p,q) \\ (i,j)</text>\n"
    s += "</svg>\n"
    svg = s
  }

  static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;")
  }

  static func number(_ x: Double) -> String { String(format: "%.4g", x) }
}
