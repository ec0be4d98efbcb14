import Jacobians
import MatrixCore

/// The search for what a wrong claim is: the truth and its mutants (`SlipCatalogue`), each read
/// in the claim's layout and, as a whole, transposed (denominator layout), under row-major
/// flattening, with a factor 2 on or off the diagonal of X, or scaled; matches at the first point
/// are confirmed at a second one. Pairs of slips are tried only when no single one explains the
/// claim, among the singles that come closest to it, so the number of mutants is bounded.
///
/// The work is bounded too: `work` counts the expression nodes differentiated for the mutants
/// (the whole F for each, or one term of a sum, `TermwiseDerivation`), and the search stops
/// when it reaches `budget`, with `exhausted` set: the verdict stands, and the report says that no
/// diagnosis was found within the budget rather than naming a slip it did not try.
struct DiagnosisSearch {
  let derivative: SymbolicDerivative
  let layout: JacobianLayout
  let tolerance: Double
  /// The claim in `layout` at each point (the second only when the claim can be evaluated there).
  let claims: [Matrix]
  let points: [[String: Matrix]]
  private var evaluators: [StructuredEvaluator]
  /// Mutants evaluated (single slips, pairs and whole-result forms).
  private(set) var mutationCount = 0
  /// Expression nodes differentiated so far, and the most the search may differentiate.
  private(set) var work = 0
  let budget: Int
  /// Whether the search stopped at `budget` with slips left untried.
  private(set) var exhausted = false
  /// F as a sum of terms, and the terms' Jacobians at each point (built by `run`).
  private var termwise: TermwiseDerivation?
  private var termValues: [Int: TermwiseDerivation.Values?] = [:]
  /// The distinct nodes of F: the work of one whole derivation.
  private var wholeSize = 0

  /// The default `budget`: about 10 s of a debug build, 1–2 s of a release build, and far more
  /// than any expression of a few hundred nodes needs (every test of `DiagnosisTableTests`).
  static let defaultBudget = 600_000

  /// Singles tried in pairs: the closest `pairPool` and up to `specificPool` more of the most
  /// specific kinds; pairs therefore number at most 22·21/2 = 231.
  static let pairPool = 14
  static let specificPool = 8
  /// Beyond this many entries of the Jacobian the search is skipped.
  static let entryLimit = 4_000_000

  init(
    derivative: SymbolicDerivative, layout: JacobianLayout, tolerance: Double, claims: [Matrix],
    points: [[String: Matrix]], budget: Int = DiagnosisSearch.defaultBudget
  ) {
    self.budget = budget
    self.derivative = derivative
    self.layout = layout
    self.tolerance = tolerance
    self.claims = claims
    self.points = points
    evaluators = points.map { StructuredEvaluator(values: $0, dims: derivative.dims) }
  }

  /// The one tolerance rule (`Tolerance.claims`) with rtol the check's tolerance or 10⁻⁶, whichever
  /// is larger, and the magnitude of the two matrices.
  static func close(_ x: Matrix, _ y: Matrix, relative: Double) -> Bool {
    guard x.shape == y.shape else { return false }
    return Tolerance.claims(relative: max(relative, 1e-6), magnitude: max(x.maxAbs, y.maxAbs)).accepts(expected: y, actual: x)
  }

  /// A change to the whole result, applied after the rule slips.
  enum Whole: Equatable {
    case none, transpose, rowMajor, rowMajorTranspose
    case diagonal(factor: Double, onDiagonal: Bool)
  }

  struct Match {
    var slips: [DerivationSlip]
    var whole: Whole
    var diagnosis: Diagnosis
    var priority: Int
    /// A constant factor on the whole (the scaled diagnosis), confirmed already.
    var confirmedScale = false
    /// The mutant in the claim's layout at the first point: matches whose mutants agree explain
    /// the claim equally well and are said as one diagnosis (`grouped`).
    var candidate: Matrix
    /// The factor of the scaled diagnosis (nil for the others).
    var scale: Double? = nil
  }

  /// Whether a mutant matches the claim: within the check's tolerance, or 1e-6 relative when that
  /// is tighter (a claim written with eight digits still matches its slip; a match must hold at
  /// the second point as well), at any scale.
  func close(_ x: Matrix, _ y: Matrix) -> Bool {
    DiagnosisSearch.close(x, y, relative: tolerance)
  }

  // MARK: Layouts

  /// A numerator-layout Jacobian read in `layout`.
  func inLayout(_ m: Matrix) -> Matrix {
    switch layout {
    case .denominator: return m.transposed
    case .shape: return Matrix(rows: derivative.inputShape.rows, cols: derivative.inputShape.cols, columnMajor: m.storage)
    case .numeratorRowMajor, .tensor, .sympy: return rowMajor(m)
    default: return m
    }
  }

  /// `K(m,n)·J·K(b,a)`: rows and columns indexed by row-major flattening.
  func rowMajor(_ j: Matrix) -> Matrix {
    let (m, n) = (derivative.outputShape.rows, derivative.outputShape.cols)
    let (a, b) = (derivative.inputShape.rows, derivative.inputShape.cols)
    var out = Matrix.zeros(j.rows, j.cols)
    for q in 0..<n {
      for p in 0..<m {
        let (row, rowRM) = (p + q * m, p * n + q)
        for jj in 0..<b {
          for i in 0..<a { out[rowRM, i * b + jj] = j[row, i + jj * a] }
        }
      }
    }
    return out
  }

  /// The numerator Jacobian with the columns of X's diagonal (or off-diagonal) entries scaled.
  func scalingDiagonal(_ j: Matrix, factor: Double, onDiagonal: Bool) -> Matrix {
    let a = derivative.inputShape.rows
    var out = j
    for col in 0..<j.cols where (col % a == col / a) == onDiagonal {
      for row in 0..<j.rows { out[row, col] *= factor }
    }
    return out
  }

  func wholeForms() -> [Whole] {
    var forms: [Whole] = [.none, .transpose]
    // Row-major flattening permutes nothing when F and X are both vectors.
    let (f, x) = (derivative.outputShape, derivative.inputShape)
    let trivial = (f.rows == 1 || f.cols == 1) && (x.rows == 1 || x.cols == 1)
    if (layout == .numerator || layout == .denominator) && !trivial { forms += [.rowMajor, .rowMajorTranspose] }
    if x.isSquare && x.rows > 1 {
      for on in [true, false] { forms += [.diagonal(factor: 2, onDiagonal: on), .diagonal(factor: 0.5, onDiagonal: on)] }
    }
    return forms
  }

  func apply(_ whole: Whole, to j: Matrix) -> Matrix {
    switch whole {
    case .none: return inLayout(j)
    case .transpose: return inLayout(j).transposed
    case .rowMajor: return layout == .denominator ? rowMajor(j).transposed : rowMajor(j)
    case .rowMajorTranspose: return (layout == .denominator ? rowMajor(j).transposed : rowMajor(j)).transposed
    case .diagonal(let f, let on): return inLayout(scalingDiagonal(j, factor: f, onDiagonal: on))
    }
  }

  func diagnosis(of whole: Whole) -> Diagnosis? {
    switch whole {
    case .none: return nil
    case .transpose: return layout == .shape ? .gradientTranspose : .transpose
    case .rowMajor:
      return .rowMajor(output: derivative.outputShape, input: derivative.inputShape, variable: derivative.variable)
    case .rowMajorTranspose: return .rowMajorTranspose
    case .diagonal(let f, let on): return .diagonalFactor(f, onDiagonal: on, variable: derivative.variable)
    }
  }

  // MARK: Mutants

  /// Whether another mutant may be evaluated; sets `exhausted` when not.
  mutating func withinBudget() -> Bool {
    if work >= budget { exhausted = true }
    return !exhausted
  }

  /// The numerator Jacobian with `slips` at point `k` (nil when it cannot be evaluated).
  mutating func mutant(_ slips: [DerivationSlip], at k: Int) -> Matrix? {
    if let termwise {
      if termValues[k] == nil {
        termValues[k] = .some((try? termwise.values(&evaluators[k], work: &work)) ?? nil)
      }
      if case .some(.some(let values)) = termValues[k],
        case .mutant(let m) = termwise.mutant(slips, values: values, evaluator: &evaluators[k], work: &work)
      {
        return m
      }
    }
    work += wholeSize
    do {
      var forward = try ForwardDifferentiator(variable: derivative.variable, dims: derivative.dims)
      forward.slips = slips.map { ($0.node, $0.transform) }
      let (mn, ab) = (derivative.outputShape.count, derivative.inputShape.count)
      guard let e = try forward.jacobian(derivative.expression) else { return .zeros(mn, ab) }
      let m = try evaluators[k].structured(e).materialized()
      return m.shape == Shape(mn, ab) && m.firstNonFinite == nil ? m : nil
    } catch {
      return nil
    }
  }

  /// Whether the match also holds at the second point (true when there is none).
  mutating func confirmed(_ match: Match, truth: [Matrix]) -> Bool {
    guard claims.count > 1, !match.confirmedScale else { return true }
    let j = match.slips.isEmpty ? truth[1] : mutant(match.slips, at: 1)
    guard let j else { return false }
    return close(claims[1], apply(match.whole, to: j))
  }

  /// The diagnoses, most specific first (at most `limit`).
  mutating func run(truth: [Matrix], limit: Int = 3) throws -> [Diagnosis] {
    guard truth[0].count <= DiagnosisSearch.entryLimit else { return [] }
    let table = ExpressionTable(dims: derivative.dims)
    _ = table.id(derivative.expression)
    wholeSize = table.count
    termwise = (try? TermwiseDerivation(derivative)) ?? nil
    work += wholeSize
    let claim = claims[0]
    var matches: [Match] = []
    // Forms that change nothing here (the transpose of a 1×1 Jacobian) are left out.
    let plain = inLayout(truth[0])
    let forms = wholeForms().filter { w in
      w == .none || { let t = apply(w, to: truth[0]); return t.shape != plain.shape || !close(t, plain) }()
    }
    // The truth as a whole in another form.
    for w in forms where w != .none {
      mutationCount += 1
      let candidate = apply(w, to: truth[0])
      if close(claim, candidate), let d = diagnosis(of: w) {
        matches.append(Match(slips: [], whole: w, diagnosis: d, priority: 0, candidate: candidate))
      }
    }
    // Scaled: the least-squares factor, the same at both points.
    if matches.isEmpty, let m = scaledMatch(truth: truth) { matches.append(m) }
    let proportional = matches.isEmpty ? proportionalMatch(truth: truth) : nil
    // Single slips, alone and with a whole-result form.
    let catalogue = try SlipCatalogue(derivative)
    var distances: [(Double, DerivationSlip)] = []
    for slip in catalogue.slips {
      try Cancellation.checkpoint()
      guard withinBudget() else { break }
      guard let j = mutant([slip], at: 0), !close(j, truth[0]) else { continue }
      for w in forms {
        mutationCount += 1
        let candidate = apply(w, to: j)
        guard candidate.shape == claim.shape else { continue }
        if close(claim, candidate) {
          let d = diagnosis(of: w).map { $0.combined(with: slip.diagnosis) } ?? slip.diagnosis
          matches.append(
            Match(slips: [slip], whole: w, diagnosis: d, priority: slip.priority + (w == .none ? 10 : 30), candidate: candidate))
        } else if w == .none {
          distances.append((claim.maxAbsDifference(candidate) / max(1, claim.maxAbs), slip))
        }
      }
    }
    // Pairs of slips, among the closest singles.
    if matches.isEmpty {
      // The closest singles, and the most specific kinds (missing derivatives and commutation
      // matrices, whose pairs move the claim far from either single).
      let sorted = distances.sorted { $0.0 < $1.0 }.map(\.1)
      var pool = Array(sorted.prefix(DiagnosisSearch.pairPool))
      for slip in sorted.filter({ $0.priority <= 2 }).prefix(DiagnosisSearch.specificPool)
      where !pool.contains(where: { $0.site == slip.site && $0.diagnosis == slip.diagnosis }) {
        pool.append(slip)
      }
      pairs: for i in pool.indices {
        for k in pool.indices where k > i && pool[k].site != pool[i].site {
          try Cancellation.checkpoint()
          guard withinBudget() else { break pairs }
          mutationCount += 1
          guard let j = mutant([pool[i], pool[k]], at: 0), close(claim, inLayout(j)) else { continue }
          matches.append(
            Match(
              slips: [pool[i], pool[k]], whole: .none, diagnosis: pool[i].diagnosis.combined(with: pool[k].diagnosis),
              priority: 50 + pool[i].priority + pool[k].priority, candidate: inLayout(j)))
        }
      }
    }
    if matches.isEmpty, let p = proportional { return [p] }
    // The confirmed matches, most specific first; those whose mutants agree are one diagnosis.
    var confirmedMatches: [Match] = []
    for match in matches.sorted(by: { $0.priority < $1.priority }) where confirmedMatches.count < DiagnosisSearch.groupLimit {
      guard !confirmedMatches.contains(where: { $0.diagnosis.text == match.diagnosis.text }), confirmed(match, truth: truth)
      else { continue }
      confirmedMatches.append(match)
    }
    var groups: [[Match]] = []
    for match in confirmedMatches {
      if let g = groups.firstIndex(where: { close($0[0].candidate, match.candidate) }) {
        groups[g].append(match)
      } else {
        groups.append([match])
      }
    }
    return groups.prefix(limit).map { grouped($0, truth: truth[0]) }
  }

  /// The most confirmed matches the diagnosis gathers (each confirmation evaluates a mutant).
  static let groupLimit = 12

  /// `c·truth` for a constant c ≠ 1: at two points with the same c, or, with one point, only
  /// when the truth has at least two nonzero entries (any two numbers are a factor apart).
  func scaledMatch(truth: [Matrix]) -> Match? {
    guard let c = factor(claims[0], inLayout(truth[0])) else { return nil }
    if claims.count > 1 {
      guard let c2 = factor(claims[1], inLayout(truth[1])), abs(c2 - c) <= 1e-6 * max(1, abs(c)) else { return nil }
    } else if truth[0].storage.filter({ $0 != 0 }).count < 2 {
      return nil
    }
    let rounded = (c * 1e6).rounded() / 1e6
    return Match(
      slips: [], whole: .none, diagnosis: .scaled(rounded, points: claims.count), priority: 40, confirmedScale: true,
      candidate: inLayout(truth[0]).scaled(by: c), scale: rounded)
  }
}

extension DiagnosisSearch {
  /// The least-squares factor c with claim ≈ c·truth, when the claim is that close.
  func factor(_ claim: Matrix, _ t: Matrix) -> Double? {
    let tt = t.storage.reduce(0) { $0 + $1 * $1 }
    guard tt > 0, claim.shape == t.shape else { return nil }
    let c = zip(claim.storage, t.storage).reduce(0) { $0 + $1.0 * $1.1 } / tt
    guard abs(c - 1) > 1e-6, abs(c) > 1e-12, close(claim, t.scaled(by: c)) else { return nil }
    return c
  }

  /// A claim proportional to a truth with at least two nonzero entries, by a factor that changes
  /// from point to point: a scalar factor that depends on the point is missing or extra.
  func proportionalMatch(truth: [Matrix]) -> Diagnosis? {
    guard truth[0].storage.filter({ $0 != 0 }).count >= 2, let c = factor(claims[0], inLayout(truth[0])) else { return nil }
    var text = "the claim is proportional to the truth, \(ClaimCheck.format((c * 1e4).rounded() / 1e4)) times it here"
    if claims.count > 1, let c2 = factor(claims[1], inLayout(truth[1])) {
      text += " and \(ClaimCheck.format((c2 * 1e4).rounded() / 1e4)) times it at a second point"
    } else if claims.count > 1 {
      return nil
    }
    text += ": a scalar factor that depends on the point is missing or extra"
    return Diagnosis(kind: "proportional", where: "", [.words(text)])
  }
}

extension RandomPoint {
  /// Values for every variable of `dims` drawn from `seed`, inside every function's domain
  /// (`constraints(in:)`) and satisfying `assumptions`.
  public static func point(
    dims: [String: Shape], expressions: [Expression], assumptions: Assumptions, seed: UInt64
  ) -> [String: Matrix] {
    var g = SeededGenerator(seed: seed)
    let constraints = constraints(in: expressions)
    var values: [String: Matrix] = [:]
    for name in dims.keys.sorted() {
      values[name] = draw(dims[name]!, constraint: constraints[name], assumption: assumptions[name], using: &g)
    }
    return values
  }
}
