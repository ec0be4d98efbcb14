import Foundation
import MatrixCore

extension StagedClaimCheck {
  /// The pending contribution a wrong line most likely meant: the one from the statement whose
  /// adjoint the line reads (or, for a line that reads no adjoint, from the output's statement);
  /// else the only one; else the nearest of the same shape.
  static func intended(
    _ e: Expression, _ candidates: [(c: ProgramBackward.Contribution, value: Matrix)], value: Matrix, output: String,
    close: (Matrix, Matrix) -> Bool
  ) -> Int? {
    guard !candidates.isEmpty else { return nil }
    let reads = Set(e.variables)
    let readsAdjoint = candidates.indices.filter { reads.contains("d" + candidates[$0].c.from) }
    if readsAdjoint.count == 1 { return readsAdjoint[0] }
    if readsAdjoint.isEmpty {
      let fromOutput = candidates.indices.filter { candidates[$0].c.from == output }
      if fromOutput.count == 1 { return fromOutput[0] }
    }
    if candidates.count == 1 { return 0 }
    let pool = readsAdjoint.isEmpty ? Array(candidates.indices) : readsAdjoint
    return pool.min { l, r in
      distance(value, candidates[l].value) < distance(value, candidates[r].value)
    }
  }

  private static func distance(_ a: Matrix, _ b: Matrix) -> Double {
    guard a.shape == b.shape else { return .infinity }
    var d = 0.0
    for k in 0..<a.count { d = max(d, abs(a.storage[k] - b.storage[k])) }
    return d
  }

  /// What a wrong value matches, one sentence each (empty: nothing recognised).
  static func diagnose(
    value x: Matrix, expected e: Matrix, adjoint: String, shape: Shape, meant: ProgramBackward.Contribution?,
    matchedBefore: [(c: ProgramBackward.Contribution, value: Matrix)],
    all: [String: [(c: ProgramBackward.Contribution, value: Matrix)]], values: [String: Matrix],
    close: (Matrix, Matrix) -> Bool, wrongDerivative: () -> String? = { nil }, swapped: () -> String? = { nil }
  ) -> [String] {
    var found: [String] = []
    let name = String(adjoint.dropFirst())
    let stage = meant.map { "\($0.from) (program line \($0.line))" } ?? "its statement"
    if x.shape != shape {
      if x.shape == Shape(shape.cols, shape.rows), close(x, e.transposed) {
        found.append(
          "it is the transpose of what it should be: \(adjoint) has the shape of \(name), \(shape), but the line gives \(x.shape)")
      } else {
        found.append("it is \(x.shape), but \(adjoint) has the shape of \(name), \(shape)")
      }
      return found
    }
    if shape.rows == shape.cols, shape.rows > 1, close(x, e.transposed) {
      found.append("it is the transpose of what it should be")
    }
    // A factor (or the sign), reported when nothing more specific explains the value.
    var factor: String? = nil
    var dot = 0.0
    var norm = 0.0
    for k in 0..<e.count {
      dot += x.storage[k] * e.storage[k]
      norm += e.storage[k] * e.storage[k]
    }
    if norm > 0 {
      let c = dot / norm
      var scaled = e
      for k in 0..<scaled.count { scaled[linear: k] *= c }
      if close(x, scaled) && !close(x, e) {
        if abs(c + 1) < 1e-6 {
          found.append("the sign is flipped")
        } else {
          factor = "it is \(ProgramBackward.format(c)) times what it should be: a factor is off"
        }
      }
    }
    if let meant, let upstream = values["d" + meant.from] {
      // The upstream adjoint passed through without the local derivative.
      if upstream.shape == shape, close(x, upstream), !close(x, e) {
        found.append(
          "it is d\(meant.from) passed through unchanged: the local derivative of \(stage) with respect to \(name) is missing")
      }
      // The local derivative without the upstream adjoint.
      if let local = quotient(e, by: upstream), !close(x, e), close(x, local) {
        found.append("it is the local derivative of \(stage) alone: the upstream adjoint d\(meant.from) is missing")
      }
    }
    for earlier in matchedBefore where earlier.value.shape == shape {
      var withEarlier = e
      for k in 0..<withEarlier.count { withEarlier[linear: k] += earlier.value.storage[k] }
      guard close(x, earlier.value) || close(x, withEarlier) else { continue }
      found.append("it adds the branch through \(earlier.c.from) (program line \(earlier.c.line)) a second time")
    }
    if found.isEmpty {
      search: for (other, contributions) in all.sorted(by: { $0.key < $1.key }) where other != adjoint {
        for c in contributions where c.value.shape == shape && close(x, c.value) && !close(x, e) {
          found.append(
            "it is the contribution of \(c.c.from) (program line \(c.c.line)) to \(other), not to \(adjoint): the names are mixed up")
          break search
        }
      }
    }
    if found.isEmpty, let swap = swapped() { found.append(swap) }
    if found.isEmpty, let wrong = wrongDerivative() { found.append(wrong) }
    if found.isEmpty, let factor { found.append(factor) }
    return found
  }

  /// A wrong local derivative of an elementwise statement `v = f(u)` in the line for du: the line
  /// equals dv ⊙ g(u) for one of the wrong derivatives g students write (`SlipCatalogue`: f itself,
  /// tanh′ without its square, the output rule 1 − y² applied to u).
  static func wrongLocalDerivative(
    value x: Matrix, adjoint: String, meant: ProgramBackward.Contribution?, program: Program, values: [String: Matrix],
    close: (Matrix, Matrix) -> Bool
  ) -> String? {
    guard let meant, let statement = program.statement(named: meant.from),
      case .elementwise(let f, let a) = statement.expression, a == .variable(String(adjoint.dropFirst())),
      let upstream = values["d" + meant.from], let u = values[String(adjoint.dropFirst())]
    else { return nil }
    for wrong in SlipCatalogue.wrongDerivatives(of: f, at: a) {
      guard let g = try? evaluate(wrong.value, values, line: statement.line), g.shape == upstream.shape,
        let product = try? upstream.hadamard(g), close(x, product)
      else { continue }
      let right = ForwardDifferentiator.derivative(of: f, at: a, shape: u.shape)
      return "the local derivative of \(meant.from) = \(statement.expression.plainText) (program line \(statement.line)) is "
        + "taken as \(wrong.value.plainText)\(wrong.reason); it is \(right.plainText)"
    }
    return nil
  }

  /// A forward name read in place of another of the same shape (`1 - h.^2` for `1 - z.^2`): the
  /// line evaluated with one name's value replaced by another's matches the expected value.
  static func swappedName(
    _ e: Expression, local: [String: Matrix], forward: [String: Matrix], program: Program, expected: Matrix,
    close: (Matrix, Matrix) -> Bool
  ) -> String? {
    let read = e.variables.filter { forward[$0] != nil }
    let names = program.inputs + program.statements.map(\.name)
    var tries = 0
    for u in read {
      for v in names where v != u && forward[v]?.shape == forward[u]!.shape {
        tries += 1
        if tries > 400 { return nil }
        var values = local
        values[u] = forward[v]
        guard let value = try? evaluate(e, values, line: 0), close(value, expected) else { continue }
        let definition = program.statement(named: v).map { " (\(v) = \($0.expression.plainText))" } ?? ""
        return "it uses \(u) where \(v) belongs\(definition): with \(v) in place of \(u) the line is right"
      }
    }
    return nil
  }

  /// e/u for a 1×1 u, e./u for u shaped like e (nil where u has a zero entry or does not fit).
  private static func quotient(_ e: Matrix, by u: Matrix) -> Matrix? {
    var q = e
    if u.count == 1 {
      guard u.storage[0] != 0 else { return nil }
      for k in 0..<q.count { q[linear: k] /= u.storage[0] }
      return q
    }
    guard u.shape == e.shape, u.storage.allSatisfy({ $0 != 0 }) else { return nil }
    for k in 0..<q.count { q[linear: k] /= u.storage[k] }
    return q
  }
}

extension ProgramBackward {
  /// A number for messages: 4 significant digits.
  static func format(_ x: Double) -> String { String(format: "%.4g", x) }
}
