import Foundation
import Jacobians
import MatrixCore
import Symbolic

extension Check {
  /// `jac check` with size symbols in `--dims`: each claim (which may write sizes with the
  /// symbols, `kron(I(n),R')`) is read and compared at each small instantiation
  /// (`SymbolicSizes.instantiations`); it holds only if it holds at every one. Printed in every format by `SymbolicCheckReport`, the verdict first.
  /// A claim whose products or sums do not fit at the sizes of the symbols: one sentence in the
  /// symbols (`2*A is n×m and A*x-b is m×1`), with the transposes that mend it at the first
  /// instantiation (`transposeHint`).
  private func requireConformingClaim(_ text: String, variable v: String, run: SymbolicRun) throws {
    let generic = try SizeSymbols.$values.withValue(run.generic.values) { try parseExpression(text, role: "claim") }
    do {
      _ = try generic.shape(in: run.sizes.dims(run.generic.values), maximumEntries: .max)
    } catch {
      if case .unknownVariable = error { return }
      guard let inst = run.instantiations.first else { return }
      let (di, values) = try run.numeric(v, at: inst)
      let c = try SizeSymbols.$values.withValue(inst) { try parseExpression(text, role: "claim") }
      throw CLIError(
        "the claim does not conform: " + run.named { error.description } + transposeHint(c, di, values, layout: layout.layout))
    }
  }

  /// Prints the report, or returns the JSON output; and whether every claim holds.
  func runSymbolic(_ sizes: SymbolicSizes) throws -> (json: CheckOutput?, holds: Bool) {
    if !claimFile.isEmpty {
      guard claim.isEmpty else {
        throw CLIError("give the claims either with --claim or with --claim-file (one per variable of --wrt), not both")
      }
      return try runClaimFileAtItsSizes(sizes)
    }
    let run = try SymbolicRun(sizes, text: expression, wrt: wrt, point: point, extra: claim)
    guard claim.count == run.variables.count else {
      let n = run.variables.count
      throw CLIError(
        "--wrt names \(n) variable\(n == 1 ? "" : "s") but \(claim.count) claim\(claim.count == 1 ? " was" : "s were") given: "
          + "give one claim per variable, in the order of --wrt")
    }
    var records: [SymbolicCheckRecord] = []
    var allHold = true
    let wrapMathML = format == .mathml && run.variables.count > 1
    if wrapMathML { print("<div xmlns=\"\(Markup.xhtmlNamespace)\" class=\"jac-checks\">") }
    defer { if wrapMathML { print("</div>") } }
    for (k, v) in run.variables.enumerated() {
      let d = try run.genericDerivative(v)
      try requireConformingClaim(claim[k], variable: v, run: run)
      var results: [ClaimCheck] = []
      var instantiated: [SymbolicDerivative] = []
      for inst in run.instantiations {
        let (di, values) = try run.numeric(v, at: inst)
        // The claim is read with the symbols standing for this instantiation's sizes.
        let c = try SizeSymbols.$values.withValue(inst) { try parseExpression(claim[k], role: "claim") }
        for name in c.variables where values[name] == nil {
          throw CLIError("the claim uses \(name), which is not a variable of the expression")
        }
        let claimed = try c.evaluate(values)
        if layout.layout == .shape && !di.outputShape.isScalar {
          throw CLIError("--layout shape needs a 1×1 expression, but \(expression) is \(run.named { d.outputShape.description })")
        }
        results.append(
          try ClaimCheck(
            claim: claimed, layout: layout.layout, derivative: di, values: values, tolerance: tolerance,
            claimExpression: c, seed: run.seed
          ).diagnosingReading(of: expression, claim: claimed, claimExpression: c, values: values, seed: run.seed))
        instantiated.append(di)
      }
      // The claim as an expression at the generic sizes, printed with the symbols.
      let genericClaim = try? SizeSymbols.$values.withValue(run.generic.values) { try parseExpression(claim[k], role: "claim") }
      let report = SymbolicCheckReport(
        run: run, expressionText: expression, derivative: d, instantiated: instantiated, results: results,
        claimText: claim[k], claimExpression: genericClaim, layout: layout.layout, hideAnswer: hideAnswer)
      allHold = allHold && report.holds
      switch format {
      case .text: print(report.text)
      case .latex: print(report.latex)
      case .mathml: print(report.mathML)
      case .json: records.append(report.record)
      }
    }
    guard format == .json else { return (nil, allHold) }
    if records.count == 1 { return (.symbolic(records[0]), allHold) }
    return (
      .symbolicChecks(ChecksRecord(expression: expression, wrt: run.variables, holds: allHold, checks: records)), allHold
    )
  }
}

/// What `jac check` prints with size symbols, in every format: the verdict first, then F and the
/// claim, the result at each instantiation, the worst entries and diagnoses at the first where it
/// fails, and last the true derivative with the symbols, unless `hideAnswer` (then no part of it:
/// neither the closed form nor the gradient nor a diagnosis that quotes one of their terms).
struct SymbolicCheckReport {
  let run: SymbolicRun
  let expressionText: String
  /// The derivative at the generic sizes (printed under `run.named`).
  let derivative: SymbolicDerivative
  /// The derivative at each instantiation.
  let instantiated: [SymbolicDerivative]
  let results: [ClaimCheck]
  let claimText: String
  let claimExpression: MatrixExpression?
  let layout: JacobianLayout
  let hideAnswer: Bool

  private var d: SymbolicDerivative { derivative }
  private var v: String { d.variable }
  var holds: Bool { results.allSatisfy(\.holds) }
  private var failing: Int? { results.firstIndex { !$0.holds } }
  private var at: [String] { run.instantiations.map(SymbolicSizes.describe) }

  var verdictSentence: String {
    if let f = failing { return "the claim is WRONG \(run.pointDescription(run.instantiations[f]))" }
    if at.count == 1 { return "the claim holds \(run.pointDescription(run.instantiations[0])), the sizes fixed by --values" }
    return "the claim holds at all \(at.count) instantiations (\(at.joined(separator: "; ")))"
      + (run.sizes.values.isEmpty ? ", at random points (seed \(run.seed))" : "")
  }

  /// The fragments of the truth at the generic sizes (with the symbols) and at each instantiation
  /// (with numbers, as the diagnoses there print them).
  private var answerFragments: [String] {
    run.named { CheckReport.answerFragments(of: d) } + instantiated.flatMap { CheckReport.answerFragments(of: $0) }
  }

  /// A size at instantiation `i`, said at the generic instantiation (printed with the symbols
  /// under `run.named`).
  private func genericSize(_ n: Int, at i: Int) -> Int {
    run.sizes.genericSize(n, at: run.instantiations[i], generic: run.generic.values)
  }

  /// The diagnoses at the first failing instantiation, said with the symbols (`Kₘ,ₙ`, `m×n`, as the
  /// rest of the report), and how many were withheld.
  private var shownDiagnoses: ([Diagnosis], Int) {
    guard let f = failing else { return ([], 0) }
    let said = run.named { results[f].diagnoses.map { $0.resized { genericSize($0, at: f) } } }
    return CheckReport.shown(said, hideAnswer: hideAnswer, fragments: answerFragments)
  }

  private var header: String {
    run.named {
      "F = \(expressionText)   (\(d.outputShape)),  \(v) \(d.inputShape)   \(run.sizes.headerNote)"
    }
  }

  private func instantiationSentence(_ i: Int) -> String {
    let r = results[i]
    let error = r.comparison.map { " (largest absolute error \(sci($0.maxAbsError)))" } ?? ""
    return "\(run.pointDescription(run.instantiations[i])): " + (r.holds ? "holds" : "WRONG") + error
  }


  /// The shapes at the failing instantiation `f`, said with the symbols.
  private func shapeSentence(_ f: Int) -> String {
    let r = results[f]
    let (c, e) = (r.claimShape, r.expectedShape)
    return run.named {
      "the claim is \(Shape(genericSize(c.rows, at: f), genericSize(c.cols, at: f))) but the derivative in this layout is "
        + "\(Shape(genericSize(e.rows, at: f), genericSize(e.cols, at: f)))"
    }
  }

  // MARK: Text

  var text: String {
    var lines = ["verdict: \(verdictSentence)", header, "claim (\(layout.rawValue) layout): \(claimText)"]
    lines += results.indices.map(instantiationSentence)
    if let f = failing {
      let r = results[f]
      if let c = r.comparison {
        lines.append("worst entries at \(at[f]):")
        lines += CheckReport.worstEntryLines(c.worst, variable: v)
      } else {
        lines.append(shapeSentence(f))
      }
      let (shown, withheld) = shownDiagnoses
      lines += shown.map { "diagnosis: \($0.text)" }
      if withheld > 0 { lines.append("diagnosis: " + CheckReport.withheldSentence) }
    }
    if !hideAnswer {
      run.named {
        lines.append("truth (numerator layout): \(d.jacobian.unicodeText)")
        if let g = d.gradient { lines.append("gradient (shape convention): \(g.unicodeText)") }
      }
    }
    return lines.joined(separator: "\n")
  }

  // MARK: LaTeX

  var latex: String {
    var out: [String] = run.named {
      [
        Markup.latexComment(
          "jac check: F = \(d.expression.plainText) (\(d.outputShape.symbolicDescription)), \(v) "
            + "(\(d.inputShape.symbolicDescription)); size symbols \(run.sizes.symbols.joined(separator: ", ")); "
            + "claim in \(layout.rawValue) layout. Needs \\usepackage{amsmath}."),
        Markup.latexParagraph("\\textbf{Verdict:} " + Markup.latexText(verdictSentence) + "."),
        Markup.latexParagraph(
          "Claim $C$ (\(Markup.latexText(layout.rawValue)) layout), with the size symbols "
            + run.sizes.symbols.map { "$\($0)$" }.joined(separator: ", ") + (claimExpression == nil ? ": \\texttt{\(Markup.latexText(claimText))}" : ":")),
      ]
    }
    if let c = claimExpression { out.append(run.named { Markup.latexAlign(MatrixExpression.latexRows(lhs: "C", rhs: c)) }) }
    var table = ["\\begin{tabular}{lll}", "sizes & verdict & largest absolute error \\\\ \\hline"]
    for (i, r) in results.enumerated() {
      table.append(
        "$\(Markup.latexText(at[i]).replacingOccurrences(of: "$", with: ""))$ & \(r.holds ? "holds" : "WRONG") & "
          + (r.comparison.map { "$\(Markup.latexNumber(sci($0.maxAbsError)))$" } ?? "shapes differ") + " \\\\")
    }
    table.append("\\end{tabular}")
    out.append(table.joined(separator: "\n") + "\n")
    if let f = failing {
      let r = results[f]
      if let c = r.comparison {
        out.append(Markup.latexParagraph("Worst entries at " + Markup.latexText(at[f]) + ":"))
        out.append(CheckReport.worstEntriesLaTeX(c.worst, variable: v))
      } else {
        out.append(Markup.latexParagraph(Markup.latexText(shapeSentence(f)) + "."))
      }
      let (shown, withheld) = shownDiagnoses
      var items = shown.map { Markup.latexASCII($0.latex) }
      if withheld > 0 { items.append(Markup.latexText(CheckReport.withheldSentence)) }
      if !items.isEmpty {
        out.append(Markup.latexParagraph("\\textbf{Diagnosis:}"))
        out.append((["\\begin{itemize}"] + items.map { "\\item \($0)" } + ["\\end{itemize}"]).joined(separator: "\n") + "\n")
      }
    }
    if !hideAnswer {
      out.append(Markup.latexParagraph("The true derivative:"))
      run.named {
        var rows = (try? d.latexRows(in: .numerator)) ?? []
        if d.gradient != nil { rows += (try? d.latexRows(in: .shape)) ?? [] }
        out.append(Markup.latexAlign(rows))
      }
    }
    return out.joined(separator: "\n")
  }

  // MARK: MathML

  var mathML: String {
    var parts: [String] = run.named {
      [
        Markup.paragraph(markup: "<strong>Verdict:</strong> " + MathML.escape(verdictSentence) + "."),
        Markup.paragraph(
          "F = \(d.expression.plainText) (\(d.outputShape)), \(v) (\(d.inputShape)); size symbols "
            + run.sizes.symbols.joined(separator: ", ")),
        d.mathMLDefinition,
        Markup.paragraph("Claim C (\(layout.rawValue) layout)" + (claimExpression == nil ? ": \(claimText)" : ":")),
      ]
    }
    if let c = claimExpression { parts.append(run.named { MatrixExpression.mathMLEquation(lhs: "<mi>C</mi>", rhs: c) }) }
    parts.append(
      Markup.table(
        header: ["sizes", "verdict", "largest absolute error"],
        rows: results.enumerated().map { i, r in
          [MathML.escape(at[i]), r.holds ? "holds" : "WRONG", r.comparison.map { Markup.mathMLNumber(sci($0.maxAbsError)) } ?? "shapes differ"]
        }))
    if let f = failing {
      let r = results[f]
      if let c = r.comparison {
        parts.append(Markup.paragraph("Worst entries at \(at[f]):"))
        parts.append(CheckReport.worstEntriesMathML(c.worst, variable: v))
      } else {
        parts.append(Markup.paragraph(shapeSentence(f)))
      }
      let (shown, withheld) = shownDiagnoses
      var sentences = shown.map(\.text)
      if withheld > 0 { sentences.append(CheckReport.withheldSentence) }
      for s in sentences { parts.append(Markup.paragraph(markup: "<strong>Diagnosis:</strong> " + MathML.escape(s) + ".")) }
    }
    if !hideAnswer {
      parts.append(Markup.paragraph("The true derivative:"))
      run.named {
        if let e = try? d.mathMLEquation(in: .numerator) { parts.append(e) }
        if d.gradient != nil, let g = try? d.mathMLEquation(in: .shape) { parts.append(g) }
      }
    }
    return Markup.xhtmlDocument(class: "check", parts)
  }

  // MARK: JSON

  var record: SymbolicCheckRecord {
    let (shown, withheld) = shownDiagnoses
    let fragments = hideAnswer ? answerFragments : []
    return SymbolicCheckRecord(
      expression: expressionText, wrt: v, layout: layout.rawValue, holds: holds, verdict: verdictSentence,
      answerHidden: hideAnswer ? true : nil, diagnosesWithheld: hideAnswer ? withheld : nil,
      truth: hideAnswer ? nil : run.named { d.jacobian.unicodeText }, sizeSymbols: run.sizes.symbols,
      instantiations: zip(run.instantiations, results).map { inst, r in
        .init(sizes: inst, holds: r.holds, maxAbsError: r.comparison?.maxAbsError)
      },
      diagnoses: shown.map { CheckReport.diagnosisRecord($0, hideAnswer: hideAnswer, fragments: fragments) },
      maxRelError: results.first?.comparison?.maxRelError,
      inferredShapes: run.sizes.inferredJSON, fixedByValues: run.sizes.fixed.isEmpty ? nil : run.sizes.fixed)
  }
}
