import ArgumentParser
import Foundation
import Jacobians
import MatrixCore
import Symbolic

struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Verify a hand derivation and diagnose it when it is wrong.",
    discussion: """
      The claim (an expression that may use kron, K(m,n), I(n), diag, vec and the variables, or \
      a dense .npy file) is read in --layout (default numerator: ∂vec F/∂(vec X)ᵀ over \
      column-major vec) and compared with the true derivative at a point. On disagreement the \
      worst entries are listed as ∂F[p,q]/∂X[i,j] and the report says what the claim matches:
      the transpose (denominator layout), row-major flattening, a factor, a missing term.
      Exit status 0 when the claim holds, 1 when it does not, 2 for bad input.
      """)

  @Argument(help: "The expression F, or a program (statements name = expr).") var expression: String = ""
  @OptionGroup var programOptions: ProgramOptions
  @OptionGroup var programOutput: ProgramOutputOption
  @Option(
    help: "The variable X, or several: W1,W2 (then one claim per variable, in this order); not needed with --claim-program.")
  var wrt: String = ""
  @Option(
    name: .customLong("claim-program"),
    help: "A claimed backward pass of the program: assignments such as \"dnum = invden; dx += dnum\".")
  var claimProgram: String?
  @Option(name: .customLong("claim-program-file"), help: "The claimed backward pass, from a file.")
  var claimProgramFile: String?
  @OptionGroup var point: PointOptions
  @Option(help: "The claimed derivative, in the expression language; repeat it for each variable of --wrt.")
  var claim: [String] = []
  @Option(
    name: .customLong("claim-file"), help: "The claimed derivative as a dense .npy file; repeat it for each variable of --wrt.")
  var claimFile: [String] = []
  @Option(help: "Layout of the claim: numerator, denominator, numerator-rowmajor, tensor, sympy, shape.")
  var layout: LayoutName = LayoutName(argument: "numerator")!
  @Option(
    help: ArgumentHelp(
      "rtol: the claim holds when max|J − C| ≤ rtol·max|J| + atol (J the true Jacobian, C the claim).",
      discussion: "atol = 1024·ε·(largest term added up in J or C), never a fixed number: the same verdict at every scale."))
  var tolerance: Double = 1e-8
  @Option(help: "text, latex (a fragment for amsmath), mathml (XHTML with MathML), or json.")
  var format: OutputFormat = .text
  @Flag(
    name: .customLong("hide-answer"),
    help: "For exercises: print only the verdict, the worst entries and the diagnoses, no part of the true derivative.")
  var hideAnswer = false
  @Option(
    name: .customLong("diagnosis-budget"),
    help: ArgumentHelp(
      "The most expression nodes the diagnosis of a wrong claim may differentiate and evaluate.",
      discussion: "The verdict never waits for it; past it the report says that no diagnosis was found within the budget."))
  var diagnosisBudget: Int = ClaimCheck.defaultDiagnosisBudget

  func run() throws {
    let (output, holds) = try execute()
    if let output { print(try JacJSON.string(output)) }
    if !holds { throw CheckFailed() }
  }

  /// Runs the command: text, LaTeX and MathML are printed here; for `--format json` nothing is
  /// printed and the record is returned (`JacRecords.check` calls this). A claim that does not
  /// hold does not throw: `holds` says it.
  func execute() throws -> (json: CheckOutput?, holds: Bool) {
    if let program = try programOptions.resolve(argument: expression, output: programOutput.name, point: point) {
      if claimProgram != nil || claimProgramFile != nil {
        guard claimProgram == nil || claimProgramFile == nil, claim.isEmpty, claimFile.isEmpty else {
          throw CLIError("give the claimed backward pass with exactly one of --claim-program and --claim-program-file")
        }
        let source = try claimProgram ?? readProgram(claimProgramFile!)
        let (record, holds) = try ProgramClaimCheck(
          prepared: program, claimSource: source, tolerance: tolerance, format: format, hideAnswer: hideAnswer
        ).run()
        return (record.map(CheckOutput.program), holds)
      }
      // A claim about F (it may use the program's names) is checked on F written as one expression.
      var single = self
      single.expression = try program.inlinedText().expression
      single.claim = try claim.map { try program.inlinedText(claim: $0).claim ?? $0 }
      single.programOptions.file = nil
      single.programOutput.name = nil
      return try single.execute()
    }
    if claimProgram != nil || claimProgramFile != nil {
      throw CLIError("--claim-program checks the backward pass of a program: give the program inline or with --program FILE")
    }
    if wrt.isEmpty { throw CLIError("give the variable to differentiate with respect to with --wrt") }
    guard claim.isEmpty != claimFile.isEmpty else {
      throw CLIError("give the claims either with --claim or with --claim-file (one per variable of --wrt), not both")
    }
    switch try SizeResolution.resolve(parseExpression(expression, role: "expression"), point: point) {
    case .symbolic(let sizes): return try runSymbolic(sizes)
    case .completed(let dims, let inferred):
      var completed = self
      completed.point = point.completing(dims: dims)
      return try InferredSizesNote.$shapes.withValue(inferred) { try completed.execute() }
    case .concrete: break
    }
    let claimExpressions = try claim.map { try parseExpression($0, role: "claim") }
    let prepared = try PreparedDerivative(expression, wrt: wrt, point: point, extra: claimExpressions)
    let given = claim.isEmpty ? claimFile : claim
    guard given.count == prepared.derivatives.count else {
      let n = prepared.derivatives.count
      throw CLIError(
        "--wrt names \(n) variable\(n == 1 ? "" : "s") but \(given.count) claim\(given.count == 1 ? " was" : "s were") given: "
          + "give one claim per variable, in the order of --wrt")
    }
    // Several variables (--wrt W1,W2): each claim checked in turn; JSON wraps the
    // single-variable records in "checks" (docs/language.md).
    var records: [CheckRecord] = []
    var allHold = true
    // MathML for several variables: one root element around the per-variable reports.
    let wrapMathML = format == .mathml && prepared.derivatives.count > 1
    if wrapMathML { print("<div xmlns=\"\(Markup.xhtmlNamespace)\" class=\"jac-checks\">" ) }
    defer { if wrapMathML { print("</div>") } }
    for (k, d) in prepared.derivatives.enumerated() {
      let (record, holds) = try checkOne(
        d, prepared, claimExpression: claim.isEmpty ? nil : claimExpressions[k],
        claimText: claim.isEmpty ? nil : claim[k], claimFile: claimFile.isEmpty ? nil : claimFile[k])
      if let record { records.append(record) }
      allHold = allHold && holds
    }
    guard format == .json else { return (nil, allHold) }
    if records.count == 1 { return (.check(records[0]), allHold) }
    let names = prepared.derivatives.map(\.variable)
    return (.checks(ChecksRecord(expression: expression, wrt: names, holds: allHold, checks: records)), allHold)
  }

  /// For a claim whose products or sums do not conform: the single transposes that make it
  /// conform and hold at the point ("; with A' in place of the first A it conforms and holds"),
  /// or "" when none does. A repair that holds only when read in another layout is named with it:
  /// a student who writes the gradient `2*A*(A*x-b)` for `norm(A*x-b)^2` and leaves the default
  /// numerator layout hears that `A'` makes it the gradient (`--layout shape`). With
  /// `--hide-answer` the place is not named.
  func transposeHint(
    _ claim: MatrixExpression, _ d: SymbolicDerivative, _ values: [String: Matrix], layout: JacobianLayout
  ) -> String {
    let dims = values.mapValues(\.shape)
    // The smallest sub-expression first: "A' in place of A" before "(2*A)' in place of 2*A".
    let repairs = claim.transposeRepairs(dims: dims).enumerated().sorted {
      ($0.element.changed.nodeCount, $0.offset) < ($1.element.changed.nodeCount, $1.offset)
    }.map(\.element)
    // The layout asked for first, then the others a matrix claim can be read in (the gradient's
    // shape only for a 1×1 F). Only a repair of the shape the derivative has in a layout can
    // hold there; those are checked in order until one does (each check evaluates the true
    // Jacobian at the point).
    let others: [JacobianLayout] = (d.outputShape.isScalar ? [.shape] : []) + [.denominator, .numerator]
    for readIn in [layout] + others.filter({ $0 != layout }) {
      let array = readIn.arrayShape(output: d.outputShape, input: d.inputShape)
      guard array.count == 2 else { continue }
      let expected = Shape(array[0], array[1])
      let fitting = repairs.filter { (try? $0.result.shape(in: dims, maximumEntries: .max)) == expected }
      let holding = fitting.prefix(8).first { repair in
        guard let value = try? repair.result.evaluate(values),
          let check = try? ClaimCheck(
            claim: value, layout: readIn, derivative: d, values: values, tolerance: tolerance,
            claimExpression: repair.result, seed: point.seed, diagnose: false)
        else { return false }
        return check.holds
      }
      guard let first = holding else { continue }
      let reading = readIn == layout ? "" : " " + Self.readingName(readIn)
      if hideAnswer { return "; one transpose in it would make it conform and hold\(reading)" }
      return "; with \(first.sentence) it conforms and holds\(reading): a transpose is missing"
    }
    return ""
  }

  /// How a claim read in `layout` is named in the transpose hint.
  static func readingName(_ layout: JacobianLayout) -> String {
    switch layout {
    case .shape: return "as the gradient (shape convention; read it with --layout shape)"
    default: return "in \(layout.rawValue) layout (read it with --layout \(layout.rawValue))"
    }
  }

  /// Checks the claim for one variable: prints the report, or returns the JSON record; and
  /// whether the claim holds.
  private func checkOne(
    _ d: SymbolicDerivative, _ prepared: PreparedDerivative, claimExpression: MatrixExpression?, claimText: String?,
    claimFile: String?
  ) throws -> (CheckRecord?, Bool) {
    let values = prepared.values
    let claim = claimText
    var readLayout = layout.layout
    if readLayout == .shape && !d.outputShape.isScalar {
      throw CLIError("--layout shape needs a 1×1 expression, but \(expression) is \(d.outputShape)")
    }
    var claimed: Matrix
    var claimMagnitude = 0.0
    if let c = claimExpression {
      do {
        _ = try c.shape(in: values.mapValues(\.shape), maximumEntries: .max)
      } catch {
        if case .unknownVariable = error {} else {
          throw CLIError("the claim does not conform: \(error)" + transposeHint(c, d, values, layout: readLayout))
        }
      }
      claimed = try c.evaluate(values)
      claimMagnitude = try c.termMagnitude(at: values)
    } else {
      let array = try CommandFiles.array(claimFile ?? "", origin: "--claim-file")
      if readLayout == .tensor || readLayout == .sympy {
        claimed = try JacobianLayout.convert(
          array, from: readLayout, to: .numerator, output: d.outputShape, input: d.inputShape
        ).matrix()
        readLayout = .numerator
      } else {
        claimed = try array.matrix()
      }
    }
    if readLayout == .tensor || readLayout == .sympy { readLayout = .numeratorRowMajor }
    guard tolerance > 0, tolerance < 1 else { throw CLIError("--tolerance must be between 0 and 1, not \(tolerance)") }
    guard diagnosisBudget >= 0 else {
      throw CLIError("--diagnosis-budget must be a number of expression nodes, 0 or more, not \(diagnosisBudget)")
    }
    let result = try ClaimCheck(
      claim: claimed, layout: readLayout, derivative: d, values: values, tolerance: tolerance,
      claimMagnitude: claimMagnitude, claimExpression: claimExpression, seed: point.seed, diagnosisBudget: diagnosisBudget
    ).diagnosingReading(
      of: expression, claim: claimed, claimMagnitude: claimMagnitude, claimExpression: claimExpression, values: values,
      seed: point.seed)
    let report = CheckReport(
      expressionText: expression, derivative: d, result: result, claimExpression: claimExpression,
      claimText: claim ?? claimFile ?? "", claimRows: claimed.rows, claimCols: claimed.cols, layout: layout.layout,
      pointDescription: prepared.pointDescription + InferredSizesNote.suffix, hideAnswer: hideAnswer,
      assumptions: prepared.assumptions.byVariable.keys.sorted().map { ($0, prepared.assumptions[$0]!.rawValue) })
    switch format {
    case .text: print(report.text)
    case .latex: print(report.latex)
    case .mathml: print(report.mathML)
    case .json:
      var record = report.record
      record.inferredShapes = InferredSizesNote.json
      return (record, result.holds)
    }
    return (nil, result.holds)
  }

  static func number(_ x: Double) -> String {
    if x == 0 { return "0" }
    return String(format: "%.4g", x)
  }
}
