import Foundation
import MatrixCore
import Symbolic

/// `jac check PROGRAM --claim-program BACKWARD`: a backward pass checked line by line, printed
/// by `StagedCheckReport` in every format, the verdict first.
struct ProgramClaimCheck {
  let prepared: PreparedProgram
  let claimSource: String
  let tolerance: Double
  let format: OutputFormat
  /// For exercises: no line of the true backward pass (no "it should be"), in any format.
  var hideAnswer = false

  /// Prints the report, or returns the JSON record; and whether every line holds.
  func run() throws -> (ProgramCheckRecord?, Bool) {
    let claim: Program
    do {
      claim = try Program(backward: claimSource)
    } catch {
      throw CLIError("the claimed backward pass: \(error)")
    }
    let result: StagedClaimCheck
    do {
      result = try StagedClaimCheck(
        program: prepared.program, claim: claim, dims: prepared.shapes, inputs: prepared.inputs, tolerance: tolerance)
    } catch let error as ProgramError where error.line != nil && claim.statements.contains(where: { $0.line == error.line }) {
      throw CLIError("the claimed backward pass, \(error)")
    }
    let report = StagedCheckReport(prepared: prepared, claim: claim, result: result, hideAnswer: hideAnswer)
    switch format {
    case .text: print(report.text)
    case .latex: print(report.latex)
    case .mathml: print(report.mathML)
    case .json: return (report.record, result.holds)
    }
    return (nil, result.holds)
  }
}
