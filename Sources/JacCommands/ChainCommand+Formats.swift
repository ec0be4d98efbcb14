import Foundation
import Jacobians
import Symbolic

/// What `jac chain` prints in `--format latex` (a `tabular`) and `--format mathml` (an XHTML
/// table whose factor sizes are MathML).
struct ChainMarkup {
  let report: ChainReport
  let factors: [String]

  private var measured: Bool { report.entries.contains { $0.seconds != nil } }

  private var header: [String] {
    ["order", "parenthesization", "multiply-adds", "FLOPs", "peak bytes"] + (measured ? ["seconds"] : []) + ["AD mode"]
  }

  private func count(_ x: Double) -> String {
    x.isFinite && x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(format: "%.3g", x)
  }

  private func cells(_ e: ChainReport.Entry) -> [String] {
    [e.name, e.plan.parenthesization.description, count(e.plan.multiplyAdds), count(e.plan.flops), count(e.plan.peakBytes)]
      + (measured ? [e.seconds.map { String(format: "%.3g", $0) } ?? "-"] : []) + [e.plan.adMode]
  }

  /// The sentences under the text table (FLOP convention, best order, measured ratio).
  private var summary: [String] {
    let lines = report.description.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    return lines.dropFirst(2 + report.factors.count + report.entries.count).filter { !$0.isEmpty }
  }

  var latex: String {
    let k = report.factors.count
    var out = [
      Markup.latexComment("jac chain \(factors.joined(separator: " ")): J1 ... J\(k) in numerator layout"),
      Markup.latexParagraph(
        "$J_{1} \\cdots J_{\(k)}$ in numerator layout ($J_{1}$ is the outermost function's Jacobian), factors: "
          + report.factors.enumerated().map { i, f in
            "$J_{\(i + 1)}$: $\(Markup.latexShape(f.rows, f.cols))$ \(Markup.latexText(f.structureText))"
          }.joined(separator: "; ") + "."),
      Markup.latexParagraph("FLOPs are 2 per multiply-add; peak bytes count the intermediates alive at once."),
      measured ? "{\\footnotesize\\setlength{\\tabcolsep}{3pt}" : "{\\small\\setlength{\\tabcolsep}{3pt}",
      "\\begin{tabular}{ll" + String(repeating: "r", count: measured ? 3 : 2) + (measured ? "p{2.4cm}}" : "p{3cm}}"),
      header.filter { $0 != "FLOPs" }.map(Markup.latexText).joined(separator: " & ") + " \\\\ \\hline",
    ]
    for e in report.entries {
      var c = cells(e).map(Markup.latexText)
      c.remove(at: 3)  // FLOPs = 2 × multiply-adds, said above the table
      c[1] = "\\texttt{\(c[1])}"
      out.append(c.joined(separator: " & ") + " \\\\")
    }
    out.append("\\end{tabular}}")
    out.append("")
    for s in summary.dropFirst() { out.append(Markup.latexParagraph(Markup.latexText(s))) }
    return out.joined(separator: "\n")
  }

  var mathML: String {
    let k = report.factors.count
    let factorList = report.factors.enumerated().map { i, f in
      MathML.math("<msub><mi>J</mi><mn>\(i + 1)</mn></msub>", display: false) + ": "
        + Markup.mathMLShape(f.rows, f.cols) + " " + MathML.escape(f.structureText)
    }.joined(separator: "; ")
    var parts = [
      Markup.paragraph(
        markup: MathML.escape("J1 … J\(k) in numerator layout (J1 is the outermost function's Jacobian), factors: ")
          + factorList + "."),
      Markup.table(header: header.map(MathML.escape), rows: report.entries.map { cells($0).map(MathML.escape) }),
    ]
    for s in summary { parts.append(Markup.paragraph(s)) }
    return Markup.xhtmlDocument(class: "chain", parts)
  }
}
