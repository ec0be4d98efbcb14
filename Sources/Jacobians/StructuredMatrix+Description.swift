import Foundation
import MatrixCore

/// A readable description of an operator's structure, e.g. `(I₂ ⊗ M₁) + (M₂ ⊗ I₂)·K(3,2)`,
/// with a legend giving the shape of every dense factor (`M₁: 3×2 dense`).
public struct StructureDescription: Sendable, Equatable {
  /// Unicode text.
  public let text: String
  /// LaTeX (math mode, without delimiters).
  public let latex: String
  /// One line per named dense or diagonal factor: `M₁: 3×2 dense`.
  public let legend: [String]
}

extension StructuredMatrix: CustomStringConvertible {
  public var structure: StructureDescription {
    var namer = Namer()
    let text = namer.render(storage, latex: false, context: .top)
    let textLegend = namer.legend
    var latexNamer = Namer()
    let latex = latexNamer.render(storage, latex: true, context: .top)
    return StructureDescription(text: text, latex: latex, legend: textLegend)
  }

  /// The structure in Unicode text followed by its legend.
  public var description: String {
    let s = structure
    return s.legend.isEmpty ? s.text : s.text + "   where " + s.legend.joined(separator: ", ")
  }
}

private func subscripted(_ n: Int) -> String {
  let digits = ["₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"]
  return String(n).map { $0 == "-" ? "₋" : digits[Int(String($0))!] }.joined()
}

private struct Namer {
  enum Context { case top, sumTerm, factor, kronOperand }
  var denseCount = 0
  var diagonalCount = 0
  var legend: [String] = []

  mutating func render(_ s: StructuredMatrix.Storage, latex: Bool, context: Context) -> String {
    switch s {
    case .dense(let m, let label):
      if let label {
        // A label that is an operation (`u ⊙ (1 − t)`, `W x`) is parenthesized as an operand.
        let body = latex ? label.latex : label.text
        return context != .top && Namer.isOperation(label.text, context: context) ? paren(body, latex) : body
      }
      denseCount += 1
      legend.append("M\(subscripted(denseCount)): \(m.rows)×\(m.cols) dense")
      return latex ? "M_{\(denseCount)}" : "M\(subscripted(denseCount))"
    case .diagonal(let d):
      diagonalCount += 1
      legend.append("D\(subscripted(diagonalCount)): \(d.count)×\(d.count) diagonal")
      return latex ? "D_{\(diagonalCount)}" : "D\(subscripted(diagonalCount))"
    case .identity(let n, let scale):
      let i = latex ? "I_{\(n)}" : "I\(subscripted(n))"
      return scale == 1 ? i : number(scale) + (latex ? " " : "·") + i
    case .zero(let r, let c):
      return latex ? "0_{\(r) \\times \(c)}" : "0\(subscripted(r))ₓ\(subscripted(c))"
    case .commutation(let k):
      return latex ? "K_{\(k.m),\(k.n)}" : "K(\(k.m),\(k.n))"
    case .kronecker(let a, let b):
      let body =
        render(a, latex: latex, context: .kronOperand) + (latex ? " \\otimes " : " ⊗ ")
        + render(b, latex: latex, context: .kronOperand)
      return context == .top ? body : paren(body, latex)
    case .scaled(let c, let a):
      let body = number(c) + (latex ? " " : "·") + render(a, latex: latex, context: .factor)
      return context == .top || context == .sumTerm ? body : paren(body, latex)
    case .sum(let t):
      var body = render(t[0], latex: latex, context: .sumTerm)
      for x in t.dropFirst() {
        if case .scaled(let c, let a) = x, c < 0 {
          body += " − " + render(.scaled(-c, a), latex: latex, context: .sumTerm)
            .replacingOccurrences(of: "1·", with: "", options: .anchored)
        } else {
          body += " + " + render(x, latex: latex, context: .sumTerm)
        }
      }
      return context == .top ? body : paren(body, latex)
    case .product(let f):
      let body = f.map { render($0, latex: latex, context: .factor) }.joined(separator: latex ? " " : "·")
      return context == .top || context == .sumTerm ? body : paren(body, latex)
    }
  }

  /// Whether a label's text has an operator outside parentheses: a space (every binary sign
  /// and a product's juxtaposition are printed with spaces) for a factor or Kronecker operand;
  /// `+` or `−` for a term of a sum.
  static func isOperation(_ text: String, context: Context) -> Bool {
    var depth = 0
    var previous: Character = " "
    for c in text {
      switch c {
      case "(", "[": depth += 1
      case ")", "]": depth -= 1
      case " " where depth == 0:
        if context != .sumTerm { return true }
      case "+", "−":
        if depth == 0 && previous == " " { return true }
      default: break
      }
      previous = c
    }
    return false
  }

  func paren(_ s: String, _ latex: Bool) -> String { latex ? "\\left(\(s)\\right)" : "(\(s))" }

  func number(_ x: Double) -> String {
    if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
    return String(format: "%.6g", x)
  }
}

