import Jacobians
import MatrixCore

extension ClaimCheck {
  /// The check with one diagnosis only, in place of the others, when the claim does not hold but
  /// is the derivative of the expression read from left to right as MATLAB and NumPy read `*`,
  /// `/`, `.*`, `./`
  /// (`ReadingNote`): "the claim is the derivative of (1/2)*norm(x)^2, …; as written the
  /// expression means 1/(2*norm(x)^2), since / binds more loosely than *".
  ///
  /// The other reading's derivative is compared with the claim under the rule of this check
  /// (`tolerance`'s rtol, the magnitude of `ClaimCheck`), at `values` and, when the claim is an
  /// expression with variables, also at the second point the diagnoses are confirmed at (drawn
  /// from `seed`). Nothing changes when `source` has one reading only, when the other reading
  /// does not conform, or when the claim is not its derivative.
  ///
  /// - Parameters:
  ///   - source: the expression F as the user wrote it (`derivative.expression` parsed from it).
  ///   - claim: the claim's value at `values`, read in `layout`.
  ///   - claimMagnitude: the claim's magnitude, as given to `ClaimCheck.init`.
  ///   - claimExpression: the claim as written, as given to `ClaimCheck.init` (nil for a file).
  ///   - values: the point of the check.
  ///   - seed: the seed of the check, from which the second point is drawn.
  public func diagnosingReading(
    of source: String, claim: Matrix, claimMagnitude: Double = 0, claimExpression: Expression? = nil,
    values: [String: Matrix], seed: UInt64 = 1
  ) -> ClaimCheck {
    guard !holds, let note = Expression.readingNotes(in: source).first,
      let otherText = Expression.leftToRightText(of: source), let asWritten = Expression.contractText(of: source),
      let other = try? Expression(otherText),
      let d = try? SymbolicDerivative(
        of: other, wrt: derivative.variable, dims: derivative.dims, assumptions: derivative.assumptions)
    else { return self }
    func isDerivative(_ value: Matrix, magnitude: Double, at point: [String: Matrix]) -> Bool {
      let check = try? ClaimCheck(
        claim: value, layout: layout, derivative: d, values: point, tolerance: tolerance.relative,
        claimMagnitude: magnitude, claimExpression: claimExpression, seed: seed, diagnose: false)
      return check?.holds ?? false
    }
    guard isDerivative(claim, magnitude: claimMagnitude, at: values) else { return self }
    if let c = claimExpression, !c.variables.isEmpty {
      let context = DiagnosisContext(
        derivative: derivative, layout: layout, tolerance: tolerance.relative, claimExpression: c, seed: seed)
      let second = RandomPoint.point(
        dims: derivative.dims, expressions: [derivative.expression, other, c], assumptions: derivative.assumptions,
        seed: context.secondSeed)
      guard let value = try? c.evaluate(second), let magnitude = try? c.termMagnitude(at: second),
        isDerivative(value, magnitude: magnitude, at: second)
      else { return self }
    }
    // The other reading explains the claim exactly, so the other diagnoses (a factor that varies
    // from point to point, say) only describe the same difference less precisely: it stands alone.
    var copy = self
    copy.diagnoses = [
      Diagnosis(
        kind: "reading", where: note.written,
        [
          .words(
            "the claim is the derivative of \(otherText), the expression read from left to right as MATLAB and NumPy read it; "
              + "as written it means \(asWritten), since \(note.looser) binds more loosely than \(note.tighter)")
        ])
    ]
    return copy
  }
}
