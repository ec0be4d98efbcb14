import Foundation
import Jacobians
import Symbolic

/// What `jac chain` prints in `--format latex` (a `tabular`) and `--format mathml` (an XHTML
/// table whose factor sizes are MathML), printed from the same `ChainReportRecord` as the text
/// table (`record.text`) and the JSON (`record.json()`).
struct ChainMarkup {
  let record: ChainReportRecord
  /// The factors as given on the command line (for the LaTeX comment line).
  let factors: [String]

  private var measured: Bool { record.orders.contains { $0.seconds != nil } }

  private var header: [String] {
    ["order", "parenthesization", "multiply-adds", "FLOPs", "peak bytes"] + (measured ? ["seconds"] : []) + ["AD mode"]
  }

  private func count(_ x: Double) -> String {
    x.isFinite && x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(format: "%.3g", x)
  }

  private func cells(_ o: ChainReportRecord.Order) -> [String] {
    [o.name, o.parenthesization, count(o.multiplyAdds), count(o.flops), count(o.peakBytes)]
      + (measured ? [o.seconds.map { String(format: "%.3g", $0) } ?? "-"] : []) + [o.adMode]
  }

  /// The sentences under the text table (FLOP convention, best order, measured ratio, result).
  private var summary: [String] {
    let lines = record.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    return lines.dropFirst(2 + record.factors.count + record.orders.count).filter { !$0.isEmpty }
  }

  var latex: String {
    let k = record.factors.count
    var out = [
      Markup.latexComment("jac chain \(factors.joined(separator: " ")): J1 ... J\(k) in numerator layout"),
      Markup.latexParagraph(
        "$J_{1} \\cdots J_{\(k)}$ in numerator layout ($J_{1}$ is the outermost function's Jacobian), factors: "
          + record.factors.enumerated().map { i, f in
            "$J_{\(i + 1)}$: $\(Markup.latexShape(f.rows, f.cols))$ \(Markup.latexText(f.structure))"
          }.joined(separator: "; ") + "."),
      Markup.latexParagraph("FLOPs are 2 per multiply-add; peak bytes count the intermediates alive at once."),
      measured ? "{\\footnotesize\\setlength{\\tabcolsep}{3pt}" : "{\\small\\setlength{\\tabcolsep}{3pt}",
      "\\begin{tabular}{ll" + String(repeating: "r", count: measured ? 3 : 2) + (measured ? "p{2.4cm}}" : "p{3cm}}"),
      header.filter { $0 != "FLOPs" }.map(Markup.latexText).joined(separator: " & ") + " \\\\ \\hline",
    ]
    for o in record.orders {
      var c = cells(o).map(Markup.latexText)
      c.remove(at: 3)  // FLOPs = 2 × multiply-adds, said above the table
      // A long parenthesization (five factors and more) wraps at its spaces within 2cm.
      c[1] = c[1].count > 14 ? "\\parbox[t]{2cm}{\\raggedright\\texttt{\(c[1])}}" : "\\texttt{\(c[1])}"
      out.append(c.joined(separator: " & ") + " \\\\")
    }
    out.append("\\end{tabular}}")
    out.append("")
    for s in summary.dropFirst() { out.append(Markup.latexParagraph(Markup.latexText(s))) }
    return out.joined(separator: "\n")
  }

  var mathML: String {
    let k = record.factors.count
    let factorList = record.factors.enumerated().map { i, f in
      MathML.math("<msub><mi>J</mi><mn>\(i + 1)</mn></msub>", display: false) + ": "
        + Markup.mathMLShape(f.rows, f.cols) + " " + MathML.escape(f.structure)
    }.joined(separator: "; ")
    var parts = [
      Markup.paragraph(
        markup: MathML.escape("J1 … J\(k) in numerator layout (J1 is the outermost function's Jacobian), factors: ")
          + factorList + "."),
      Markup.table(header: header.map(MathML.escape), rows: record.orders.map { cells($0).map(MathML.escape) }),
    ]
    for s in summary { parts.append(Markup.paragraph(s)) }
    return Markup.xhtmlDocument(class: "chain", parts)
  }
}

extension ChainReportRecord {
  /// The chain report as a LaTeX fragment for a document with `\usepackage{amsmath}` (a
  /// `tabular` of the orders and the summary sentences), from the same record as `text` and
  /// `json()`. `factors` are the factor specifications shown in the comment line (by default
  /// rows×cols and structure).
  public func latex(factors: [String]? = nil) -> String {
    ChainMarkup(record: self, factors: factors ?? self.factors.map { "\($0.rows)x\($0.cols):\($0.structure)" }).latex
  }

  /// The chain report as one XHTML `<div class="jac-chain">` with MathML sizes.
  public var mathML: String { ChainMarkup(record: self, factors: []).mathML }
}
