import Jacobians
import Symbolic

/// The parts of a `jac check` report that the numeric-size and the symbolic-size reports print
/// alike: the worst entries (text lines, a LaTeX tabular, a MathML table) and the sentence that
/// counts withheld diagnoses.
extension CheckReport {
  static let withheldSentence = "a diagnosis that quotes part of the true derivative is withheld (--hide-answer)"

  /// `  ∂F[p,q]/∂X[i,j]: expected …, claimed …`, one line per entry.
  static func worstEntryLines(_ worst: [EntryDiscrepancy], variable v: String) -> [String] {
    worst.map { w in
      "  ∂F[\(w.p),\(w.q)]/∂\(v)[\(w.i),\(w.j)]: expected \(Check.number(w.expected)), claimed \(Check.number(w.actual))"
    }
  }

  /// The worst entries as a LaTeX `tabular` (entry, expected, claimed), ending in a newline.
  static func worstEntriesLaTeX(_ worst: [EntryDiscrepancy], variable v: String) -> String {
    let x = MatrixExpression.variable(v).latex
    let rows = worst.map { w in
      "$\\partial F_{\(w.p),\(w.q)} / \\partial {\(x)}_{\(w.i),\(w.j)}$ & "
        + "$\(Markup.latexNumber(Check.number(w.expected)))$ & $\(Markup.latexNumber(Check.number(w.actual)))$ \\\\"
    }
    return (["\\begin{tabular}{lrr}", "entry & expected & claimed \\\\ \\hline"] + rows + ["\\end{tabular}"])
      .joined(separator: "\n") + "\n"
  }

  /// The worst entries as a MathML table (entry, expected, claimed).
  static func worstEntriesMathML(_ worst: [EntryDiscrepancy], variable v: String) -> String {
    let x = MathML.name(v)
    let rows: [[String]] = worst.map { w in
      let entry =
        "<mfrac><mrow>\(MathML.op("∂"))<msub><mi>F</mi><mrow><mn>\(w.p)</mn>\(MathML.op(","))<mn>\(w.q)</mn></mrow></msub></mrow>"
        + "<mrow>\(MathML.op("∂"))<msub>\(x)<mrow><mn>\(w.i)</mn>\(MathML.op(","))<mn>\(w.j)</mn></mrow></msub></mrow></mfrac>"
      return [
        MathML.math(entry, display: false), Markup.mathMLNumber(Check.number(w.expected)),
        Markup.mathMLNumber(Check.number(w.actual)),
      ]
    }
    return Markup.table(header: ["entry", "expected", "claimed"], rows: rows)
  }
}
