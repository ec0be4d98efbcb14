import Jacobians
import MatrixCore

/// Everything a diagnosis needs besides the claim's value: the derivative, the layout the claim
/// was read in, the tolerance, and (when the claim is an expression) the claim itself, so that it
/// can be evaluated at further points drawn from `seed`.
struct DiagnosisContext {
  let derivative: SymbolicDerivative
  let layout: JacobianLayout
  let tolerance: Double
  let claimExpression: Expression?
  let seed: UInt64

  /// The seeds of the second point and of the assumption hints' points.
  var secondSeed: UInt64 { seed &+ 0x9E37_79B9 }
  func hintSeed(_ k: Int) -> UInt64 { seed &+ 0x5851_F42D &* UInt64(k + 1) }

  func close(_ x: Matrix, _ y: Matrix) -> Bool {
    DiagnosisSearch.close(x, y, relative: tolerance)
  }

  /// The truth at `values` in `layout`.
  func truth(at values: [String: Matrix], in layout: JacobianLayout) throws -> Matrix {
    let j = try derivative.jacobian(at: values).materialized()
    let search = DiagnosisSearch(derivative: derivative, layout: layout, tolerance: tolerance, claims: [], points: [])
    return search.inLayout(j)
  }

  /// The diagnoses of a claim that does not hold, the number of mutants evaluated, and whether
  /// the search stopped at its work budget (`DiagnosisSearch.budget`, shared with the assumption
  /// hints) with slips left untried.
  func diagnose(
    claim: Matrix, truth numerator: Matrix, values: [String: Matrix], budget: Int = DiagnosisSearch.defaultBudget
  ) throws -> (diagnoses: [Diagnosis], mutations: Int, exhausted: Bool, work: Int) {
    let expected = DiagnosisSearch(derivative: derivative, layout: layout, tolerance: tolerance, claims: [], points: [])
      .inLayout(numerator).shape
    var diagnoses: [Diagnosis] = []
    var count = 0
    var work = 0
    var exhausted = false
    if claim.shape == expected || claim.shape == expected.transposed {
      var claims = [claim]
      var points = [values]
      var truths = [numerator]
      // The second point, where every match is confirmed.
      // A claim without variables (a number) is a claim about this point only.
      if let c = claimExpression, !c.variables.isEmpty {
        let second = RandomPoint.point(
          dims: derivative.dims, expressions: [derivative.expression, c], assumptions: derivative.assumptions,
          seed: secondSeed)
        if let claim2 = try? c.evaluate(second), let truth2 = try? derivative.jacobian(at: second).materialized() {
          claims.append(claim2)
          points.append(second)
          truths.append(truth2)
        }
      }
      var search = DiagnosisSearch(
        derivative: derivative, layout: layout, tolerance: tolerance, claims: claims, points: points, budget: budget)
      diagnoses = try search.run(truth: truths)
      count = search.mutationCount
      work = search.work
      exhausted = search.exhausted
    }
    if claim.shape != expected && diagnoses.isEmpty {
      diagnoses.append(shapeHint(claim: claim, values: values))
    }
    let hints = assumptionHints(budget: budget - work)
    diagnoses += hints.diagnoses
    return (diagnoses, count, exhausted || hints.exhausted, work + hints.work)
  }

  // MARK: Shape hints

  /// Which shapes fit which layout, and whether the claim holds in the layout its shape fits.
  func shapeHint(claim: Matrix, values: [String: Matrix]) -> Diagnosis {
    let (f, x, v) = (derivative.outputShape, derivative.inputShape, derivative.variable)
    var fits: [(JacobianLayout, Shape, String)] = [
      (.numerator, Shape(f.count, x.count), "in numerator layout"),
      (.denominator, Shape(x.count, f.count), "in denominator layout"),
    ]
    if f.isScalar { fits.append((.shape, x, "as a gradient shaped like \(v) (--layout shape)")) }
    let current = fits.first { $0.0 == layout }?.1 ?? Shape(f.count, x.count)
    // The shapes as parts, so that the sentence can be said with size symbols (`Diagnosis.resized`).
    var parts: [Diagnosis.Part] = [.words("∂F/∂\(v) is ")]
    for (k, fit) in fits.enumerated() {
      if k > 0 { parts.append(.words(k == fits.count - 1 ? " and " : ", ")) }
      parts += [Diagnosis.Part.shape(fit.1), Diagnosis.Part.words(" \(fit.2)")]
    }
    parts += [Diagnosis.Part.words("; a "), .shape(claim.shape), .words(" claim ")]
    if let (other, _, _) = fits.first(where: { $0.1 == claim.shape && $0.0 != layout }) {
      let name = other == .shape ? "the gradient" : "in \(other.rawValue) layout"
      var sentence = "is \(name): add --layout \(other.rawValue)"
      if let c = try? ClaimCheck(
        claim: claim, layout: other, derivative: derivative, values: values, tolerance: tolerance,
        claimExpression: claimExpression, seed: seed)
      {
        sentence += c.holds ? ", and read that way the claim holds" : ", though read that way the claim is still wrong"
      }
      parts.append(.words(sentence))
    } else {
      parts += [
        .words("fits none of them (F is "), .shape(f), .words(" and \(v) is "), .shape(x),
        .words(": the Jacobian has a row for each of the "), .size(f.count), .words(" entries of F and a column for each of the "),
        .size(x.count), .words(" entries of \(v), "), .shape(current), .words(" in \(layout.rawValue) layout)"),
      ]
    }
    return Diagnosis(kind: "shape", where: "", parts)
  }

  // MARK: Assumption hints

  /// "the claim holds when A is symmetric": assumptions that fit each variable (symmetric and
  /// spd for square matrices, probability and one-hot for vectors, the weaker first), tried at
  /// two random points that satisfy them. Each try evaluates the truth and the claim twice,
  /// counted as their nodes against `budget`; `exhausted` when variables were left untried.
  func assumptionHints(budget: Int) -> (diagnoses: [Diagnosis], exhausted: Bool, work: Int) {
    guard let c = claimExpression, !c.variables.isEmpty,
      derivative.outputShape.count * derivative.inputShape.count <= DiagnosisSearch.entryLimit
    else { return ([], false, 0) }
    let table = ExpressionTable(dims: derivative.dims)
    _ = table.id(derivative.jacobian)
    _ = table.id(c)
    let cost = 2 * table.count
    var work = 0
    var hints: [Diagnosis] = []
    for name in derivative.dims.keys.sorted() where derivative.assumptions[name] == nil {
      let s = derivative.dims[name]!
      var candidates: [Assumption] = []
      if s.isSquare && s.rows > 1 { candidates = [.symmetric, .spd] }
      if (s.rows == 1 || s.cols == 1) && s.count > 1 { candidates = [.probability, .onehot] }
      for assumption in candidates {
        guard work + cost <= budget else { return (hints, true, work) }
        work += cost
        let assumed = derivative.assumptions.adding(assumption, for: name)
        let holds = (0..<2).allSatisfy { k in
          let point = RandomPoint.point(
            dims: derivative.dims, expressions: [derivative.expression, c], assumptions: assumed, seed: hintSeed(k))
          guard let t = try? truth(at: point, in: layout), let claimed = try? c.evaluate(point) else { return false }
          return close(claimed, t)
        }
        if holds {
          hints.append(
            Diagnosis(
              kind: "assumption", where: name,
              [
                .words(
                  "the claim holds when \(name) is \(assumption.adjective); pass --assume \(name)=\(assumption.rawValue) if that is intended"
                )
              ]))
          break
        }
      }
    }
    return (hints, false, work)
  }
}
