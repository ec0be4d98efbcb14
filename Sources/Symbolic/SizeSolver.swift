/// The unification behind `Expression.inferShapes` (ShapeInference.swift): sizes as terms, the
/// equations read off the tree, and the rules that wait for more sizes (`Deferred`).
/// A size during inference: unknowns are numbered and bound by unification.
indirect enum Term: Hashable {
  case number(Int)
  case symbol(String)
  case unknown(Int)
  case product(Term, Term)
  case sum(Term, Term)
}

enum Deferred {
  /// `A*B`: either side 1×1 scales the other, else a matrix product.
  case product(node: Expression, a: Expression, b: Expression, sa: (Term, Term), sb: (Term, Term), result: (Term, Term))
  /// A broadcasting operation, one dimension at a time.
  case broadcast(node: Expression, a: Expression, b: Expression, sa: (Term, Term), sb: (Term, Term), result: (Term, Term))
  /// `diag(v)`: v a column or a row, n×n.
  case diag(v: (Term, Term), n: Term)
}

struct SizeSolver {
  var bindings: [Int: Term] = [:]
  var next = 0
  var variableShapes: [String: (Term, Term)] = [:]
  var order: [String] = []
  var deferred: [Deferred] = []
  /// Equations between products or sums of sizes that wait for more sizes to be known.
  var postponed: [(Term, Term)] = []
  var failedEquation: (Term, Term)? = nil
  /// Names used as vectors or matrices where a textbook scalar could not stand (transposed,
  /// reduced by `sum`, `norm`, …): `SizeSolver+GreekScalars.swift`.
  var vectorUses: Set<String> = []
  /// Variables standing right of a product, with the left operand's shape (`X*beta`).
  var rightFactors: [(name: String, left: (Term, Term))] = []
  let known: [String: (rows: SizeTerm, cols: SizeTerm)]
  /// Variables assumed square by the caller (`--assume s=spd`): matrices the user declared, so
  /// rule 2b leaves them alone.
  var assumedSquare: Set<String> = []

  init(known: [String: (rows: SizeTerm, cols: SizeTerm)]) { self.known = known }

  mutating func fresh() -> Term {
    next += 1
    return .unknown(next)
  }

  // MARK: Terms

  func resolve(_ t: Term) -> Term {
    switch t {
    case .unknown(let k):
      if let b = bindings[k] { return resolve(b) }
      return t
    case .product(let a, let b):
      let (x, y) = (resolve(a), resolve(b))
      if case .number(let p) = x, case .number(let q) = y { return .number(p * q) }
      if x == .number(1) { return y }
      if y == .number(1) { return x }
      return .product(x, y)
    case .sum(let a, let b):
      let (x, y) = (resolve(a), resolve(b))
      if case .number(let p) = x, case .number(let q) = y { return .number(p + q) }
      return .sum(x, y)
    default:
      return t
    }
  }

  func occurs(_ k: Int, in t: Term) -> Bool {
    switch resolve(t) {
    case .unknown(let j): return j == k
    case .product(let a, let b), .sum(let a, let b): return occurs(k, in: a) || occurs(k, in: b)
    default: return false
    }
  }

  /// Unifies two sizes; false when they contradict (or cannot be told equal).
  mutating func unify(_ a: Term, _ b: Term) -> Bool {
    let (x, y) = (resolve(a), resolve(b))
    if x == y { return true }
    // n = n·q: q = 1.
    for (u, t) in [(x, y), (y, x)] {
      if case .unknown = u, case .product(let p, let q) = t {
        if resolve(p) == u { return unify(q, .number(1)) }
        if resolve(q) == u { return unify(p, .number(1)) }
      }
    }
    if case .unknown(let k) = x {
      guard !occurs(k, in: y) else { return false }
      bindings[k] = y
      return true
    }
    if case .unknown(let k) = y {
      guard !occurs(k, in: x) else { return false }
      bindings[k] = x
      return true
    }
    switch (x, y) {
    case (.product(let p, let q), .number(let n)), (.number(let n), .product(let p, let q)):
      // p·q = N: both 1 when N = 1, else the unknown factor when the other is a number.
      if n == 1 { return unify(p, .number(1)) && unify(q, .number(1)) }
      if case .number(let k) = resolve(p) { return k > 0 && n % k == 0 && unify(q, .number(n / k)) }
      if case .number(let k) = resolve(q) { return k > 0 && n % k == 0 && unify(p, .number(n / k)) }
    case (.sum(let p, let q), .number(let n)), (.number(let n), .sum(let p, let q)):
      // p+q = N: the other part when one is a number; p = N/2 when both are the same size.
      if case .number(let k) = resolve(p) { return n - k > 0 && unify(q, .number(n - k)) }
      if case .number(let k) = resolve(q) { return n - k > 0 && unify(p, .number(n - k)) }
      if resolve(p) == resolve(q) { return n % 2 == 0 && unify(p, .number(n / 2)) }
    default:
      break
    }
    // Products and sums are not matched part by part (2·3 = 3·2 = 6·1): without an unknown the
    // two sides are compared as numbers at distinct primes; with one, the equation waits until
    // the other rules have fixed enough sizes (`postponed`).
    if !hasUnknown(x) && !hasUnknown(y) { return Self.generic(x) == Self.generic(y) }
    postponed.append((x, y))
    return true
  }

  func hasUnknown(_ t: Term) -> Bool {
    switch resolve(t) {
    case .unknown: return true
    case .product(let a, let b), .sum(let a, let b): return hasUnknown(a) || hasUnknown(b)
    default: return false
    }
  }

  /// A size without unknowns as a number, each symbol a distinct large prime (by its name), so
  /// that equal values mean equal polynomials in practice.
  static func generic(_ t: Term) -> Int {
    switch t {
    case .number(let n): return n
    case .symbol(let s): return 1_000_003 &+ s.unicodeScalars.reduce(0) { $0 &* 131 &+ Int($1.value) } % 1_000_003
    case .unknown(let k): return k
    case .product(let a, let b): return generic(a) &* generic(b)
    case .sum(let a, let b): return generic(a) &+ generic(b)
    }
  }

  /// Retries the postponed equations; false when one turns out to be a contradiction.
  mutating func retryPostponed() -> (ok: Bool, progress: Bool) {
    var progress = false
    var changed = true
    while changed {
      changed = false
      let pending = postponed
      postponed = []
      for (x, y) in pending {
        let before = postponed.count
        guard unify(x, y) else {
          failedEquation = (x, y)
          return (false, progress)
        }
        // Solved (not postponed again): the other rules may now decide more.
        if postponed.count == before {
          changed = true
          progress = true
        }
      }
    }
    return (true, progress)
  }

  func isOne(_ t: Term) -> Bool { resolve(t) == .number(1) }

  /// Known not to be 1: a number other than 1, a symbol (symbols are sizes other than 1), or a
  /// product or sum with such a part.
  func isNotOne(_ t: Term) -> Bool {
    switch resolve(t) {
    case .number(let n): return n != 1
    case .symbol: return true
    case .unknown: return false
    case .product(let a, let b): return isNotOne(a) || isNotOne(b)
    case .sum: return true
    }
  }

  func isScalar(_ s: (Term, Term)) -> Bool { isOne(s.0) && isOne(s.1) }
  func isNotScalar(_ s: (Term, Term)) -> Bool { isNotOne(s.0) || isNotOne(s.1) }

  // MARK: Printing during errors

  func text(_ t: Term) -> String {
    switch resolve(t) {
    case .number(let n): return String(n)
    case .symbol(let s): return s
    case .unknown(let k): return naming(reserved: Set(order))[k] ?? "?"
    case .product(let a, let b): return "\(text(a))·\(text(b))"
    case .sum(let a, let b): return "\(text(a))+\(text(b))"
    }
  }

  func text(_ s: (Term, Term)) -> String { "\(text(s.0))×\(text(s.1))" }

  func conflict(_ node: Expression, _ a: Expression, _ sa: (Term, Term), _ b: Expression, _ sb: (Term, Term), _ x: Term, _ y: Term)
    -> ShapeInferenceError
  {
    ShapeInferenceError(
      "in \(node.plainText), \(a.plainText) is \(text(sa)) and \(b.plainText) is \(text(sb)): \(text(x)) ≠ \(text(y))")
  }

  // MARK: Equations from the tree

  mutating func requireScalar(_ e: Expression, in node: Expression, role: String) throws(ShapeInferenceError) {
    let s = try shape(of: e)
    guard unify(s.0, .number(1)), unify(s.1, .number(1)) else {
      throw ShapeInferenceError("in \(node.plainText), the \(role) \(e.plainText) must be 1×1, but it is \(text(s))")
    }
  }

  mutating func requireSquare(_ e: Expression, in node: Expression) throws(ShapeInferenceError) -> (Term, Term) {
    let s = try shape(of: e)
    guard unify(s.0, s.1) else {
      throw ShapeInferenceError(
        "\(node.plainText) needs a square matrix, but \(e.plainText) is \(text(s))"
          + ShapeError.caretTHint(node.plainText, e.plainText))
    }
    return s
  }

  static func term(_ s: SizeTerm) -> Term {
    switch s {
    case .number(let n): return .number(n)
    case .symbol(let name): return .symbol(name)
    case .product(let a, let b): return .product(term(a), term(b))
    case .sum(let a, let b): return .sum(term(a), term(b))
    }
  }

  mutating func shape(of e: Expression) throws(ShapeInferenceError) -> (Term, Term) {
    switch e {
    case .variable(let name):
      if let s = variableShapes[name] { return s }
      order.append(name)
      let s: (Term, Term)
      if let k = known[name] { s = (Self.term(k.rows), Self.term(k.cols)) } else { s = (fresh(), fresh()) }
      variableShapes[name] = s
      return s
    case .constant: return (.number(1), .number(1))
    case .identity(let n): return (.number(n), .number(n))
    case .commutation(let m, let n): return (.number(m * n), .number(m * n))
    case .zeros(let m, let n), .ones(let m, let n): return (.number(m), .number(n))
    case .transpose(let a):
      if case .variable(let name) = a { vectorUses.insert(name) }
      let s = try shape(of: a)
      return (s.1, s.0)
    case .negate(let a), .elementwise(_, let a): return try shape(of: a)
    case .add(let a, let b), .subtract(let a, let b), .hadamard(let a, let b), .hadamardQuotient(let a, let b),
      .maximum(let a, let b), .minimum(let a, let b):
      let (sa, sb) = (try shape(of: a), try shape(of: b))
      let result = (fresh(), fresh())
      deferred.append(.broadcast(node: e, a: a, b: b, sa: sa, sb: sb, result: result))
      return result
    case .product(let a, let b):
      let (sa, sb) = (try shape(of: a), try shape(of: b))
      if case .variable(let name) = b { rightFactors.append((name, sa)) }
      let result = (fresh(), fresh())
      deferred.append(.product(node: e, a: a, b: b, sa: sa, sb: sb, result: result))
      return result
    case .divide(let a, let s):
      let sa = try shape(of: a)
      try requireScalar(s, in: e, role: "divisor")
      return sa
    case .power(let a, let k):
      try requireScalar(k, in: e, role: "exponent")
      return try requireSquare(a, in: e)
    case .elementwisePower(let a, let p):
      let sa = try shape(of: a)
      try requireScalar(p, in: e, role: "exponent")
      return sa
    case .inverse(let a): return try requireSquare(a, in: e)
    case .determinant(let a), .logDeterminant(let a), .trace(let a):
      _ = try requireSquare(a, in: e)
      return (.number(1), .number(1))
    case .sum(let a), .norm(let a), .logSumExp(let a), .norm1(let a):
      if case .variable(let name) = a { vectorUses.insert(name) }
      _ = try shape(of: a)
      return (.number(1), .number(1))
    case .kronecker(let a, let b):
      let (sa, sb) = (try shape(of: a), try shape(of: b))
      return (.product(sa.0, sb.0), .product(sa.1, sb.1))
    case .vec(let a):
      if case .variable(let name) = a { vectorUses.insert(name) }
      let s = try shape(of: a)
      return (.product(s.0, s.1), .number(1))
    case .diag(let v):
      if case .variable(let name) = v { vectorUses.insert(name) }
      let sv = try shape(of: v)
      let n = fresh()
      deferred.append(.diag(v: sv, n: n))
      return (n, n)
    case .diagonal(let a):
      let s = try requireSquare(a, in: e)
      return (s.0, .number(1))
    case .reshape(let a, let m, let n):
      let s = try shape(of: a)
      guard unify(.product(s.0, s.1), .number(m * n)) else {
        throw ShapeInferenceError(
          "cannot infer the size of \(a.plainText) in \(e.plainText) from its \(m * n) entries: give it with --dims")
      }
      return (.number(m), .number(n))
    case .softmax(let x):
      let s = try shape(of: x)
      guard unify(s.1, .number(1)) else {
        throw ShapeInferenceError("\(e.plainText) needs a column vector, but \(x.plainText) is \(text(s))")
      }
      return s
    case .concatenation(let blockRows):
      var rowsTotal: Term? = nil
      var colsTotal: Term? = nil
      var firstRow: (text: String, shape: (Term, Term))? = nil
      for row in blockRows {
        var first: (block: Expression, shape: (Term, Term))? = nil
        var cols: Term? = nil
        for block in row {
          let s = try shape(of: block)
          if let f = first {
            guard unify(f.shape.0, s.0) else {
        throw ShapeInferenceError(
                "in \(e.plainText), \(f.block.plainText) is \(text(f.shape)) and \(block.plainText) is \(text(s)): blocks side by side need equal rows"
              )
      }
          } else {
            first = (block, s)
          }
          cols = cols.map { .sum($0, s.1) } ?? s.1
        }
        guard let f = first, let c = cols else { throw ShapeInferenceError("\(e.plainText) has an empty row of blocks") }
        let rowText = "[" + row.map(\.plainText).joined(separator: ",") + "]"
        if let total = colsTotal, let fr = firstRow {
          guard unify(total, c) else {
        throw ShapeInferenceError(
              "in \(e.plainText), \(fr.text) is \(text(fr.shape)) and \(rowText) is \(text((f.shape.0, c))): rows of blocks need equal columns"
            )
      }
          rowsTotal = rowsTotal.map { .sum($0, f.shape.0) } ?? f.shape.0
        } else {
          colsTotal = c
          rowsTotal = f.shape.0
          firstRow = (rowText, (f.shape.0, c))
        }
      }
      guard let r = rowsTotal, let c = colsTotal else { throw ShapeInferenceError("\(e.plainText) has no blocks") }
      return (r, c)
    }
  }
}
