import Foundation
import Jacobians
import MatrixCore
import Symbolic

/// `jac chain --program FILE --wrt W --dims …`: the program's own chain of local Jacobians.
struct ProgramChain {
  let prepared: PreparedProgram
  let wrt: String
  let links: [ProgramChainLink]
  let signatures: [FactorSignature]
  let forwardCost: Double

  /// The chain of a program given inline (`source`, with `file` nil) or in a file.
  init(source: String = "", file: String?, wrt: String?, dims: String, seed: UInt64) throws {
    let point = try PointOptions.parse(["--dims", dims, "--seed", String(seed)])
    guard let prepared = try PreparedProgram.resolve(argument: source, file: file, output: nil, point: point, symbolsRefused: "jac chain") else {
      throw CLIError("'\(source.abbreviatedForMessage)' is not a program: write statements name = expr separated by ';'")
    }
    let variable = prepared.program.variableInputs
    guard let w = wrt ?? (variable.count == 1 ? variable[0] : nil) else {
      throw CLIError("give the input of the chain with --wrt (one of \(prepared.program.inputs.joined(separator: ", ")))")
    }
    self.prepared = prepared
    self.wrt = w
    links = try prepared.program.jacobianChain(wrt: w, dims: prepared.shapes, at: prepared.inputs)
    signatures = links.map { FactorSignature($0.matrix) }
    forwardCost = try prepared.program.forwardMultiplyAdds(dims: prepared.shapes)
  }

  func printLinks() {
    print(prepared.summary)
    print("the chain ∂F/∂\(wrt) = J1·J2·…·J\(links.count) of local Jacobians, outermost first (numerator layout):")
    for (k, link) in links.enumerated() {
      let name = "J\(k + 1) = ∂\(link.name)/∂\(link.input)"
      let sig = signatures[k]
      let size = "\(sig.rows)×\(sig.cols) \(sig.structureText)"
      let pad1 = String(repeating: " ", count: max(1, 22 - name.count))
      let pad2 = String(repeating: " ", count: max(1, 26 - size.count))
      print("  \(name)\(pad1)\(size)\(pad2)\(link.jacobian.unicodeText)")
    }
    print("")
  }

  /// The links as LaTeX: the program's summary, then `J_k = ∂vec s/∂(vec u)ᵀ` in closed form
  /// with its size and structure, in an `align*`.
  var latexLinks: String {
    var rows: [String] = []
    for (k, link) in links.enumerated() {
      let (s, u) = (MatrixExpression.variable(link.name).latex, MatrixExpression.variable(link.input).latex)
      rows += MatrixExpression.latexRows(lhs: "J_{\(k + 1)}", rhs: link.jacobian)
      let sig = signatures[k]
      rows.append(
        "&\\qquad \\text{the Jacobian of } \(s) \\text{ in } \(u)\\text{, } \(Markup.latexShape(sig.rows, sig.cols)) "
          + "\\text{ \(Markup.latexText(sig.structureText))}")
    }
    return [
      Markup.latexParagraph(Markup.latexText(prepared.summary)),
      Markup.latexParagraph(
        "The chain $\\partial F / \\partial \(MatrixExpression.variable(wrt).latex) = J_{1} \\cdots J_{\(links.count)}$ "
          + "of local Jacobians, outermost first (numerator layout):"),
      Markup.latexAlign(rows),
    ].joined(separator: "\n")
  }

  /// The links as XHTML paragraphs and MathML equations (inside the report's `<div>`).
  var mathMLLinks: String {
    var parts = [
      Markup.paragraph(prepared.summary),
      Markup.paragraph(
        "The chain ∂F/∂\(wrt) = J1·J2·…·J\(links.count) of local Jacobians, outermost first (numerator layout):"),
    ]
    for (k, link) in links.enumerated() {
      let sig = signatures[k]
      parts.append(
        MatrixExpression.mathMLEquation(lhs: "<msub><mi>J</mi><mn>\(k + 1)</mn></msub>", rhs: link.jacobian))
      parts.append(
        Markup.paragraph(markup: MathML.escape("the Jacobian of \(link.name) in \(link.input), ")
          + Markup.mathMLShape(sig.rows, sig.cols) + " " + MathML.escape(sig.structureText)))
    }
    return parts.joined(separator: "\n")
  }

  /// Backpropagation's and forward mode's counts beside one forward evaluation; nil without
  /// both orders.
  func summarySentence(report: ChainReport) -> String? {
    guard let reverse = report.entries.first(where: { $0.plan.order == .leftToRight }),
      let forward = report.entries.first(where: { $0.plan.order == .rightToLeft })
    else { return nil }
    let r = reverse.plan.multiplyAdds
    let f = forward.plan.multiplyAdds
    // A chain of scalings and permutations stays structured and costs no multiply-adds; say so
    // rather than "0× one forward evaluation".
    let reverseText =
      r == 0
      ? "no multiply-adds (its products stay structured), where one forward evaluation of F takes \(count(forwardCost))"
      : "\(count(r)) multiply-adds, \(ratio(r)) one forward evaluation of F (\(count(forwardCost)) multiply-adds)"
    let forwardText = f == 0 ? "none either" : "\(count(f)), \(ratio(f)) one evaluation"
    return "backpropagation is the left-to-right order (reverse mode): \(reverseText); "
      + "forward mode (right-to-left) takes \(forwardText)"
  }

  private func count(_ x: Double) -> String { x < 1e15 ? String(Int(x)) : String(format: "%.3g", x) }

  private func ratio(_ x: Double) -> String {
    guard forwardCost > 0 else { return "compared with" }
    return String(format: "%.3g×", x / forwardCost)
  }
}

extension String {
  /// At most 60 characters, for quoting in messages.
  var abbreviatedForMessage: String { count <= 60 ? self : String(prefix(57)) + "…" }
}
