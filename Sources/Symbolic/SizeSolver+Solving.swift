/// Solving the equations of `SizeSolver`: the deferred rules in the order of the documentation
/// (docs/language.md, "Sizes inferred from the expression"), and naming the sizes left open.
extension SizeSolver {

  /// Resolves the deferred rules that the known sizes decide; true if any was.
  mutating func propagate() throws(ShapeInferenceError) -> Bool {
    var progress = false
    var changed = true
    while changed {
      changed = false
      var remaining: [Deferred] = []
      for d in deferred {
        if try decide(d, byDefault: false) { changed = true } else { remaining.append(d) }
      }
      deferred = remaining
      progress = progress || changed
    }
    return progress
  }

  /// Applies one deferred rule if the sizes decide it (or always, `byDefault`); false if undecided.
  mutating func decide(_ d: Deferred, byDefault: Bool) throws(ShapeInferenceError) -> Bool {
    switch d {
    case let .product(node, a, b, sa, sb, result):
      if isScalar(sa) {
        try equate(result, sb, node, a, sa, b, sb)
        return true
      }
      if isScalar(sb) {
        try equate(result, sa, node, a, sa, b, sb)
        return true
      }
      guard byDefault || (isNotScalar(sa) && isNotScalar(sb)) else { return false }
      let saved = bindings
      guard unify(sa.1, sb.0) else {
        // Not a matrix product: a side that can be 1×1 scales the other (`x*A`, A given m×n).
        bindings = saved
        for (scalar, other) in [(sa, sb), (sb, sa)] {
          if unify(scalar.0, .number(1)) && unify(scalar.1, .number(1)) {
            try equate(result, other, node, a, sa, b, sb)
            return true
          }
          bindings = saved
        }
        throw conflict(node, a, sa, b, sb, sa.1, sb.0)
      }
      try equate(result, (sa.0, sb.1), node, a, sa, b, sb)
      if byDefault && (isScalar(sa) || isScalar(sb)) {
        throw ambiguity(node, a, sa, b, sb)
      }
      return true
    case let .broadcast(node, a, b, sa, sb, result):
      // Each dimension on its own: decided when a side is 1 or both are known not to be 1.
      let dims = [(sa.0, sb.0, result.0), (sa.1, sb.1, result.1)]
      var undecided = false
      for (x, y, r) in dims {
        if isOne(x) {
          try requireUnify(r, y, node, a, sa, b, sb)
        } else if isOne(y) {
          try requireUnify(r, x, node, a, sa, b, sb)
        } else if byDefault || (isNotOne(x) && isNotOne(y)) {
          try requireUnify(x, y, node, a, sa, b, sb)
          try requireUnify(r, x, node, a, sa, b, sb)
        } else {
          undecided = true
        }
      }
      // A decided dimension stays decided (unifying twice is harmless), so the rule is kept
      // whole until both are.
      return !undecided
    case let .diag(v, n):
      if isOne(v.1) { return unify(n, v.0) || true }
      if isOne(v.0) { return unify(n, v.1) || true }
      guard byDefault else { return false }
      _ = unify(v.1, .number(1))
      _ = unify(n, v.0)
      return true
    }
  }

  mutating func requireUnify(
    _ x: Term, _ y: Term, _ node: Expression, _ a: Expression, _ sa: (Term, Term), _ b: Expression, _ sb: (Term, Term)
  ) throws(ShapeInferenceError) {
    guard unify(x, y) else { throw conflict(node, a, sa, b, sb, x, y) }
  }

  mutating func equate(
    _ r: (Term, Term), _ s: (Term, Term), _ node: Expression, _ a: Expression, _ sa: (Term, Term), _ b: Expression,
    _ sb: (Term, Term)
  ) throws(ShapeInferenceError) {
    try requireUnify(r.0, s.0, node, a, sa, b, sb)
    try requireUnify(r.1, s.1, node, a, sa, b, sb)
  }

  func ambiguity(_ node: Expression, _ a: Expression, _ sa: (Term, Term), _ b: Expression, _ sb: (Term, Term))
    -> ShapeInferenceError
  {
    if isScalar(sa) && isScalar(sb) {
      // The product must be 1×1 (a/(b*c), b*c inside tr or norm): a scalar times a scalar or a
      // row times a column.
      return ShapeInferenceError(
        "in \(node.plainText) the sizes are ambiguous: \(node.plainText) is 1×1, so either \(a.plainText) and "
          + "\(b.plainText) are both 1×1, or \(a.plainText) is a 1×k row and \(b.plainText) a k×1 column; give their sizes "
          + "with --dims, for example \(Self.suggestion(a))=1x1,\(Self.suggestion(b))=1x1")
    }
    let (scalar, other) = isScalar(sb) ? (b, a) : (a, b)
    let otherShape = isScalar(sb) ? sa : sb
    return ShapeInferenceError(
      "in \(node.plainText) the sizes are ambiguous: either \(other.plainText) is 1×1 and scales \(scalar.plainText), "
        + "or \(other.plainText) is \(text(otherShape)) and \(scalar.plainText) is 1×1; give the scalar's size with --dims, "
        + "for example \(Self.suggestion(other))=1x1")
  }

  static func suggestion(_ e: Expression) -> String {
    if case .variable(let name) = e { return name }
    return e.variables.first ?? "s"
  }

  /// Propagates the deferred rules and the postponed equations until neither moves.
  mutating func settle(_ whole: Expression) throws(ShapeInferenceError) {
    while true {
      let decided = try propagate()
      let retried = retryPostponed()
      if !retried.ok, let (x, y) = failedEquation {
        throw ShapeInferenceError("the sizes in \(whole.plainText) contradict each other: \(text(x)) ≠ \(text(y))")
      }
      if !decided && !retried.progress { return }
    }
  }

  /// Rules 1–3 with the textbook scalars (`SizeSolver+GreekScalars.swift`) before rule 2; when
  /// that reading fails, the expression is read as before the textbook scalars existed, so an
  /// expression inferred then is never refused now.
  mutating func solve(_ whole: Expression) throws(ShapeInferenceError) {
    let start = self
    do {
      try solve(whole, textbookScalars: true)
    } catch {
      self = start
      try solve(whole, textbookScalars: false)
    }
  }

  mutating func solve(_ whole: Expression, textbookScalars: Bool) throws(ShapeInferenceError) {
    try settle(whole)
    if textbookScalars {
      try applyTextbookScalars(whole)
      try applySquareLowercaseScalars(whole)
    }
    // Rule 2: lowercase names are column vectors unless their columns are fixed already.
    for name in order where known[name] == nil {
      guard let first = name.first, first.isLowercase, let s = variableShapes[name] else { continue }
      if case .unknown = resolve(s.1), resolve(s.1) != resolve(s.0) { _ = unify(s.1, .number(1)) }
    }
    // Rule 3: what is still open, innermost first.
    while true {
      try settle(whole)
      guard !deferred.isEmpty else { break }
      let d = deferred.removeFirst()
      _ = try decide(d, byDefault: true)
    }
    if let (x, y) = postponed.first {
      throw ShapeInferenceError(
        "the sizes in \(whole.plainText) cannot be inferred: \(text(x)) = \(text(y)) has more than one solution; give the shapes with --dims")
    }
  }

  /// Rule 2b: a lowercase name that rule 1 makes square and nothing else fixes (`x^2`,
  /// `exp(x)^2`, `tr(x)`) is 1×1. A lowercase name is a vector by rule 2, and a square vector is a
  /// number: `sqrt(x^2+exp(x^2))+cos(x^2+exp(x^2))` is the lecture notes' function of a number x
  /// (read by rules 1–3 alone, x would be n×n and F n×n). Names assumed square by the caller
  /// (`--assume s=spd`) are matrices the user declared and stay as they are.
  mutating func applySquareLowercaseScalars(_ whole: Expression) throws(ShapeInferenceError) {
    for name in order where known[name] == nil && !assumedSquare.contains(name) {
      guard let first = name.first, first.isLowercase, let s = variableShapes[name],
        case .unknown = resolve(s.0), resolve(s.0) == resolve(s.1)
      else { continue }
      _ = unify(s.0, .number(1))
      try settle(whole)
    }
  }

  /// A name for every open size, in order of first appearance in the variables' shapes: `n` when
  /// there is one, else `m, n, p, q, …`, avoiding `reserved` and the symbols given.
  func naming(reserved: Set<String>) -> [Int: String] {
    var open: [Int] = []
    func collect(_ t: Term) {
      switch resolve(t) {
      case .unknown(let k): if !open.contains(k) { open.append(k) }
      case .product(let a, let b), .sum(let a, let b):
        collect(a)
        collect(b)
      default: break
      }
    }
    for name in order {
      collect(variableShapes[name]!.0)
      collect(variableShapes[name]!.1)
    }
    var taken = reserved
    for k in known.values { taken.formUnion(k.rows.symbols.union(k.cols.symbols)) }
    let preferred = open.count == 1 ? ["n", "m"] : ["m", "n", "p", "q", "r", "k", "l", "s", "t", "d", "e", "h"]
    var pool = preferred.filter { !taken.contains($0) }
    var extra = 1
    var names: [Int: String] = [:]
    for k in open {
      if pool.isEmpty {
        while taken.contains("n\(extra)") { extra += 1 }
        pool.append("n\(extra)")
      }
      let name = pool.removeFirst()
      taken.insert(name)
      names[k] = name
    }
    return names
  }

  /// Names the open sizes and reads every variable's shape.
  func result(reserved: Set<String>) -> InferredShapes {
    let names = naming(reserved: reserved)
    func size(_ t: Term) -> SizeTerm {
      switch resolve(t) {
      case .number(let n): return .number(n)
      case .symbol(let s): return .symbol(s)
      case .unknown(let k): return .symbol(names[k]!)
      case .product(let a, let b): return .product(size(a), size(b))
      case .sum(let a, let b): return .sum(size(a), size(b))
      }
    }
    var shapes: [String: (rows: SizeTerm, cols: SizeTerm)] = [:]
    var symbols: [String] = []
    for name in order {
      let s = variableShapes[name]!
      shapes[name] = (size(s.0), size(s.1))
      for t in [shapes[name]!.rows, shapes[name]!.cols] {
        for sym in names.values.sorted() where t.symbols.contains(sym) && !symbols.contains(sym) { symbols.append(sym) }
      }
    }
    return InferredShapes(shapes: shapes, symbols: symbols, inferred: order.filter { known[$0] == nil }, order: order)
  }
}
