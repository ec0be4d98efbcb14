import Foundation
import MatrixCore
import Symbolic

/// `jac check PROGRAM --claim-program BACKWARD`: a backward pass checked line by line.
struct ProgramClaimCheck {
  let prepared: PreparedProgram
  let claimSource: String
  let tolerance: Double
  let format: OutputFormat

  /// Prints the text report, or returns the JSON record; and whether every line holds.
  func run() throws -> (ProgramCheckRecord?, Bool) {
    if format == .latex || format == .mathml {
      throw CLIError(
        "--format \(format.rawValue) is not available for a check of a backward pass (a program) yet; use --format text or json")
    }
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
    switch format {
    case .latex:
      throw CLIError("--format latex is for single claims; a staged claim (--claim-program) is reported as text or json")
    case .text:
      print(prepared.summary)
      print(
        "claimed backward pass, \(claim.statements.count) lines, checked stage by stage \(prepared.pointDescription) "
          + "(dv = ∂F/∂v shaped like v; d\(prepared.program.output) = 1):")
      let width = min(48, claim.statements.map(\.text.count).max() ?? 0)
      for f in result.findings {
        let text = f.afterLine ? "\(f.adjoint) is incomplete" : f.text
        let pad = String(repeating: " ", count: max(1, width + 2 - text.count))
        print("  \(f.afterLine ? "after line" : "line") \(f.line): \(text)\(pad)\(f.verdict == .holds ? "holds" : "WRONG")")
      }
      if let wrong = result.firstWrong {
        if wrong.afterLine {
          print("verdict: the backward pass is WRONG; the first error is after line \(wrong.line): \(wrong.adjoint) is incomplete")
        } else {
          print("verdict: the backward pass is WRONG; the first wrong line is line \(wrong.line): \(wrong.text)")
        }
        if let e = wrong.expected { print("  it should be: \(e)" + (wrong.expectedValue.map { " (= \(describe($0)))" } ?? "")) }
        if let c = wrong.claimedValue { print("  the line gives \(describe(c))") }
        if wrong.diagnoses.isEmpty {
          print(
            "  diagnosis: it matches none of the usual slips (a transpose, the sign, a factor, a missing local derivative, "
              + "a missing upstream adjoint, a missing branch, another name's contribution)")
        }
        for d in wrong.diagnoses { print("  diagnosis: \(d)") }
        let others = result.findings.filter { $0.verdict == .wrong }.dropFirst()
        if !others.isEmpty { print("also wrong: line " + others.map { String($0.line) }.joined(separator: ", line ")) }
      } else {
        print("verdict: every line holds \(prepared.pointDescription)")
      }
      if !result.notComputed.isEmpty {
        print("not computed by the claim: \(result.notComputed.joined(separator: ", "))")
      }
    case .latex, .mathml:
      return (nil, result.holds)
    case .json:
      let record = ProgramCheckRecord(
        holds: result.holds, firstWrong: result.firstWrong.map(ProgramCheckRecord.Finding.init),
        lines: result.findings.map(ProgramCheckRecord.Finding.init), notComputed: result.notComputed)
      return (record, result.holds)
    }
    return (nil, result.holds)
  }

  private func describe(_ m: Matrix) -> String {
    func n(_ x: Double) -> String { Check.number(x) }
    if m.count == 1 { return n(m.storage[0]) }
    if m.count <= 6 {
      let rows = (0..<m.rows).map { i in (0..<m.cols).map { j in n(m[i, j]) }.joined(separator: ", ") }
      return "[" + rows.joined(separator: "; ") + "]"
    }
    return "a \(m.shape) matrix with largest entry \(n(m.maxAbs))"
  }
}
