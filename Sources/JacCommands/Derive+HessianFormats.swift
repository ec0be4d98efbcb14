import Foundation
import Jacobians
import MatrixCore
import Symbolic

/// `--steps` with `--order 2`: the derivation by differentials in two stages, as the second
/// derivative is computed. Stage 1 derives the gradient G = ∇F (dF = tr(Gᵀ dX)); stage 2 takes
/// G as a matrix function and derives it once more, vec dG = H vec dX (for a mixed block,
/// vec d(∇_X F) = H_XY vec dY). In a stage-2 derivation "F" stands for the gradient.
enum HessianSteps {
  struct Stage {
    /// Stage 1 (`row` nil): the gradient with respect to `variable`. Stage 2: the gradient
    /// ∇_row f, `gradient`, differentiated with respect to `variable`.
    let row: String?
    let variable: String
    let gradient: MatrixExpression?
    let steps: DerivationSteps

    var title: String {
      guard let row, let gradient else { return "stage 1: the gradient of f with respect to \(variable), G = ∇_\(variable) f:" }
      return "stage 2: F = ∇_\(row) f = \(gradient.unicodeText) differentiated with respect to \(variable); its Jacobian is "
        + "the Hessian block ∂vec(∇_\(row) f)/∂(vec \(variable))ᵀ:"
    }

    /// The title as LaTeX text with inline math.
    var latexTitle: String {
      let x = MatrixExpression.variable(variable).latex
      guard let row, gradient != nil else {
        return "Stage 1: the gradient of $f$ with respect to $\(x)$, $G = \\nabla_{\(x)} f$:"
      }
      let r = MatrixExpression.variable(row).latex
      return "Stage 2: $F = \\nabla_{\(r)} f$ differentiated with respect to $\(x)$; its Jacobian is "
        + "the Hessian block $\\partial \\operatorname{vec}(\\nabla_{\(r)} f) / \\partial (\\operatorname{vec} \(x))^{\\top}$, where"
    }

    /// Stage 2's gradient F as displayed `align*` rows (broken when long); nil in stage 1.
    var latexGradientRows: [String]? {
      guard let row, let gradient else { return nil }
      return MatrixExpression.latexRows(lhs: "F = \\nabla_{\(MatrixExpression.variable(row).latex)} f", rhs: gradient)
    }

    var textLines: [String] { [title] + steps.textLines.map { "  " + $0 } }

    var record: HessianStageRecord { HessianStageRecord(title: title, steps: Derive.stepRecords(steps)) }
  }

  static func stages(first: [SymbolicDerivative], second: [SymbolicDerivative]) throws -> [Stage] {
    var stages: [Stage] = []
    for d in first {
      stages.append(Stage(row: nil, variable: d.variable, gradient: nil, steps: try DerivationSteps(d)))
    }
    for d in second {
      let row = first.first { $0.gradient == d.expression }?.variable ?? "?"
      stages.append(Stage(row: row, variable: d.variable, gradient: d.expression, steps: try DerivationSteps(d)))
    }
    return stages
  }


}

/// What `jac derive --order 2` prints in `--format latex` (an amsmath fragment that compiles)
/// and `--format mathml` (one XHTML `<div>` with MathML), for one variable or several.
struct HessianMarkup {
  struct Block {
    let row: String
    let column: String
    let rows: Int
    let cols: Int
    let hessian: MatrixExpression
    let directional: MatrixExpression
    let direction: String
  }

  let expression: MatrixExpression
  let variables: [(String, Shape)]
  let blocks: [Block]
  /// Σⱼ H_ij[V_j] per row variable (several variables only).
  let rowDirectional: [MatrixExpression]
  let gradients: [MatrixExpression]
  let symmetry: HessianSymmetry
  let check: HessianCheck?
  let noCheckReason: String?
  let jacobianOut: String?
  let steps: [HessianSteps.Stage]

  private var single: Bool { variables.count == 1 }
  private var size: Int { variables.reduce(0) { $0 + $1.1.count } }

  static func forms(_ e: MatrixExpression) -> DeriveRecord.Forms {
    .init(text: e.unicodeText, latex: e.latex, plain: e.plainText)
  }

  private var stacked: String {
    single ? "vec \(variables[0].0)" : "(" + variables.map { "vec \($0.0)" }.joined(separator: "; ") + ")"
  }

  private var layoutSentence: String {
    let blockRule =
      single
      ? "H = d vec(grad f)/d(vec \(variables[0].0))^T, H[i + j a, k + l a] = d2f/dX[i,j]dX[k,l]"
      : "block (X, Y) = d vec(grad_X f)/d(vec Y)^T, block (Y, X) its transpose"
    return "Hessian over \(stacked), \(size)x\(size), numerator layout over column-major vec: \(blockRule); symmetric."
  }

  private var symmetrySentence: String {
    "Symmetry (\(symmetry.method)): largest |H − Hᵀ| \(sci(symmetry.maxAbs)), relative \(sci(symmetry.relative)): "
      + symmetry.verdictText + "."
  }

  private var checkSentence: String? {
    if let c = check {
      return "Check against \(c.method) of the gradient\(single ? "" : "s"): largest absolute error \(sci(c.maxAbsError)), "
        + "relative \(sci(c.maxRelError)): \(Derive.verdictText(c.verdict))."
    }
    return noCheckReason.map { "Check: \($0), nothing to compare." }
  }

  // MARK: LaTeX

  private func latexName(_ v: String) -> String { MatrixExpression.variable(v).latex }

  private func latexBlockLHS(_ b: Block) -> String {
    let (x, y) = (latexName(b.row), latexName(b.column))
    return "\\frac{\\partial^{2} f}{\\partial \\operatorname{vec} \(x) \\, \\partial (\\operatorname{vec} \(y))^{\\top}}"
  }

  private func latexDirectionalLHS(_ b: Block) -> String {
    let v = latexName(b.direction)
    return single ? "H[\(v)]" : "H_{\(latexName(b.row)), \(latexName(b.column))}[\(v)]"
  }

  var latex: String {
    let shapes = variables.map { "\($0.0) (\($0.1.rows)x\($0.1.cols))" }.joined(separator: ", ")
    var out = [
      Markup.latexComment("jac derive --order 2: f = \(expression.plainText) (1x1), \(shapes)"),
      Markup.latexComment(layoutSentence + " Needs \\usepackage{amsmath}."),
    ]
    var rows = Expression.latexRows(lhs: "f", rhs: expression)
    for b in blocks { rows += Expression.latexRows(lhs: latexBlockLHS(b), rhs: b.hessian) }
    for b in blocks { rows += Expression.latexRows(lhs: latexDirectionalLHS(b), rhs: b.directional) }
    for (k, r) in rowDirectional.enumerated() {
      let directions = blocks.filter { $0.row == variables[k].0 }.map { latexName($0.direction) }.joined(separator: ", ")
      rows += Expression.latexRows(lhs: "(H[\(directions)])_{\(latexName(variables[k].0))}", rhs: r)
    }
    for (k, g) in gradients.enumerated() {
      rows += Expression.latexRows(lhs: "\\frac{\\partial f}{\\partial \(latexName(variables[k].0))}", rhs: g)
    }
    out.append(Markup.latexAlign(rows))
    for s in steps {
      out.append(Markup.latexParagraph(s.latexTitle))
      if let rows = s.latexGradientRows { out.append(Markup.latexAlign(rows)) }
      out += s.steps.latexEquations.map(Markup.latexAlign)
    }
    out.append(Markup.latexParagraph(Markup.latexText(symmetrySentence)))
    if let s = checkSentence { out.append(Markup.latexParagraph(Markup.latexText(s))) }
    if let path = jacobianOut { out.append(Markup.latexComment("wrote \(path)")) }
    return out.joined(separator: "\n")
  }

  // MARK: MathML

  private func vecOf(_ v: String) -> String {
    "<mrow>\(MathML.functionName("vec"))\(MathML.op("\u{2061}"))\(MathML.name(v))</mrow>"
  }

  private func mathMLBlockLHS(_ b: Block) -> String {
    let partial = MathML.op("∂")
    let numerator = "<mrow><msup>\(partial)<mn>2</mn></msup><mi>f</mi></mrow>"
    let transposed = "<msup>\(MathML.fenced(vecOf(b.column), open: "(", close: ")"))\(MathML.op("⊤"))</msup>"
    return "<mfrac>\(numerator)<mrow>\(partial)\(vecOf(b.row))\(partial)\(transposed)</mrow></mfrac>"
  }

  private func mathMLDirectionalLHS(_ b: Block) -> String {
    let h = single ? "<mi>H</mi>" : "<msub><mi>H</mi><mrow>\(MathML.name(b.row))<mo>,</mo>\(MathML.name(b.column))</mrow></msub>"
    return "<mrow>\(h)\(MathML.op("["))\(MathML.name(b.direction))\(MathML.op("]"))</mrow>"
  }

  var mathML: String {
    let shapes = variables.map { "\($0.0) (\($0.1))" }.joined(separator: ", ")
    var parts = [
      Markup.paragraph("f = \(expression.plainText) (1×1), \(shapes); " + layoutSentence.replacingOccurrences(of: "x\(size)", with: "×\(size)")),
      Expression.mathMLEquation(lhs: "<mi>f</mi>", rhs: expression),
    ]
    for b in blocks { parts.append(Expression.mathMLEquation(lhs: mathMLBlockLHS(b), rhs: b.hessian)) }
    for b in blocks { parts.append(Expression.mathMLEquation(lhs: mathMLDirectionalLHS(b), rhs: b.directional)) }
    for (k, r) in rowDirectional.enumerated() {
      let directions = blocks.filter { $0.row == variables[k].0 }.map { MathML.name($0.direction) }.joined(separator: "<mo>,</mo>")
      let lhs = "<msub><mrow><mi>H</mi>\(MathML.op("["))\(directions)\(MathML.op("]"))</mrow>\(MathML.name(variables[k].0))</msub>"
      parts.append(Expression.mathMLEquation(lhs: lhs, rhs: r))
    }
    for (k, g) in gradients.enumerated() {
      let lhs = "<mfrac><mrow>\(MathML.op("∂"))<mi>f</mi></mrow><mrow>\(MathML.op("∂"))\(MathML.name(variables[k].0))</mrow></mfrac>"
      parts.append(Expression.mathMLEquation(lhs: lhs, rhs: g))
    }
    for s in steps {
      parts.append(Markup.paragraph(s.title))
      parts += s.steps.mathMLParts.map { part in
        part.equation + (part.rules.isEmpty ? "" : "\n" + Markup.paragraph("by " + part.rules.joined(separator: "; ")))
      }
    }
    parts.append(Markup.paragraph(symmetrySentence))
    if let s = checkSentence { parts.append(Markup.paragraph(s)) }
    if let path = jacobianOut { parts.append(Markup.paragraph("wrote \(path)")) }
    return Markup.xhtmlDocument(class: "derive-hessian", parts)
  }
}
