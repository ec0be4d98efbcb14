import Foundation
import Jacobians
import MatrixCore
import Symbolic

/// What `jac check` prints, in every format: the verdict first, then F and the claim, the worst
/// entries and the diagnoses, and last the true derivative, unless `hideAnswer` (for exercises),
/// in which case no part of the true derivative is printed: neither its closed form, nor the
/// gradient, nor a diagnosis sentence that quotes one of its terms (such a sentence is withheld
/// and the report says so).
struct CheckReport {
  let expressionText: String
  let derivative: SymbolicDerivative
  let result: ClaimCheck
  /// The claim as given: an expression (parsed) or the name of a .npy file.
  let claimExpression: MatrixExpression?
  let claimText: String
  let claimRows: Int, claimCols: Int
  let layout: JacobianLayout
  let pointDescription: String
  let hideAnswer: Bool
  /// The `--assume` assumptions, by variable name (stated in the verdict and in JSON).
  let assumptions: [(String, String)]

  private var d: SymbolicDerivative { derivative }
  private var v: String { d.variable }

  /// The texts of the true derivative's terms, in every printed form: a diagnosis that quotes
  /// one of them would give part of the answer away.
  private var answerFragments: [String] { CheckReport.answerFragments(of: d) }

  /// The texts of a true derivative's terms (Jacobian and gradient, each whole and term by term),
  /// in plain, Unicode and LaTeX form, as printed under the current `SizeSymbols` table.
  static func answerFragments(of d: SymbolicDerivative) -> [String] {
    var texts: [String] = []
    for e in [d.jacobian, d.gradient].compactMap({ $0 }) {
      for (_, term) in e.topLevelTerms where term.nodeCount > 1 || term.variables.contains(d.variable) {
        texts += [term.unicodeText, term.plainText, term.latex]
      }
      texts += [e.unicodeText, e.plainText, e.latex]
    }
    return texts.filter { $0.count >= 2 }
  }

  /// The diagnoses to print and how many were withheld under `hideAnswer`: a diagnosis whose
  /// sentence quotes part of the true derivative is withheld whole.
  var shownDiagnoses: (diagnoses: [Diagnosis], withheld: Int) {
    CheckReport.shown(result.diagnoses, hideAnswer: hideAnswer, fragments: answerFragments)
  }

  /// `diagnoses` without those whose sentence quotes one of `fragments` (under `hideAnswer`), and
  /// how many were left out.
  static func shown(_ diagnoses: [Diagnosis], hideAnswer: Bool, fragments: [String]) -> ([Diagnosis], Int) {
    guard hideAnswer else { return (diagnoses, 0) }
    func hides(_ d: Diagnosis) -> Bool {
      d.quotesDerivativeTerm || fragments.contains { d.text.contains($0) || d.latex.contains($0) }
    }
    // A grouped diagnosis that quotes the answer in its list of equal explanations is shown
    // with its first explanation alone, when that one does not.
    let shown = diagnoses.compactMap { d in !hides(d) ? d : d.alone.first.flatMap { hides($0) ? nil : $0 } }
    return (shown, diagnoses.count - shown.count)
  }

  /// A diagnosis as a JSON record; under `hideAnswer` a `where` or `latex` that quotes one of
  /// `fragments` is left out.
  static func diagnosisRecord(_ g: Diagnosis, hideAnswer: Bool, fragments: [String]) -> DiagnosisRecord {
    func quotes(_ s: String) -> Bool { hideAnswer && fragments.contains { s.contains($0) } }
    var record = DiagnosisRecord(
      kind: g.kind, where: quotes(g.where) ? nil : g.where, text: g.text, latex: quotes(g.latex) ? nil : g.latex)
    if !g.alternatives.isEmpty {
      record.alternatives = g.alternatives.filter { !(hideAnswer && ($0.quotesDerivativeTerm || quotes($0.text))) }.map { a in
        DiagnosisRecord(kind: a.kind, where: quotes(a.where) ? nil : a.where, text: a.text, latex: quotes(a.latex) ? nil : a.latex)
      }
    }
    return record
  }

  var verdictSentence: String {
    result.holds
      ? "the claim holds \(pointDescription)"
        + (result.comparison.map { " (largest absolute error \(sci($0.maxAbsError)))" } ?? "")
      : "the claim is WRONG \(pointDescription)"
  }

  private var noneMatchedSentence: String {
    if result.diagnosisBudgetExhausted {
      let mutants = result.mutationCount == 1 ? "1 mutant" : "\(result.mutationCount) mutants"
      return "no diagnosis was found within the work budget of the search (\(mutants) of the derivation tried "
        + "before it ran out; raise --diagnosis-budget to try the other slips): the claim is wrong all the same"
    }
    return "it matches no slip tried (\(result.mutationCount) mutants of the derivation: missing factors, "
      + "forgotten paths, signs, transposes, row-major flattening, factors, and pairs of these)"
  }

  private var shapeSentence: String {
    "the claim is \(result.claimShape) but the derivative in this layout is \(result.expectedShape)"
  }

  // MARK: Text

  var text: String {
    var lines = ["verdict: \(verdictSentence)"]
    lines.append("F = \(expressionText)   (\(d.outputShape)),  \(v) \(d.inputShape)")
    lines.append("claim (\(layout.rawValue) layout, \(claimRows)×\(claimCols)): \(claimText)")
    if !result.holds {
      if let c = result.comparison {
        lines.append(
          "largest absolute error \(sci(c.maxAbsError)), relative \(sci(c.maxRelError)); worst entries above the "
            + "tolerance \(sci(c.tolerance.bound(scale: c.scale))):")
        lines += CheckReport.worstEntryLines(c.worst, variable: v)
      } else {
        lines.append(shapeSentence)
      }
      let (shown, withheld) = shownDiagnoses
      if result.diagnoses.isEmpty { lines.append("diagnosis: " + noneMatchedSentence) }
      for s in shown { lines.append("diagnosis: \(s.text)") }
      if withheld > 0 { lines.append("diagnosis: " + CheckReport.withheldSentence) }
    }
    if !hideAnswer {
      lines.append("truth (numerator layout, \(d.outputShape.count)×\(d.inputShape.count)): \(d.jacobian.unicodeText)")
      if let g = d.gradient { lines.append("gradient (shape convention): \(g.unicodeText)") }
    }
    return lines.joined(separator: "\n")
  }

  // MARK: LaTeX

  var latex: String {
    var out = [
      Markup.latexComment(
        "jac check: F = \(d.expression.plainText) (\(d.outputShape.rows)x\(d.outputShape.cols)), "
          + "\(v) (\(d.inputShape.rows)x\(d.inputShape.cols)); claim in \(layout.rawValue) layout. Needs \\usepackage{amsmath}."),
      Markup.latexParagraph("\\textbf{Verdict:} " + Markup.latexText(verdictSentence) + "."),
      Markup.latexParagraph(
        "Claim $C$ (\(Markup.latexText(layout.rawValue)) layout, $\(Markup.latexShape(claimRows, claimCols))$)"
          + (claimExpression == nil ? ": \\texttt{\(Markup.latexText(claimText))}" : ":")),
    ]
    if let c = claimExpression {
      out.append(Markup.latexAlign(Expression.latexRows(lhs: "C", rhs: c)))
    }
    if !result.holds {
      if let c = result.comparison {
        out.append(
          Markup.latexParagraph(
            "Largest absolute error $\(Markup.latexNumber(sci(c.maxAbsError)))$, relative "
              + "$\(Markup.latexNumber(sci(c.maxRelError)))$; worst entries above the tolerance "
              + "$\(Markup.latexNumber(sci(c.tolerance.bound(scale: c.scale))))$:"))
        out.append(CheckReport.worstEntriesLaTeX(c.worst, variable: v))
      } else {
        out.append(Markup.latexParagraph(Markup.latexText(shapeSentence.prefix(1).uppercased() + shapeSentence.dropFirst()) + "."))
      }
      let (shown, withheld) = shownDiagnoses
      // Diagnoses with their mathematics in `$…$` (Diagnosis.latex), made ASCII.
      var items = shown.map { Markup.latexASCII($0.latex) }
      if result.diagnoses.isEmpty { items.append(Markup.latexText(noneMatchedSentence)) }
      if withheld > 0 { items.append(Markup.latexText(CheckReport.withheldSentence)) }
      out.append(Markup.latexParagraph("\\textbf{Diagnosis:}"))
      out.append((["\\begin{itemize}"] + items.map { "\\item \($0)" } + ["\\end{itemize}"]).joined(separator: "\n") + "\n")
    }
    if !hideAnswer {
      out.append(Markup.latexParagraph("The true derivative:"))
      var rows = (try? d.latexRows(in: .numerator)) ?? []
      if d.gradient != nil { rows += (try? d.latexRows(in: .shape)) ?? [] }
      out.append(Markup.latexAlign(rows))
    }
    return out.joined(separator: "\n")
  }

  // MARK: MathML

  var mathML: String {
    var parts = [
      Markup.paragraph(markup: "<strong>Verdict:</strong> " + MathML.escape(verdictSentence) + "."),
      Markup.paragraph("F = \(d.expression.plainText) (\(d.outputShape)), \(v) (\(d.inputShape))"),
      d.mathMLDefinition,
      Markup.paragraph(
        "Claim C (\(layout.rawValue) layout, \(claimRows)×\(claimCols))" + (claimExpression == nil ? ": \(claimText)" : ":")),
    ]
    if let c = claimExpression { parts.append(Expression.mathMLEquation(lhs: "<mi>C</mi>", rhs: c)) }
    if !result.holds {
      if let c = result.comparison {
        parts.append(
          Markup.paragraph(
            "Largest absolute error \(sci(c.maxAbsError)), relative \(sci(c.maxRelError)); worst entries above the "
              + "tolerance \(sci(c.tolerance.bound(scale: c.scale))):"))
        parts.append(CheckReport.worstEntriesMathML(c.worst, variable: v))
      } else {
        parts.append(Markup.paragraph(shapeSentence))
      }
      let (shown, withheld) = shownDiagnoses
      var sentences = shown.map(\.text)
      if result.diagnoses.isEmpty { sentences.append(noneMatchedSentence) }
      if withheld > 0 { sentences.append(CheckReport.withheldSentence) }
      for s in sentences { parts.append(Markup.paragraph(markup: "<strong>Diagnosis:</strong> " + MathML.escape(s) + ".")) }
    }
    if !hideAnswer {
      parts.append(Markup.paragraph("The true derivative:"))
      if let e = try? d.mathMLEquation(in: .numerator) { parts.append(e) }
      if d.gradient != nil, let g = try? d.mathMLEquation(in: .shape) { parts.append(g) }
    }
    return Markup.xhtmlDocument(class: "check", parts)
  }

  // MARK: JSON

  /// The JSON record of cli.md (`truth` left out under `hideAnswer`, which adds `answerHidden`).
  var record: CheckRecord {
    let (shown, withheld) = shownDiagnoses
    let fragments = hideAnswer ? answerFragments : []
    let c = result.comparison
    return CheckRecord(
      expression: expressionText, wrt: v, layout: layout.rawValue, holds: result.holds, verdict: verdictSentence,
      answerHidden: hideAnswer ? true : nil, diagnosesWithheld: hideAnswer ? withheld : nil,
      truth: hideAnswer ? nil : d.jacobian.unicodeText,
      // Under --hide-answer a `where` or `latex` that quotes the truth is left out.
      diagnoses: shown.map { CheckReport.diagnosisRecord($0, hideAnswer: hideAnswer, fragments: fragments) },
      mutations: result.mutationCount, diagnosisBudgetExhausted: result.diagnosisBudgetExhausted ? true : nil,
      assumptions: Dictionary(assumptions, uniquingKeysWith: { a, _ in a }),
      claimShape: .init(result.claimShape), expectedShape: .init(result.expectedShape),
      maxAbsError: c?.maxAbsError, maxRelError: c?.maxRelError,
      tolerance: c.map {
        .init(relative: $0.tolerance.relative, absolute: $0.tolerance.absolute, bound: $0.tolerance.bound(scale: $0.scale))
      },
      worst: c?.worst.map { .init(output: [$0.p, $0.q], input: [$0.i, $0.j], expected: $0.expected, claimed: $0.actual) })
  }
}
