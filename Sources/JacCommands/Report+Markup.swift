import Foundation
import Symbolic

/// Text for `--format latex` and `--format mathml` reports.
///
/// LaTeX output is ASCII only and needs nothing but `\usepackage{amsmath}`: prose is escaped
/// and the mathematical signs that jac's sentences use (`ᵀ`, `⊗`, `·`, `∂`, subscripts, …) become
/// LaTeX math. MathML output is one well-formed XHTML `<div>` whose formulas are `<math>`
/// elements, so that a web page can insert it as it is.
enum Markup {
  /// Unicode signs of jac's sentences and their LaTeX math.
  private static let mathSigns: [Character: String] = [
    "ᵀ": "^{\\top}", "⊗": "\\otimes", "⊙": "\\odot", "⊘": "\\oslash", "·": "\\cdot", "∂": "\\partial",
    "×": "\\times", "≤": "\\le", "≥": "\\ge", "≈": "\\approx", "≠": "\\ne", "→": "\\to", "←": "\\leftarrow",
    "‖": "\\|", "∞": "\\infty", "√": "\\surd", "⁻": "^{-}", "σ": "\\sigma", "ε": "\\varepsilon", "…": "\\ldots",
    "∘": "\\circ", "∇": "\\nabla", "∈": "\\in", "Σ": "\\Sigma", "μ": "\\mu", "λ": "\\lambda", "α": "\\alpha", "δ": "\\delta",
    "⁰": "^{0}", "¹": "^{1}", "²": "^{2}", "³": "^{3}", "⁴": "^{4}", "⁵": "^{5}", "⁶": "^{6}", "⁷": "^{7}",
    "⁸": "^{8}", "⁹": "^{9}", "₀": "_{0}", "₁": "_{1}", "₂": "_{2}", "₃": "_{3}", "₄": "_{4}", "₅": "_{5}",
    "₆": "_{6}", "₇": "_{7}", "₈": "_{8}", "₉": "_{9}", "ₘ": "_{m}", "ₙ": "_{n}",
  ]
  /// Unicode punctuation and its ASCII text.
  private static let textSigns: [Character: String] = [
    "−": "-", "–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''", "\u{00A0}": "~", "é": "\\'e",
  ]

  /// Prose as LaTeX text: `\ # $ % & _ { } ~ ^` escaped, Unicode signs as inline math, any other
  /// non-ASCII character as its code point (`U+2603`), so that the result is ASCII.
  static func latexText(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "\\": out += "\\textbackslash{}"
      case "#", "$", "%", "&", "_", "{", "}": out += "\\" + String(c)
      case "~": out += "\\textasciitilde{}"
      case "^": out += "\\textasciicircum{}"
      case "<": out += "\\textless{}"
      case ">": out += "\\textgreater{}"
      case "|": out += "\\textbar{}"
      case "\n": out += "\n"
      default:
        if let math = mathSigns[c] {
          out += "$" + math + "$"
        } else if let text = textSigns[c] {
          out += text
        } else if c.isASCII {
          out.append(c)
        } else {
          out += c.unicodeScalars.map { String(format: "U+%04X", $0.value) }.joined()
        }
      }
    }
    // `$^{\top}$$\otimes$` would close and reopen math: merge neighbouring inline math.
    return out.replacingOccurrences(of: "$$", with: " ")
  }

  /// LaTeX that is already escaped (words and `$…$` mathematics, as `Diagnosis.latex`) made
  /// ASCII: each non-ASCII character becomes its LaTeX command, in math or in text as it stands.
  static func latexASCII(_ s: String) -> String {
    var out = ""
    var inMath = false
    var escaped = false
    for c in s {
      defer { escaped = c == "\\" && !escaped }
      if c == "$" && !escaped { inMath.toggle() }
      if c.isASCII {
        out.append(c)
      } else if let math = mathSigns[c] {
        out += inMath ? "{" + math + "}" : "$" + math + "$"
      } else if let text = textSigns[c], !inMath {
        out += text
      } else if c == "−" {
        out += "-"
      } else {
        let code = c.unicodeScalars.map { String(format: "U+%04X", $0.value) }.joined()
        out += inMath ? "\\text{\(code)}" : code
      }
    }
    return out.replacingOccurrences(of: "$$", with: " ")
  }

  /// A comment line (`% …`), ASCII only.
  static func latexComment(_ s: String) -> String {
    "% " + String(s.map { c -> Character in c.isASCII && c != "\n" ? c : (c == "×" ? "x" : "?") })
  }

  /// `1.37e-11` → `1.37 \times 10^{-11}`, as inline math content.
  static func latexNumber(_ text: String) -> String {
    guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
    let mantissa = String(text[..<e])
    var exponent = String(text[text.index(after: e)...])
    if exponent.hasPrefix("+") { exponent.removeFirst() }
    if let n = Int(exponent) { exponent = String(n) }
    if exponent == "0" { return mantissa }
    return mantissa == "1" ? "10^{\(exponent)}" : "\(mantissa) \\times 10^{\(exponent)}"
  }

  /// `m \times n`.
  static func latexShape(_ rows: Int, _ cols: Int) -> String { "\(rows) \\times \(cols)" }

  /// A paragraph for LaTeX output: `\noindent` and the text, then a blank line.
  static func latexParagraph(_ s: String) -> String { "\\noindent " + s + "\n" }

  /// `align*` around rows. An `align*` is one unbreakable box unless told otherwise: one of more
  /// than `pageBreakRows` rows (taller than about half a page) may break across pages between
  /// its equations (`\displaybreak[0]` before the row end), never inside one (before a row
  /// that starts with `&`, a continuation).
  static func latexAlign(_ rows: [String]) -> String {
    var body = ""
    for (k, row) in rows.enumerated() {
      body += row
      guard k + 1 < rows.count else { break }
      body += rows.count > pageBreakRows && !rows[k + 1].hasPrefix("&") ? " \\displaybreak[0] \\\\\n" : " \\\\\n"
    }
    return "\\begin{align*}\n" + body + "\n\\end{align*}"
  }

  /// Rows of an `align*` up to which it stays in one piece.
  static let pageBreakRows = 12

  // MARK: MathML / XHTML

  static let xhtmlNamespace = "http://www.w3.org/1999/xhtml"

  /// The root of a MathML report: an XHTML `<div class="jac-…">`.
  static func xhtmlDocument(class name: String, _ parts: [String]) -> String {
    "<div xmlns=\"\(xhtmlNamespace)\" class=\"jac-\(name)\">\n" + parts.joined(separator: "\n") + "\n</div>"
  }

  static func paragraph(_ text: String) -> String { "<p>\(MathML.escape(text))</p>" }

  /// A paragraph of already escaped XHTML.
  static func paragraph(markup: String) -> String { "<p>\(markup)</p>" }

  /// Inline MathML for a shape, `m×n`.
  static func mathMLShape(_ rows: Int, _ cols: Int) -> String {
    MathML.math("<mrow><mn>\(rows)</mn>\(MathML.op("×"))<mn>\(cols)</mn></mrow>", display: false)
  }

  /// `1.37e-11` → MathML 1.37 × 10⁻¹¹ (inline).
  static func mathMLNumber(_ text: String) -> String {
    var body: String
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      let mantissa = String(text[..<e])
      var exponent = String(text[text.index(after: e)...])
      if exponent.hasPrefix("+") { exponent.removeFirst() }
      if let n = Int(exponent) { exponent = String(n) }
      if exponent == "0" { return mathMLNumber(mantissa) }
      let exp = exponent.hasPrefix("-")
        ? "<mrow>\(MathML.op("−"))<mn>\(MathML.escape(String(exponent.dropFirst())))</mn></mrow>"
        : "<mn>\(MathML.escape(exponent))</mn>"
      body = "<msup><mn>10</mn>\(exp)</msup>"
      if mantissa != "1" { body = "<mn>\(MathML.escape(mantissa))</mn>\(MathML.op("×"))" + body }
    } else if text.hasPrefix("-") {
      body = MathML.op("−") + "<mn>\(MathML.escape(String(text.dropFirst())))</mn>"
    } else {
      body = "<mn>\(MathML.escape(text))</mn>"
    }
    return MathML.math("<mrow>\(body)</mrow>", display: false)
  }

  /// An XHTML table: a header row and body rows of already escaped cells.
  static func table(header: [String], rows: [[String]]) -> String {
    let head = "<tr>" + header.map { "<th>\($0)</th>" }.joined() + "</tr>"
    let body = rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined(separator: "\n")
    return "<table>\n<thead>\(head)</thead>\n<tbody>\n\(body)\n</tbody>\n</table>"
  }
}
