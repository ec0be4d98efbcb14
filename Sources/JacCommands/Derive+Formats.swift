import Foundation
import Jacobians
import MatrixCore
import Symbolic

/// What `jac derive` prints in `--format latex` and `--format mathml`.
struct DeriveMarkup {
  let derivative: SymbolicDerivative
  let layout: JacobianLayout
  /// The displayed forms with repeated subexpressions named, and the bindings.
  let named: DeriveNaming
  /// The check against finite differences, when `--check` ran.
  let check: (abs: Double, rel: Double, passed: Bool, method: String, verdict: String)?
  let jacobianOut: String?
  /// Extra equations (the derivation steps), already in the format.
  var steps: [String] = []
  /// With size symbols: a sentence naming them and the instantiations where the numbers come from.
  var sizeNote: String? = nil

  private var d: SymbolicDerivative { derivative }

  private var sizes: (rows: Int, cols: Int) {
    let (mn, ab) = (d.outputShape.count, d.inputShape.count)
    switch layout {
    case .denominator: return (ab, mn)
    case .shape: return (d.inputShape.rows, d.inputShape.cols)
    default: return (mn, ab)
    }
  }

  private var layoutSentence: String {
    switch layout {
    case .shape: return "the gradient in the shape convention, shaped like \(d.variable)"
    case .denominator: return "denominator layout (the transpose of numerator layout) over column-major vec"
    default: return "numerator layout over column-major vec, J[p + q m, i + j a] = dF[p,q]/d\(d.variable)[i,j]"
    }
  }

  private var checkSentence: String? {
    check.map { c in
      "Check against \(c.method): largest absolute error \(sci(c.abs)), relative \(sci(c.rel)): "
        + c.verdict + "."
    }
  }

  /// A LaTeX fragment for a document with `\usepackage{amsmath}`: comment lines that state the
  /// layout, one `align*` with F, the derivative and (for a 1×1 F in numerator or denominator
  /// layout) the gradient, then the check as a sentence.
  var latex: String {
    var out = [
      Markup.latexComment(
        "jac derive: F = \(d.expression.plainText) (\(SizeSymbols.text(d.outputShape.rows))x\(SizeSymbols.text(d.outputShape.cols))), "
          + "\(d.variable) (\(SizeSymbols.text(d.inputShape.rows))x\(SizeSymbols.text(d.inputShape.cols))); "
          + "\(SizeSymbols.text(sizes.rows))x\(SizeSymbols.text(sizes.cols))"),
      Markup.latexComment(layoutSentence + ". Needs \\usepackage{amsmath}."),
    ]
    var rows = d.latexDefinitionRows
    rows += Expression.latexRows(lhs: d.latexLeftHandSide(in: layout), rhs: named.shown)
    if let g = named.gradient { rows += Expression.latexRows(lhs: d.latexLeftHandSide(in: .shape), rhs: g) }
    // Common subexpressions, each written once: `\intertext{where}` and one row per name.
    var bindingRows = named.form.latexRows()
    if !bindingRows.isEmpty {
      bindingRows[0] = "\\intertext{where} " + bindingRows[0]
      rows += bindingRows
    }
    out.append(Markup.latexAlign(rows))
    if let note = sizeNote { out.append(Markup.latexParagraph(Markup.latexText(note))) }
    out += steps
    if let s = checkSentence { out.append(Markup.latexParagraph(latexSentence(s))) }
    if let path = jacobianOut { out.append(Markup.latexComment("wrote \(path)")) }
    return out.joined(separator: "\n")
  }

  /// The check sentence with its numbers as inline math.
  private func latexSentence(_ s: String) -> String {
    guard let c = check else { return Markup.latexText(s) }
    return Markup.latexText("Check against \(c.method): largest absolute error ")
      + "$\(Markup.latexNumber(sci(c.abs)))$, relative $\(Markup.latexNumber(sci(c.rel)))$: "
      + Markup.latexText(c.verdict) + "."
  }

  /// One XHTML `<div class="jac-derive">` with `<math>` elements.
  var mathML: String {
    var parts = [
      Markup.paragraph(
        "F = \(d.expression.plainText) (\(d.outputShape)), \(d.variable) (\(d.inputShape)); "
          + "\(SizeSymbols.text(sizes.rows))×\(SizeSymbols.text(sizes.cols)), \(layoutSentence)"),
      d.mathMLDefinition,
    ]
    parts.append(Expression.mathMLEquation(lhs: d.mathMLLeftHandSide(in: layout), rhs: named.shown))
    if let g = named.gradient {
      parts.append(Expression.mathMLEquation(lhs: d.mathMLLeftHandSide(in: .shape), rhs: g))
    }
    if !named.form.bindings.isEmpty {
      parts.append(Markup.paragraph("where (common subexpressions, each written once):"))
      parts += named.form.mathMLEquations()
    }
    if let note = sizeNote { parts.append(Markup.paragraph(note)) }
    parts += steps
    if let s = checkSentence { parts.append(Markup.paragraph(s)) }
    if let path = jacobianOut { parts.append(Markup.paragraph("wrote \(path)")) }
    return Markup.xhtmlDocument(class: "derive", parts)
  }
}
