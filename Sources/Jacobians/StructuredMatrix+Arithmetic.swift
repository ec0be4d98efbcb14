import MatrixCore

// Sums of operators, and the public arithmetic over the product rules
// (`Operator+ProductRules.swift`, shared with the planner). A sum whose sizes agree never fails
// and never densifies a structured operand.

extension StructuredMatrix.Storage {
  // MARK: Sums

  /// `A + B`: sums flattened, zeros dropped, diagonals and identities merged into one diagonal,
  /// dense terms added into one dense matrix. - Precondition: equal sizes.
  static func add(_ l: Self, _ r: Self) -> Self {
    precondition(
      l.rows == r.rows && l.cols == r.cols,
      "cannot add operators \(l.rows)×\(l.cols) and \(r.rows)×\(r.cols): the sizes must be equal")
    var terms: [Self] = []
    var diagonal: [Double]? = nil
    var dense: Matrix? = nil
    for t in flattenSum(l) + flattenSum(r) {
      switch t {
      case .zero:
        continue
      case .identity(let n, let s):
        diagonal = (diagonal ?? [Double](repeating: 0, count: n)).map { $0 + s }
      case .diagonal(let d):
        diagonal = zip(diagonal ?? [Double](repeating: 0, count: d.count), d).map(+)
      case .dense(let m, _):
        if dense == nil { dense = m } else { dense!.addInPlace(m) }
      case .scaled(let s, .dense(let m, _)):
        if dense == nil { dense = m.scaled(by: s) } else { dense!.addInPlace(m, scaledBy: s) }
      default:
        terms.append(t)
      }
    }
    if let d = diagonal {
      if let first = d.first, d.allSatisfy({ $0 == first }) {
        terms.insert(first == 0 ? .zero(rows: d.count, cols: d.count) : .identity(n: d.count, scale: first), at: 0)
      } else {
        terms.insert(.diagonal(d), at: 0)
      }
    }
    if let m = dense { terms.insert(.dense(m, label: nil), at: 0) }
    terms.removeAll { if case .zero = $0 { return true } else { return false } }
    if terms.isEmpty { return .zero(rows: l.rows, cols: l.cols) }
    if terms.count == 1 { return terms[0] }
    return .sum(terms)
  }

  private static func flattenSum(_ a: Self) -> [Self] {
    if case .sum(let t) = a { return t }
    return [a]
  }
}

extension StructuredMatrix {
  /// `A·B`, keeping structure (see the rules in this file). - Precondition: inner sizes agree.
  public static func * (lhs: StructuredMatrix, rhs: StructuredMatrix) -> StructuredMatrix {
    StructuredMatrix(Storage.multiply(lhs.storage, rhs.storage).result)
  }

  /// `A + B`, keeping structure. - Precondition: equal sizes.
  public static func + (lhs: StructuredMatrix, rhs: StructuredMatrix) -> StructuredMatrix {
    StructuredMatrix(Storage.add(lhs.storage, rhs.storage))
  }

  public static func - (lhs: StructuredMatrix, rhs: StructuredMatrix) -> StructuredMatrix {
    lhs + (-1) * rhs
  }

  public static prefix func - (a: StructuredMatrix) -> StructuredMatrix { (-1) * a }

  /// `s·A`, hoisted: `s·(t·A) = (st)·A`, `s·I` stays an identity.
  public static func * (s: Double, a: StructuredMatrix) -> StructuredMatrix {
    StructuredMatrix(Storage.scale(s, a.storage).result)
  }

  /// `Aᵀ`, structurally.
  public var transposed: StructuredMatrix { StructuredMatrix(storage.transposed.result) }

  /// Checked product for sizes that come from input: throws a shape mismatch naming both sizes.
  public func multiplied(by other: StructuredMatrix) throws -> StructuredMatrix {
    guard cols == other.rows else {
      throw MatrixError.shapeMismatch(
        operation: "multiply", lhs: shape, rhs: other.shape, detail: "inner sizes \(cols) and \(other.rows) differ")
    }
    return self * other
  }

  /// Checked sum for sizes that come from input.
  public func adding(_ other: StructuredMatrix) throws -> StructuredMatrix {
    guard shape == other.shape else {
      throw MatrixError.shapeMismatch(
        operation: "add", lhs: shape, rhs: other.shape, detail: "the sizes must be equal")
    }
    return self + other
  }
}
