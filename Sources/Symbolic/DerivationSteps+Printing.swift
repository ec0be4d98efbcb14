/// The derivation steps as text, LaTeX (`align*` rows) and MathML, with `d(…)` for the
/// differential of a subexpression, `dX` for the variable's, and `vec d(…)` in the `vec` forms.
extension DerivationSteps {
  /// One printed step.
  public struct PrintedStep: Sendable {
    /// `d(RᵀR) = d(Rᵀ)R + Rᵀ dR`.
    public let differential: String
    /// `vec d(RᵀR) = (R ⊗ I₃) vec d(Rᵀ) + (I₃ ⊗ Rᵀ) vec dR`.
    public let vec: String
    /// The `vec` identities used, as text.
    public let rules: [String]
  }

  /// Whether a marker name stands for a `vec` differential (`…J3q`) rather than a differential.
  private func isVecMarker(_ name: String) -> Bool {
    guard let last = name.dropLast().lastIndex(where: { !$0.isASCIIDigit }) else { return false }
    return name[last] == "J"
  }

  /// A printed expression with markers and dX replaced, in Unicode.
  public func text(_ e: Expression) -> String {
    var out = e.unicodeText
    for (name, operand) in markers.sorted(by: { $0.key > $1.key }) where out.contains(name) {
      let d = operand == .variable(variable) ? "d\(variable)" : "d(\(operand.unicodeText))"
      out = out.replacingAll(name, with: isVecMarker(name) ? "vec \(d)" : d, spacedAfterText: true)
    }
    // `RᵀdR` reads as one word: a space between a factor and a differential.
    return out.replacingAll(differentialName, with: differentialName, spacedAfterText: true)
  }

  /// A printed expression with markers and dX replaced, in LaTeX.
  public func latex(_ e: Expression) -> String { latexReplacing(e.latex) }

  /// A printed expression with markers and dX replaced, as the content of a `<math>` element.
  public func mathML(_ e: Expression) -> String { mathMLReplacing(e.mathML) }

  /// MathML with markers and dX replaced.
  private func mathMLReplacing(_ text: String) -> String {
    var out = text
    let d = "<mi mathvariant=\"normal\">d</mi>"
    let dX = "<mrow>\(d)\(MathML.name(variable))</mrow>"
    let vec = MathML.functionName("vec") + MathML.op("\u{2061}")
    for (name, operand) in markers.sorted(by: { $0.key > $1.key }) {
      let marker = MathML.name(name)
      guard out.contains(marker) else { continue }
      let dOperand = operand == .variable(variable) ? dX : "<mrow>\(d)\(MathML.fenced(operand.mathMLBody, open: "(", close: ")"))</mrow>"
      out = out.replacingAll(marker, with: isVecMarker(name) ? "<mrow>\(vec)\(dOperand)</mrow>" : dOperand)
    }
    return out.replacingAll(MathML.name(differentialName), with: dX)
  }

  /// The left-hand side `d(E)` of a step (`dF` for a long F, so that the line can break).
  private func differentialOf(_ node: Expression) -> (text: String, latex: String, mathML: String) {
    if node == expression, node.unicodeText.count > 24 {
      let f = isScalar ? "f" : "F"
      return ("d\(f)", "\\mathrm{d}\(f)", "<mrow><mi mathvariant=\"normal\">d</mi><mi>\(f)</mi></mrow>")
    }
    return (
      "d(\(node.unicodeText))", "\\mathrm{d}(\(node.latex))",
      "<mrow><mi mathvariant=\"normal\">d</mi>\(MathML.fenced(node.mathMLBody, open: "(", close: ")"))</mrow>"
    )
  }

  /// Every step in Unicode text.
  public var printedSteps: [PrintedStep] {
    steps.map { s in
      let lhs = differentialOf(s.node).text
      return PrintedStep(
        differential: "\(lhs) = \(text(s.differentialForm))", vec: "vec \(lhs) = \(text(s.vecForm))",
        rules: s.rules.map(\.text))
    }
  }

  private var isScalar: Bool { gradient != nil }

  /// The conclusion in Unicode: dF in dX, the identified Jacobian and, for a 1×1 F, the trace
  /// form and the gradient.
  public var conclusionText: [String] {
    let f = isScalar ? "f" : "F"
    var lines = [
      "d\(f) = \(text(differential))",
      "vec d\(f) = J vec d\(variable), so ∂vec \(f)/∂(vec \(variable))ᵀ = J = \(jacobian.unicodeText)",
    ]
    if let g = gradient {
      lines.append("d\(f) = tr(Gᵀ d\(variable)), so ∂\(f)/∂\(variable) = G = \(g.unicodeText)")
    }
    return lines
  }

  /// The whole derivation as text lines (numbered steps, each with its rules).
  public var textLines: [String] {
    var lines = ["derivation by differentials (numerator layout, column-major vec):"]
    for (k, s) in printedSteps.enumerated() {
      lines.append("  \(k + 1). \(s.differential)")
      lines.append("     \(s.vec)" + (s.rules.isEmpty ? "" : "   [\(s.rules.joined(separator: "; "))]"))
    }
    lines += conclusionText.map { "  " + $0 }
    return lines
  }

  /// The whole derivation as LaTeX equations, each the rows of its own `align*` (so that a long
  /// left-hand side does not widen another equation's column): per step the differential, and
  /// its `vec` with the rules used; then dF, the identified Jacobian and, for a 1×1 F, the
  /// gradient.
  public var latexEquations: [[String]] {
    var equations: [[String]] = []
    for s in steps {
      let (text, lhs, _) = differentialOf(s.node)
      equations.append(latexEquation(lhs, s.differentialForm, lhsWidth: text.count))
      equations.append(
        latexEquation("\\operatorname{vec} " + lhs, s.vecForm, lhsWidth: text.count + 4)
          + s.rules.map { "&\\qquad \\text{by } \($0.latex)" })
    }
    let f = isScalar ? "f" : "F"
    let dX = "\\mathrm{d}" + Expression.latexName(variable)
    equations.append(
      latexEquation("\\mathrm{d}\(f)", differential)
        + ["&\\qquad \\text{so } \\operatorname{vec} \\mathrm{d}\(f) = J \\operatorname{vec} \(dX) \\text{ with}"])
    let x = Expression.latexName(variable)
    let vecF = isScalar ? f : "\\operatorname{vec} \(f)"
    var conclusion = Expression.latexRows(
      lhs: "\\frac{\\partial \(vecF)}{\\partial (\\operatorname{vec} \(x))^{\\top}} = J", rhs: jacobian, width: SymbolicDerivative.lineWidth,
      extraWidth: [:], lhsWidth: 20)
    if let g = gradient {
      conclusion.append("&\\qquad \\text{and } \\mathrm{d}\(f) = \\operatorname{tr}(G^{\\top} \(dX)) \\text{ with}")
      conclusion += Expression.latexRows(
        lhs: "\\frac{\\partial \(f)}{\\partial \(x)} = G", rhs: g, width: SymbolicDerivative.lineWidth, extraWidth: [:],
        lhsWidth: 20)
    }
    equations.append(conclusion)
    return equations
  }

  /// `lhs &= …` rows for an expression with markers (broken like the derivative).
  private func latexEquation(_ lhs: String, _ e: Expression, lhsWidth: Int = 4) -> [String] {
    Expression.latexRows(
      lhs: lhs, rhs: e, width: SymbolicDerivative.lineWidth, extraWidth: markerWidths, lhsWidth: lhsWidth, alone: true
    ).map { latexReplacing($0) }
  }

  /// How much wider each marker prints than its name (`d(tanh(W x + b))` for `MkD3q`).
  private var markerWidths: [String: Int] {
    var widths: [String: Int] = [:]
    for (name, operand) in markers {
      let d = operand == .variable(variable) ? 1 + variable.count : 3 + operand.unicodeText.count
      widths[Expression.latexName(name)] = d + (isVecMarker(name) ? 4 : 0) - name.count
    }
    widths[Expression.latexName(differentialName)] = 0
    return widths
  }

  private func latexReplacing(_ row: String) -> String {
    var out = row
    let dX = "\\mathrm{d}" + Expression.latexName(variable)
    for (name, operand) in markers.sorted(by: { $0.key > $1.key }) {
      let marker = Expression.latexName(name)
      guard out.contains(marker) else { continue }
      let d = operand == .variable(variable) ? dX : "\\mathrm{d}(\(operand.latex))"
      out = out.replacingAll(marker, with: isVecMarker(name) ? "\\operatorname{vec} \(d)" : d)
    }
    return out.replacingAll(Expression.latexName(differentialName), with: dX)
  }

  /// The derivation as `<math>` elements, one per equation, and the rules as text.
  public var mathMLParts: [(equation: String, rules: [String])] {
    var parts: [(String, [String])] = []
    // Long equations are <mtable> rows broken as the LaTeX rows are.
    func equation(_ lhs: String, _ e: Expression, lhsWidth: Int) -> String {
      mathMLReplacing(
        Expression.mathMLEquation(
          lhs: lhs, rhs: e, width: SymbolicDerivative.lineWidth, extraWidth: markerWidths, lhsWidth: lhsWidth))
    }
    for s in steps {
      let (text, _, lhs) = differentialOf(s.node)
      parts.append((equation(lhs, s.differentialForm, lhsWidth: text.count), []))
      let vecLHS = "<mrow>\(MathML.functionName("vec"))\(MathML.op("\u{2061}"))\(lhs)</mrow>"
      parts.append((equation(vecLHS, s.vecForm, lhsWidth: text.count + 4), s.rules.map(\.text)))
    }
    let f = isScalar ? "f" : "F"
    let dF = "<mrow><mi mathvariant=\"normal\">d</mi><mi>\(f)</mi></mrow>"
    parts.append((equation(dF, differential, lhsWidth: 2), []))
    return parts
  }
}

extension String {
  /// With `spacedAfterText`, a space goes before the replacement when the text before it ends
  /// in a superscript, a subscript or a closing parenthesis (`Rᵀ dR`, not `RᵀdR`).
  fileprivate func replacingAll(_ target: String, with replacement: String, spacedAfterText: Bool = false) -> String {
    guard !target.isEmpty else { return self }
    var result = ""
    var rest = self[...]
    while let r = rest.range(of: target) {
      result += rest[..<r.lowerBound]
      if spacedAfterText, let last = result.last, last == ")" || (!last.isASCII && last != "−" && last != "·") {
        result += " "
      }
      result += replacement
      rest = rest[r.upperBound...]
    }
    return result + rest
  }
}

extension Substring {
  fileprivate func range(of target: String) -> Range<Substring.Index>? {
    var i = startIndex
    while i < endIndex {
      if self[i...].hasPrefix(target) { return i..<index(i, offsetBy: target.count) }
      i = index(after: i)
    }
    return nil
  }
}
