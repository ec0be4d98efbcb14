import Foundation
import MatrixCore
import Symbolic

/// `jac check PROGRAM --claim-program BACKWARD`: a backward pass checked line by line, printed
/// by `StagedCheckReport` in every format, the verdict first.
///
/// Under size symbols (docs/programs.md, "Sizes as symbols") the claim is read and checked at
/// each of the program's small instantiations, with the symbols standing for that
/// instantiation's sizes (`dz = ones(n,1)`); it holds only when every line holds at each. The
/// report is the one of the first instantiation where a line is wrong (or of the first, when
/// all hold), with the program's shapes in symbols and that instantiation named.
struct ProgramClaimCheck {
  let prepared: PreparedProgram
  let claimSource: String
  let tolerance: Double
  let format: OutputFormat
  /// For exercises: no line of the true backward pass (no "it should be"), in any format.
  var hideAnswer = false

  /// Prints the report, or returns the JSON record; and whether every line holds.
  func run() throws -> (ProgramCheckRecord?, Bool) {
    guard let symbolic = prepared.symbolic else {
      let claim = try parseClaim()
      return try output(StagedCheckReport(prepared: prepared, claim: claim, result: check(claim, at: prepared), hideAnswer: hideAnswer))
    }
    var runs: [(instance: PreparedProgram, claim: Program, result: StagedClaimCheck)] = []
    for (instance, sizes) in zip(symbolic.instances, symbolic.at) {
      let claim = try SizeSymbols.$values.withValue(sizes) { try parseClaim() }
      runs.append((instance, claim, try check(claim, at: instance)))
    }
    let shown = runs.first { !$0.result.holds } ?? runs[0]
    var described = prepared
    if !shown.result.holds { described.pointDescription = shown.instance.pointDescription }
    let report = StagedCheckReport(prepared: described, claim: shown.claim, result: shown.result, hideAnswer: hideAnswer)
    return try prepared.named {
      var (record, holds) = try output(report)
      holds = runs.allSatisfy { $0.result.holds }
      record?.holds = holds
      record?.sizeSymbols = symbolic.sizes.symbols
      record?.instantiations = zip(symbolic.at, runs).map { .init(sizes: $0, holds: $1.result.holds) }
      record?.inferredShapes = symbolic.sizes.inferredJSON
      return (record, holds)
    }
  }

  private func parseClaim() throws -> Program {
    do {
      return try Program(backward: claimSource)
    } catch {
      throw CLIError("the claimed backward pass: \(error)")
    }
  }

  private func check(_ claim: Program, at p: PreparedProgram) throws -> StagedClaimCheck {
    do {
      return try StagedClaimCheck(program: p.program, claim: claim, dims: p.shapes, inputs: p.inputs, tolerance: tolerance)
    } catch let error as ProgramError where error.line != nil && claim.statements.contains(where: { $0.line == error.line }) {
      throw CLIError("the claimed backward pass, \(error)")
    }
  }

  private func output(_ report: StagedCheckReport) throws -> (ProgramCheckRecord?, Bool) {
    switch format {
    case .text: print(report.text)
    case .latex: print(report.latex)
    case .mathml: print(report.mathML)
    case .json: return (report.record, report.result.holds)
    }
    return (nil, report.result.holds)
  }
}
