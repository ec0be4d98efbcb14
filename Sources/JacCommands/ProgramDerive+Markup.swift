import Foundation
import MatrixCore
import Symbolic

/// `jac derive PROGRAM --format latex|mathml`: the program, the backward pass stage by stage and
/// the gradients, as a LaTeX fragment (ASCII only, `align*` rows broken where long, needs only
/// amsmath) or one XHTML `<div>` with MathML.
struct ProgramDeriveMarkup {
  let prepared: PreparedProgram
  let backward: ProgramBackward
  let layout: ProgramBackward.Layout
  let checks: [ProgramDerive.Checked]

  private var program: Program { prepared.program }
  private var intermediates: [ProgramBackward.Stage] { backward.stages.filter { $0.name != program.output } }

  private func shapeText(_ name: String) -> String { prepared.shapes[name]!.description }

  private var notationSentence: String {
    switch layout {
    case .shape: return "the adjoint of v is dF/dv shaped like v; the adjoint of \(program.output) is 1; branches sum"
    case .numerator:
      return "the adjoint of v is d vec F/d (vec v)', numerator layout; the adjoint of \(program.output) is I; branches sum"
    case .denominator:
      return "the adjoint of v is d (vec F)'/d vec v, denominator layout (the transpose of numerator); "
        + "the adjoint of \(program.output) is I; branches sum"
    }
  }

  private func checkSentence(_ checked: ProgramDerive.Checked) -> (prefix: String, abs: String, rel: String, fd: String, verdict: String) {
    let c = checked.check
    return (
      "against central finite differences (Richardson-extrapolated) \(checked.pointDescription)",
      sci(c.comparison.maxAbsError), sci(c.comparison.maxRelError), sci(c.estimatedFiniteDifferenceError),
      Derive.verdictText(c.verdict)
    )
  }

  // MARK: LaTeX

  var latex: String {
    var out = [
      Markup.latexComment("jac derive: \(prepared.summary)"),
      Markup.latexComment("backward pass (\(layout.rawValue) layout): \(notationSentence). Needs \\usepackage{amsmath}."),
      Markup.latexParagraph("Program (\(program.statements.count) statements, $F = \(MatrixExpression.variable(program.output).latex)$):"),
      Markup.latexAlign(program.statements.flatMap { MatrixExpression.latexRows(lhs: MatrixExpression.variable($0.name).latex, rhs: $0.expression) }),
    ]
    let f = MatrixExpression.variable(program.output).latex
    let notation: String
    switch layout {
    case .shape:
      notation = "$\(backward.latexAdjointName("v")) = \\frac{\\partial F}{\\partial v}$ shaped like $v$, $\(backward.latexAdjointName(program.output)) = 1$"
    case .numerator:
      notation = "$\(backward.latexAdjointName("v")) = \\partial \\operatorname{vec} F / \\partial (\\operatorname{vec} v)^{\\top}$, "
        + "$\(backward.latexAdjointName(program.output)) = I$"
    case .denominator:
      notation = "$\(backward.latexAdjointName("v")) = \\partial (\\operatorname{vec} F)^{\\top} / \\partial \\operatorname{vec} v$, "
        + "$\(backward.latexAdjointName(program.output)) = I$"
    }
    out.append(
      Markup.latexParagraph(
        "Backward pass, \(intermediates.count) stage\(intermediates.count == 1 ? "" : "s") (\(notation); branches sum; $F = \(f)$):"))
    if !intermediates.isEmpty { out.append(Markup.latexAlign(intermediates.flatMap { backward.latexRows($0) })) }
    out.append(Markup.latexParagraph(layout == .shape ? "Gradients (shape convention):" : "Jacobians (\(layout.rawValue) layout):"))
    out.append(Markup.latexAlign(backward.gradients.flatMap { backward.latexRows($0) }))
    for c in checks {
      let s = checkSentence(c)
      out.append(
        Markup.latexParagraph(
          "Check of $\(backward.latexAdjointName(c.check.input))$ " + Markup.latexText(s.prefix) + ": largest absolute error "
            + "$\(Markup.latexNumber(s.abs))$, relative $\(Markup.latexNumber(s.rel))$, finite differences' estimated error "
            + "$\(Markup.latexNumber(s.fd))$: " + Markup.latexText(s.verdict) + "."))
    }
    return out.joined(separator: "\n")
  }

  // MARK: MathML

  var mathML: String {
    var parts = [
      Markup.paragraph(prepared.summary),
      Markup.paragraph("Program (\(program.statements.count) statements):"),
    ]
    parts += program.statements.map { MatrixExpression.mathMLEquation(lhs: MathML.name($0.name), rhs: $0.expression) }
    parts.append(
      Markup.paragraph("Backward pass, \(intermediates.count) stage\(intermediates.count == 1 ? "" : "s") (\(notationSentence)):"))
    parts += intermediates.map { backward.mathMLEquation($0) }
    parts.append(Markup.paragraph(layout == .shape ? "Gradients (shape convention):" : "Jacobians (\(layout.rawValue) layout):"))
    parts += backward.gradients.map { backward.mathMLEquation($0) }
    for c in checks {
      let s = checkSentence(c)
      parts.append(
        Markup.paragraph(
          markup: "Check of " + MathML.math(backward.mathMLAdjoint(c.check.input), display: false) + " " + MathML.escape(s.prefix)
            + ": largest absolute error " + Markup.mathMLNumber(s.abs) + ", relative " + Markup.mathMLNumber(s.rel)
            + ", finite differences' estimated error " + Markup.mathMLNumber(s.fd) + ": " + MathML.escape(s.verdict) + "."))
    }
    return Markup.xhtmlDocument(class: "derive-program", parts)
  }
}
