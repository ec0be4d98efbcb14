import MatrixCore
import Jacobians

/// A claimed backward pass checked stage by stage against the true adjoints of a program.
///
/// The claim is a program of assignments to adjoints, CS231n style (`Program(backward:)`):
///
/// ```
/// dnum = invden; dinvden = num          # f = num*invden  (df = 1 is implied)
/// dden = (-1/den^2)*dinvden
/// dx = dxpy; dy = dxpy                  # xpy = x + y
/// dx += sigx*(1-sigx)*dsigx             # sigx = sigmoid(x): the += rule
/// ```
///
/// Each line assigns `dv` (v a name or an input of the program) from forward names, inputs and
/// adjoints assigned on earlier lines (`dF` of the output is 1 when not assigned). Every line is
/// evaluated at the point with the claim's own adjoints and judged:
/// - `dv = e` / `dv += e` holds when e equals, at the point, one of the true contributions to
///   dv not yet accounted for (one per statement that uses v: the local derivative applied to the
///   statement's adjoint), or a sum of several of them;
/// - when a line reads an adjoint, that adjoint must be complete (every contribution added): if
///   it is not, the line is reported as reading an adjoint with a missing branch;
/// - at the end every assigned adjoint must be complete.
/// A wrong line gets what it should have been (the contribution it most likely meant, in the
/// program's names, and its value) and what it matches instead: the transpose, a sign or a factor,
/// the upstream adjoint without the local derivative, the local derivative without the upstream
/// adjoint, the contribution meant for another name, an incomplete sum. After a wrong line the
/// check goes on with the true value, so that every line is judged on its own.
public struct StagedClaimCheck: Sendable {
  public enum Verdict: String, Sendable {
    case holds, wrong
  }

  /// The judgement of one line (or, for a branch never added, of the last line that assigns it).
  public struct Finding: Sendable {
    public let line: Int
    public let text: String
    /// The adjoint the line assigns, `dv`.
    public let adjoint: String
    public let verdict: Verdict
    /// What the line should have been, in the program's names (`dden = -dinvden/den^2`).
    public let expected: String?
    public let expectedValue: Matrix?
    public let claimedValue: Matrix?
    /// One sentence each: what the wrong line matches.
    public let diagnoses: [String]
    /// A finding about the adjoint as left after its last line (a branch never added), rather
    /// than about the line itself.
    public var afterLine = false
  }

  public let program: Program
  public let backward: ProgramBackward
  /// One finding per claim line, in order, then findings for adjoints left incomplete at the end.
  public let findings: [Finding]
  /// Adjoints of the program's variable inputs that the claim never assigns.
  public let notComputed: [String]
  public let tolerance: Double

  public var holds: Bool { findings.allSatisfy { $0.verdict == .holds } }
  public var firstWrong: Finding? { findings.first { $0.verdict == .wrong } }

  /// Checks `claim` against `program` at the point `inputs`.
  /// - Parameters:
  ///   - program: the forward program.
  ///   - claim: the claimed backward pass (adjoint assignments).
  ///   - dims: the shapes of the program's inputs.
  ///   - inputs: the point.
  ///   - tolerance: rtol of the one rule of `Tolerance` (`Tolerance.claims`), the truth as
  ///     the expected value.
  /// - Throws: `ProgramError` for a claim line that assigns no adjoint or cannot be evaluated.
  public init(program: Program, claim: Program, dims: [String: Shape], inputs: [String: Matrix], tolerance: Double = 1e-8)
    throws
  {
    self.program = program
    self.tolerance = tolerance
    let backward = try program.backward(wrt: program.inputs, dims: dims)
    self.backward = backward
    let forward = try program.evaluate(inputs)
    let truth = try backward.values(forward: forward)
    var stageOf: [String: ProgramBackward.Stage] = [:]
    for s in backward.allStages { stageOf[s.adjointName] = s }
    let outputAdjoint = ProgramBackward.adjointName(program.output, layout: .shape)
    func isAdjoint(_ name: String) -> Bool { stageOf[name] != nil || name == outputAdjoint }

    // The true contributions to each adjoint, evaluated with the true adjoints.
    var values = forward
    for (k, v) in truth { values[k] = v }
    var pending: [String: [(c: ProgramBackward.Contribution, value: Matrix)]] = [:]
    for stage in backward.allStages {
      pending[stage.adjointName] = try stage.contributions.map { c in
        (c, try StagedClaimCheck.evaluate(c.expression, values, line: c.line))
      }
    }
    let allContributions = pending

    var claimed: [String: Matrix] = [:]  // the claim's adjoints so far (corrected after wrong lines)
    var lastLine: [String: (line: Int, text: String)] = [:]
    var findings: [Finding] = []
    var reported: Set<String> = []  // adjoints already blamed for being incomplete

    // The one rule of `Tolerance` (b the expected value): max|b − a| ≤ rtol·max|b| + 1024·ε·magnitude;
    // NaN or an infinity is never close.
    func close(_ a: Matrix, _ b: Matrix) -> Bool {
      guard a.shape == b.shape else { return false }
      return Tolerance.claims(relative: tolerance, magnitude: max(a.maxAbs, b.maxAbs)).accepts(expected: b, actual: a)
    }
    func total(_ terms: [Matrix], shape: Shape) -> Matrix {
      var sum = Matrix.zeros(shape.rows, shape.cols)
      for t in terms { for k in 0..<sum.count { sum[linear: k] += t.storage[k] } }
      return sum
    }

    for statement in claim.statements {
      let name = statement.name
      guard isAdjoint(name) else {
        let hint =
          name.hasPrefix("d") && (program.defines(String(name.dropFirst())) || program.inputs.contains(String(name.dropFirst())))
          ? "F does not depend on \(name.dropFirst())" : "write d followed by a name of the program, as dh1 for h1"
        throw ProgramError(line: statement.line, "\(name) is not the adjoint of a name of the program: \(hint)")
      }
      // Values the line reads: forward names and inputs, and the claim's adjoints.
      var local: [String: Matrix] = [:]
      var incompleteRead: (adjoint: String, missing: [ProgramBackward.Contribution])? = nil
      for v in statement.expression.variables {
        if let f = forward[v] {
          local[v] = f
        } else if let c = claimed[v] {
          local[v] = c
          if let truthValue = truth[v], !close(c, truthValue), !reported.contains(v), incompleteRead == nil {
            incompleteRead = (v, pending[v]?.map(\.c) ?? [])
          }
        } else if v == outputAdjoint, let t = truth[v] {
          local[v] = t
        } else if isAdjoint(v) {
          throw ProgramError(
            line: statement.line, "\(v) is read before any line assigns it: a backward pass goes from F towards the inputs")
        } else {
          throw ProgramError(line: statement.line, "\(v) is neither a name of the program nor an adjoint")
        }
      }
      if let (v, missing) = incompleteRead {
        // An adjoint read before all its branches were added: blame the reading line, then go on
        // with the complete value.
        reported.insert(v)
        let text = missing.map { "\(v) += \($0.expression.plainText) (through \($0.from), program line \($0.line))" }
        findings.append(
          Finding(
            line: statement.line, text: statement.text, adjoint: name, verdict: .wrong,
            expected: "first add " + text.joined(separator: "; "), expectedValue: nil, claimedValue: nil,
            diagnoses: [
              "it reads \(v) before all its branches are added: \(missing.isEmpty ? "its value is wrong" : "missing " + text.joined(separator: "; ")) (the += rule)"
            ]))
        claimed[v] = truth[v]
        pending[v] = []
        local[v] = truth[v]
      }
      let shape = stageOf[name]?.shape ?? forward[program.output]!.shape
      let candidates = pending[name] ?? []
      let value: Matrix
      do {
        value = try StagedClaimCheck.evaluate(statement.expression, local, line: statement.line)
      } catch {
        // A line whose shapes do not fit is a wrong line, not bad input: go on with the truth.
        let meant = StagedClaimCheck.intended(
          statement.expression, candidates, value: Matrix.zeros(1, 1), output: program.output, close: close)
        let expectedValue = meant.map { candidates[$0].value } ?? Matrix.zeros(shape.rows, shape.cols)
        findings.append(
          Finding(
            line: statement.line, text: statement.text, adjoint: name, verdict: .wrong,
            expected: meant.map { "\(name) \(statement.accumulates ? "+=" : "=") \(candidates[$0].c.expression.plainText)" },
            expectedValue: expectedValue, claimedValue: nil,
            diagnoses: ["it cannot be evaluated: \(error.message)"]))
        let base = statement.accumulates ? (claimed[name] ?? Matrix.zeros(shape.rows, shape.cols)) : Matrix.zeros(shape.rows, shape.cols)
        claimed[name] = total([base, expectedValue], shape: shape)
        if let meant { pending[name]!.remove(at: meant) }
        lastLine[name] = (statement.line, statement.text)
        continue
      }
      // A single contribution, or a sum of several (a line may add two branches at once).
      var matched: [Int]? = nil
      if value.shape == shape {
        if candidates.isEmpty {
          if close(value, Matrix.zeros(shape.rows, shape.cols)) { matched = [] }
        } else if candidates.count <= 10 {
          for mask in 1..<(1 << candidates.count) where matched == nil {
            let chosen = (0..<candidates.count).filter { mask & (1 << $0) != 0 }
            if close(value, total(chosen.map { candidates[$0].value }, shape: shape)) { matched = chosen }
          }
        } else if close(value, total(candidates.map(\.value), shape: shape)) {
          matched = Array(candidates.indices)
        }
      }
      // `dv = …` on an adjoint that earlier lines assigned throws their branches away.
      let overwrites = !statement.accumulates && lastLine[name] != nil
      let accumulates = statement.accumulates || overwrites
      let overwriteSentence =
        "it overwrites \(name), which line \(lastLine[name]?.line ?? 0) already assigned: use += to add a branch (the += rule)"
      let base = accumulates ? (claimed[name] ?? Matrix.zeros(shape.rows, shape.cols)) : Matrix.zeros(shape.rows, shape.cols)
      if let matched {
        findings.append(
          Finding(
            line: statement.line, text: statement.text, adjoint: name, verdict: overwrites ? .wrong : .holds,
            expected: overwrites ? "\(name) += \(statement.expression.plainText)" : nil, expectedValue: nil,
            claimedValue: value, diagnoses: overwrites ? [overwriteSentence] : []))
        claimed[name] = total([base, value], shape: shape)
        pending[name] = candidates.enumerated().filter { !matched.contains($0.offset) }.map(\.element)
      } else {
        // Wrong: find the contribution the line meant and what it matches instead.
        let meant = StagedClaimCheck.intended(
          statement.expression, candidates, value: value, output: program.output, close: close)
        let expectedValue = meant.map { candidates[$0].value } ?? Matrix.zeros(shape.rows, shape.cols)
        let expectedText =
          meant.map { "\(name) \(statement.accumulates ? "+=" : "=") \(candidates[$0].c.expression.plainText)" }
          ?? "\(name) = \(shape.isScalar ? "0" : "zeros(\(shape.rows),\(shape.cols))") (no branch of \(name.dropFirst()) is left to add)"
        var diagnoses = StagedClaimCheck.diagnose(
          value: value, expected: expectedValue, adjoint: name, shape: shape, meant: meant.map { candidates[$0].c },
          matchedBefore: (allContributions[name] ?? []).filter { a in !candidates.contains { $0.c.line == a.c.line && $0.c.from == a.c.from } },
          all: allContributions, values: values.merging(local) { _, new in new }, close: close,
          wrongDerivative: {
            StagedClaimCheck.wrongLocalDerivative(
              value: value, adjoint: name, meant: meant.map { candidates[$0].c }, program: program,
              values: forward.merging(claimed) { _, adjoint in adjoint }, close: close)
          },
          swapped: {
            StagedClaimCheck.swappedName(
              statement.expression, local: local, forward: forward, program: program, expected: expectedValue, close: close)
          })
        if overwrites { diagnoses.insert(overwriteSentence, at: 0) }
        findings.append(
          Finding(
            line: statement.line, text: statement.text, adjoint: name, verdict: .wrong, expected: expectedText,
            expectedValue: expectedValue, claimedValue: value, diagnoses: diagnoses))
        claimed[name] = total([base, expectedValue], shape: shape)
        if let meant { pending[name]!.remove(at: meant) }
      }
      lastLine[name] = (statement.line, statement.text)
    }
    // Adjoints left incomplete: the branches never added.
    for (name, last) in lastLine.sorted(by: { $0.value.line < $1.value.line }) where !reported.contains(name) {
      guard let missing = pending[name], !missing.isEmpty else { continue }
      let text = missing.map { "\(name) += \($0.c.expression.plainText) (through \($0.c.from), program line \($0.c.line))" }
      var finding = Finding(
        line: last.line, text: last.text, adjoint: name, verdict: .wrong,
        expected: "add " + text.joined(separator: "; "), expectedValue: nil, claimedValue: nil,
        diagnoses: ["\(name) misses a branch after this line: \(text.joined(separator: "; ")) (the += rule)"])
      finding.afterLine = true
      findings.append(finding)
    }
    self.findings = findings.enumerated().sorted { l, r in
      (l.element.line, l.element.afterLine ? 1 : 0, l.offset) < (r.element.line, r.element.afterLine ? 1 : 0, r.offset)
    }.map(\.element)
    self.notComputed = program.variableInputs.map { ProgramBackward.adjointName($0, layout: .shape) }.filter {
      lastLine[$0] == nil
    }
  }

  static func evaluate(_ e: Expression, _ values: [String: Matrix], line: Int) throws(ProgramError) -> Matrix {
    var local: [String: Matrix] = [:]
    for v in e.variables { local[v] = values[v] }
    do {
      return try e.evaluate(local)
    } catch {
      throw ProgramError(line: line, "\(e.plainText.abbreviated) cannot be evaluated at the point: \(error)")
    }
  }
}
