import ArgumentParser
import Foundation
import Jacobians
import MatrixCore
import Symbolic

struct Derive: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Differentiate an expression symbolically and print the closed form.",
    discussion: """
      The Jacobian of F (m×n) with respect to X (a×b) is printed in numerator layout over \
      column-major vec, ∂vec F/∂(vec X)ᵀ, (mn)×(ab), with J[p + q·m, i + j·a] = ∂F[p,q]/∂X[i,j]; \
      for a 1×1 F also the gradient shaped like X. Example:
        jac derive "R'*R" --wrt R --dims R=3x3 --check
      An expression or option value may start with '-': jac derive "-x'*x" --wrt x --dims x=3x1
      """)

  @Argument(help: "The expression F, or a program (statements name = expr separated by ';' or newlines).")
  var expression: String = ""
  @Option(
    help: "The variable X to differentiate with respect to, or several: W1,W2,W3 (for a program: inputs W1,W2,… or all).")
  var wrt: String
  @OptionGroup var programOptions: ProgramOptions
  @OptionGroup var programOutput: ProgramOutputOption
  @OptionGroup var point: PointOptions
  @Option(name: .customLong("layout"), help: "numerator, denominator, or shape (1×1 F only; for programs the default).")
  var layoutOption: DeriveLayout?
  var layout: DeriveLayout { layoutOption ?? .numerator }
  @Option(name: .customLong("jacobian-out"), help: "Write the dense Jacobian at the point in the chosen layout (.npy).")
  var jacobianOut: String?
  @Flag(
    help: ArgumentHelp(
      "Compare with finite differences at the point; exit 1 if they disagree or cannot tell.",
      discussion: """
        Richardson-extrapolated central differences that estimate their own error: the full Jacobian when X has \
        at most 1024 entries (and the Jacobian 4·10⁶), else 4 random directions (2 beyond 10⁶ entries). Passes when \
        ‖FD − J‖ ≤ 1e-6·‖FD‖ + 4·(estimated FD error) + 1024·ε·(magnitudes).
        """)) var check = false
  @Flag(help: "Also print the derivation by differentials: each step's differential, its vec with the rules named, the identified Jacobian (and for a 1×1 F the trace form and gradient).")
  var steps = false
  @Option(help: "text, latex (a fragment for amsmath), mathml (XHTML with MathML), or json.")
  var format: OutputFormat = .text
  @Option(
    help: ArgumentHelp(
      "1 (the Jacobian) or 2 (the Hessian of a 1×1 F, docs/hessians.md).",
      discussion: """
        --order 2 prints H = ∂vec(∇F)/∂(vec X)ᵀ, (ab)×(ab), in Kronecker form and as H[V] shaped like X; \
        --check compares it with central differences of the gradient and checks its symmetry.
        """)) var order: Int = 1
  @Option(
    help: ArgumentHelp(
      "Print the derivative as code: numpy, jax, torch or swift (docs/export.md).",
      discussion: """
        A self-contained function computing F and the gradients (1×1 F, shaped like the variables) or the \
        Jacobian–vector product along tangents (other F, shaped like F); programs export as one function.
        """)) var emit: String?

  func run() throws {
    if let emit { return try runEmit(emit) }
    let (output, passed) = try execute()
    if let output { print(try JacJSON.string(output)) }
    if !passed { throw CheckFailed() }
  }

  /// Runs the command: text, LaTeX and MathML are printed here; for `--format json` nothing is
  /// printed and the record is returned (`JacRecords.derive` calls this). A failed check does
  /// not throw: `passed` says it.
  func execute() throws -> (json: DeriveOutput?, passed: Bool) {
    let hessian = try validateOrder()
    if let program = try programOptions.resolve(argument: expression, output: programOutput.name, point: point) {
      if hessian { throw CLIError("--order 2 is for a single expression, not for a program") }
      if jacobianOut != nil { throw CLIError("--jacobian-out is for a single expression, not for a program") }
      let (record, passed) = try ProgramDerive(
        prepared: program, wrt: wrt, layout: layoutOption ?? .shape, check: check, format: format
      ).run()
      return (record.map(DeriveOutput.program), passed)
    }
    if hessian {
      // Sizes inferred as numbers complete --dims, as for first derivatives; a Hessian needs
      // numbers, so sizes that stay symbols are refused with each variable's inferred shape.
      switch try SizeResolution.resolve(parseExpression(expression, role: "expression"), point: point) {
      case .symbolic(let sizes): throw CLIError(hessianNeedsNumericSizes(sizes))
      case .completed(let dims, let inferred):
        var completed = self
        completed.point = point.completing(dims: dims)
        return try InferredSizesNote.$shapes.withValue(inferred) { try completed.runHessian() }
      case .concrete: return try runHessian()
      }
    }
    switch try SizeResolution.resolve(parseExpression(expression, role: "expression"), point: point) {
    case .symbolic(let sizes): return try runSymbolic(sizes)
    case .completed(let dims, let inferred):
      var completed = self
      completed.point = point.completing(dims: dims)
      return try InferredSizesNote.$shapes.withValue(inferred) { try completed.execute() }
    case .concrete: break
    }
    let prepared = try PreparedDerivative(expression, wrt: wrt, point: point)
    if jacobianOut != nil && prepared.derivatives.count > 1 {
      throw CLIError("--jacobian-out writes one Jacobian: give one variable with --wrt, not \(wrt)")
    }
    // Several variables (--wrt W1,W2): each derivative in turn; JSON wraps the single-variable
    // records in "derivatives" (docs/language.md).
    var records: [DeriveRecord] = []
    var passed = true
    // MathML for several variables: one root element around the per-variable reports.
    let wrapMathML = format == .mathml && prepared.derivatives.count > 1
    if wrapMathML { print("<div xmlns=\"\(Markup.xhtmlNamespace)\" class=\"jac-derivatives\">") }
    defer { if wrapMathML { print("</div>") } }
    for d in prepared.derivatives {
      let result = try compute(d, prepared)
      passed = passed && (result.checked?.passed ?? true)
      if format == .json { records.append(record(result)) } else { printReport(result, prepared) }
    }
    guard format == .json else { return (nil, passed) }
    return (DeriveOutput(records, expression: expression, wrt: prepared.derivatives.map(\.variable)), passed)
  }

  /// One variable's derivative at the point, with what the flags ask for (the check, the steps,
  /// the written `--jacobian-out`).
  struct Result {
    let derivative: SymbolicDerivative
    let jacobian: Jacobian
    let shown: (title: String, expression: MatrixExpression, rows: Int, cols: Int)
    let checked: DerivativeCheck?
    let derivation: DerivationSteps?
    /// The displayed forms with repeated subexpressions named (docs/printing.md).
    let named: DeriveNaming
  }

  private func compute(_ d: SymbolicDerivative, _ prepared: PreparedDerivative) throws -> Result {
    let values = prepared.values
    if layout == .shape && !d.outputShape.isScalar {
      throw CLIError(
        "--layout shape needs a 1×1 expression, but \(expression) is \(d.outputShape); use numerator or denominator")
    }
    let jacobian = try d.jacobian(at: values)
    let shown = try d.display(in: layout.layout)
    let checked = check ? try DerivativeCheck(d, at: values, seed: point.seed) : nil
    let derivation = steps ? try DerivationSteps(d) : nil
    if let path = jacobianOut {
      let dense: Matrix
      switch layout {
      case .numerator: dense = try jacobian.materialized()
      case .denominator: dense = try jacobian.matrix(in: .denominator).materialized()
      case .shape: dense = try d.gradient(at: values)
      }
      try CommandFiles.write(NPYArray(matrix: dense), to: path)
    }
    // Repeated subexpressions named once (LetForm): the displayed form and, beside it, the gradient.
    let named = DeriveNaming(derivative: d, shown: shown.expression, gradient: layout != .shape ? d.gradient : nil)
    return Result(
      derivative: d, jacobian: jacobian, shown: shown, checked: checked, derivation: derivation, named: named)
  }

  /// Prints one variable's derivative as text, LaTeX or MathML.
  private func printReport(_ r: Result, _ prepared: PreparedDerivative) {
    let (d, shown, checked, derivation) = (r.derivative, r.shown, r.checked, r.derivation)
    let checkReport = checked.map {
      (abs: $0.maxAbsError, rel: $0.maxRelError, passed: $0.passed, method: $0.method.description, verdict: Derive.verdictText($0.verdict))
    }
    switch format {
    case .latex, .mathml:
      var markup = DeriveMarkup(
        derivative: d, layout: layout.layout, named: r.named, check: checkReport, jacobianOut: jacobianOut)
      if let s = derivation { markup.steps = Derive.stepsMarkup(s, latex: format == .latex) }
      print(format == .latex ? markup.latex : markup.mathML)
    case .text:
      print("F = \(expression)   (\(d.outputShape)),  \(d.variable) \(d.inputShape)" + InferredSizesNote.header)
      print("\(shown.title) [\(layout.layout.rawValue) layout, \(shown.rows)×\(shown.cols)]:")
      print("  " + r.named.shown.unicodeText)
      if let g = r.named.gradient {
        print("gradient (shape convention, \(d.inputShape)):")
        print("  " + g.unicodeText)
      }
      if !r.named.form.bindings.isEmpty {
        print("where (common subexpressions, each written once):")
        for line in r.named.form.unicodeLines { print("  " + line) }
      }
      print("structure \(prepared.pointDescription): \(r.jacobian.matrix)")
      if let s = derivation { print(s.textLines.joined(separator: "\n")) }
      if let c = checked {
        print(
          "check against \(c.method.description): largest absolute error \(sci(c.maxAbsError)), relative "
            + "\(sci(c.maxRelError)), finite differences' estimated error \(sci(c.estimatedFiniteDifferenceError)): "
            + Derive.verdictText(c.verdict))
      }
      if let path = jacobianOut { print("wrote \(path)") }
    case .json:
      break
    }
  }

  /// The derivation by differentials as LaTeX (`align*` per equation) or XHTML/MathML parts.
  static func stepsMarkup(_ s: DerivationSteps, latex: Bool) -> [String] {
    latex
      ? [Markup.latexComment("derivation by differentials")] + s.latexEquations.map(Markup.latexAlign)
      : [Markup.paragraph("Derivation by differentials (numerator layout, column-major vec):")]
        + s.mathMLParts.map { part in
          part.equation + (part.rules.isEmpty ? "" : "\n" + Markup.paragraph("by " + part.rules.joined(separator: "; ")))
        }
  }

  /// The steps of a derivation by differentials as records: one per step, then the conclusion.
  static func stepRecords(_ s: DerivationSteps) -> [DeriveRecord.Step] {
    zip(s.steps, s.printedSteps).map { step, p in
      DeriveRecord.Step(
        node: step.node.unicodeText, differential: p.differential, vec: p.vec, rules: p.rules,
        differentialInX: s.text(step.differential))
    } + [DeriveRecord.Step(conclusion: s.conclusionText)]
  }

  /// The JSON record of one variable's derivative.
  private func record(_ r: Result) -> DeriveRecord {
    let (d, shown) = (r.derivative, r.shown)
    let steps = r.derivation.map(Derive.stepRecords)
    return DeriveRecord(
      expression: expression, wrt: d.variable, outputShape: .init(d.outputShape.rows, d.outputShape.cols),
      inputShape: .init(d.inputShape.rows, d.inputShape.cols), layout: layout.layout.rawValue,
      jacobian: .init(
        text: shown.expression.unicodeText, latex: shown.expression.latex, plain: shown.expression.plainText,
        mathml: shown.expression.mathMLElement(), rows: .number(shown.rows), cols: .number(shown.cols),
        structure: r.jacobian.matrix.structure.text, named: r.named.record(r.named.shown)),
      commonSubexpressions: r.named.bindingRecords,
      gradient: d.gradient.map {
        .init(
          text: $0.unicodeText, latex: $0.latex, plain: $0.plainText, mathml: $0.mathMLElement(),
          named: r.named.record(r.named.gradient ?? r.named.shown))
      },
      inferredShapes: InferredSizesNote.json, check: r.checked.map { DerivativeCheckRecord($0) }, steps: steps,
      jacobianOut: jacobianOut)
  }

  static func verdictText(_ v: CheckVerdict) -> String {
    switch v {
    case .passed: return "passed"
    case .failed: return "FAILED"
    case .inconclusive: return "INCONCLUSIVE (finite differences too noisy at this point; try another --seed)"
    }
  }
}

enum DeriveLayout: String, ExpressibleByArgument, CaseIterable {
  case numerator, denominator, shape
  var layout: JacobianLayout {
    switch self {
    case .numerator: return .numerator
    case .denominator: return .denominator
    case .shape: return .shape
    }
  }
}
