import Foundation
import Jacobians
import MatrixCore
import Symbolic

// Records built from the library's results.

extension DerivativeCheckRecord {
  /// The fields of a finite-difference check (`method` suffixed, e.g. "… of the gradient").
  init(_ c: DerivativeCheck, methodSuffix: String = "") {
    self.init(
      method: c.method.description + methodSuffix, maxAbsError: c.maxAbsError, maxRelError: c.maxRelError,
      estimatedFiniteDifferenceError: c.estimatedFiniteDifferenceError, relativeTolerance: c.relativeTolerance,
      verdict: c.verdict.rawValue, passed: c.passed)
  }
}

extension DiagnosisRecord {
  init(_ d: Diagnosis) { self.init(kind: d.kind, where: d.where, text: d.text, latex: d.latex) }
}

extension ProgramCheckRecord.Finding {
  init(_ f: StagedClaimCheck.Finding) {
    self.init(
      line: f.line, text: f.text, adjoint: f.adjoint, holds: f.verdict == .holds, afterLine: f.afterLine,
      expected: f.expected, diagnoses: f.verdict == .wrong ? f.diagnoses : nil)
  }
}

extension Array where Element == Int {
  /// `[rows, cols]`.
  init(_ s: Shape) { self = [s.rows, s.cols] }
}
