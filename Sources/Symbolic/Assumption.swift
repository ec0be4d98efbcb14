import Foundation
import MatrixCore

/// What a variable is assumed to be (`--assume A=symmetric,y=onehot`): random points are drawn to
/// satisfy it, given values are checked against it, and the simplifier may use it (`Aᵀ = A`).
///
/// A derivative is always the unconstrained one (every entry of X varies on its own); an
/// assumption only restricts the point at which it is evaluated, so a claim that holds "under
/// A symmetric" equals the unconstrained derivative at every symmetric A.
public enum Assumption: String, Sendable, CaseIterable, Hashable {
  /// A square matrix with `Aᵀ = A`.
  case symmetric
  /// A symmetric positive definite matrix.
  case spd
  /// A square matrix that is zero off its diagonal.
  case diagonal
  /// A square matrix with `QᵀQ = I`.
  case orthogonal
  /// A vector (n×1 or 1×n) with one entry 1 and the others 0.
  case onehot
  /// A vector with entries ≥ 0 that sum to 1.
  case probability
  /// A matrix with every entry > 0.
  case positive

  /// Whether the assumption makes `Aᵀ = A` (the simplifier's rule).
  public var impliesSymmetric: Bool { self == .symmetric || self == .spd || self == .diagonal }

  /// Whether the assumption makes the entries sum to 1 (the simplifier's rule `sum(p) = 1`).
  public var impliesUnitSum: Bool { self == .onehot || self == .probability }

  /// Words for reports: "A is symmetric", "y is one-hot".
  public var adjective: String {
    switch self {
    case .symmetric: return "symmetric"
    case .spd: return "symmetric positive definite"
    case .diagonal: return "diagonal"
    case .orthogonal: return "orthogonal"
    case .onehot: return "one-hot"
    case .probability: return "a probability vector"
    case .positive: return "positive"
    }
  }

  /// Why `shape` cannot carry the assumption, or nil when it can.
  public func shapeProblem(_ shape: Shape) -> String? {
    switch self {
    case .symmetric, .spd, .diagonal, .orthogonal:
      return shape.isSquare ? nil : "a \(rawValue) matrix is square, but it is \(shape)"
    case .onehot, .probability:
      return shape.rows == 1 || shape.cols == 1 ? nil : "a \(rawValue) value is a vector, but it is \(shape)"
    case .positive:
      return nil
    }
  }

  /// Why `value` violates the assumption (one clause naming the offending entry), or nil when it
  /// satisfies it up to a relative tolerance of 1e-8.
  public func violation(by value: Matrix) -> String? {
    if let problem = shapeProblem(value.shape) { return problem }
    let tolerance = 1e-8 * max(1, value.maxAbs)
    let n = value.rows
    switch self {
    case .symmetric, .spd:
      for j in 0..<n {
        for i in 0..<j where abs(value[i, j] - value[j, i]) > tolerance {
          return "it is not symmetric: [\(i),\(j)] is \(Assumption.number(value[i, j])) "
            + "but [\(j),\(i)] is \(Assumption.number(value[j, i]))"
        }
      }
      guard self == .spd else { return nil }
      guard let smallest = (try? value.symmetricEigen())?.values.first else {
        return "its eigenvalues cannot be computed"
      }
      return smallest > 0 ? nil : "it is not positive definite: its smallest eigenvalue is \(Assumption.number(smallest))"
    case .diagonal:
      for j in 0..<n {
        for i in 0..<n where i != j && abs(value[i, j]) > tolerance {
          return "it is not diagonal: [\(i),\(j)] is \(Assumption.number(value[i, j]))"
        }
      }
      return nil
    case .orthogonal:
      guard let gram = try? value.transposed.multiplied(by: value) else { return "QᵀQ cannot be computed" }
      let off = gram.maxAbsDifference(.identity(n))
      return off <= 1e-8 ? nil : "it is not orthogonal: QᵀQ differs from I by \(Assumption.number(off))"
    case .onehot:
      let ones = value.storage.filter { $0 == 1 }.count
      if let k = value.storage.firstIndex(where: { $0 != 0 && $0 != 1 }) {
        return "it is not one-hot: entry \(k) is \(Assumption.number(value.storage[k]))"
      }
      return ones == 1 ? nil : "it is not one-hot: it has \(ones) entries equal to 1"
    case .probability:
      if let k = value.storage.firstIndex(where: { $0 < 0 }) {
        return "it is not a probability vector: entry \(k) is \(Assumption.number(value.storage[k])) < 0"
      }
      let total = value.sum
      return abs(total - 1) <= 1e-8 ? nil : "it is not a probability vector: its entries sum to \(Assumption.number(total))"
    case .positive:
      if let k = value.storage.firstIndex(where: { !($0 > 0) }) {
        return "it is not positive: entry \(k) is \(Assumption.number(value.storage[k]))"
      }
      return nil
    }
  }

  /// A matrix of `shape` drawn to satisfy the assumption. `wellConditioned` asks for singular
  /// values away from 0 (the argument of `inv`, `det`, `logdet`); `positive` for entries > 0.
  public func draw(
    _ shape: Shape, constraint: RandomPoint.Constraint?, using g: inout SeededGenerator
  ) -> Matrix {
    let z = Matrix.randomNormal(shape.rows, shape.cols, using: &g)
    let n = shape.rows
    switch self {
    case .symmetric:
      let s = (z + z.transposed).scaled(by: 0.5)
      if constraint == .wellConditioned {
        return Matrix.identity(n).scaled(by: 2) + s.scaled(by: 0.5 / Double(n).squareRoot())
      }
      return constraint == .positive ? s.map { Swift.abs($0) + 0.5 } : s
    case .spd:
      // Z·Zᵀ/n + I: eigenvalues at least 1.
      let gram = (try? z.multiplied(by: z.transposed)) ?? .zeros(n, n)
      let s = gram.scaled(by: 1 / Double(max(n, 1))) + .identity(n)
      return (s + s.transposed).scaled(by: 0.5)
    case .diagonal:
      // Entries ±(|z| + 0.5): away from 0, so that the matrix is invertible.
      var d = Matrix.zeros(n, n)
      for i in 0..<n {
        let x = z[i, i]
        d[i, i] = constraint == .positive ? Swift.abs(x) + 0.5 : (x < 0 ? -1 : 1) * (Swift.abs(x) + 0.5)
      }
      return d
    case .orthogonal:
      // The eigenvectors of a random symmetric matrix.
      let s = (z + z.transposed).scaled(by: 0.5)
      return (try? s.symmetricEigen().vectors) ?? .identity(n)
    case .onehot:
      var v = Matrix.zeros(shape.rows, shape.cols)
      let k = Int(g.next() % UInt64(max(shape.count, 1)))
      if shape.count > 0 { v[linear: k] = 1 }
      return v
    case .probability:
      let e = z.map { Foundation.exp($0) }
      return e.scaled(by: 1 / e.sum)
    case .positive:
      return z.map { Swift.abs($0) + 0.5 }
    }
  }

  static func number(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e12 ? String(Int(x)) : String(format: "%.4g", x)
  }
}

/// The assumptions on a set of variables, as `--assume` gives them.
public struct Assumptions: Sendable, Equatable {
  public private(set) var byVariable: [String: Assumption]

  public init(_ byVariable: [String: Assumption] = [:]) { self.byVariable = byVariable }

  public var isEmpty: Bool { byVariable.isEmpty }
  public subscript(_ name: String) -> Assumption? { byVariable[name] }

  /// The assumptions with one more (or one replaced).
  public func adding(_ assumption: Assumption, for name: String) -> Assumptions {
    var copy = self
    copy.byVariable[name] = assumption
    return copy
  }

  /// "A symmetric, y one-hot", sorted by variable; "" when there are none.
  public var description: String {
    byVariable.keys.sorted().map { "\($0) \(byVariable[$0]!.adjective)" }.joined(separator: ", ")
  }

  /// "A=symmetric,y=onehot": the `--assume` text.
  public var argument: String {
    byVariable.keys.sorted().map { "\($0)=\(byVariable[$0]!.rawValue)" }.joined(separator: ",")
  }

  /// Reads `A=symmetric,S=spd,y=onehot`.
  /// - Throws: `AssumptionError` naming the item for an unknown assumption or a repeated variable.
  public init(parsing text: String) throws {
    var result: [String: Assumption] = [:]
    for item in text.split(separator: ",") {
      let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw AssumptionError("--assume expects NAME=ASSUMPTION pairs separated by commas, but got '\(item)'")
      }
      guard let a = Assumption(rawValue: parts[1].lowercased()) else {
        throw AssumptionError(
          "--assume \(parts[0])=\(parts[1]): unknown assumption '\(parts[1])' (known: "
            + Assumption.allCases.map(\.rawValue).joined(separator: ", ") + ")")
      }
      guard result[parts[0]] == nil else {
        throw AssumptionError("--assume names \(parts[0]) twice: give one assumption per variable")
      }
      result[parts[0]] = a
    }
    byVariable = result
  }

  /// Checks every assumption against the variables' shapes.
  /// - Throws: `AssumptionError` for a variable without a shape or a shape that cannot carry it.
  public func validate(shapes: [String: Shape]) throws {
    for name in byVariable.keys.sorted() {
      guard let s = shapes[name] else {
        throw AssumptionError("--assume \(name)=\(byVariable[name]!.rawValue) names no variable of the expression")
      }
      if let problem = byVariable[name]!.shapeProblem(s) {
        throw AssumptionError("--assume \(name)=\(byVariable[name]!.rawValue) does not fit \(name): \(problem)")
      }
    }
  }

  /// Checks given values against the assumptions.
  /// - Throws: `AssumptionError` naming the variable, the assumption and the offending entry.
  public func validate(values: [String: Matrix]) throws {
    for name in byVariable.keys.sorted() {
      guard let v = values[name], let a = byVariable[name] else { continue }
      if let problem = a.violation(by: v) {
        throw AssumptionError("the value of \(name) violates --assume \(name)=\(a.rawValue): \(problem)")
      }
    }
  }
}

/// A malformed, misplaced or violated assumption (bad input).
public struct AssumptionError: Error, Equatable, Sendable, CustomStringConvertible {
  public let description: String
  init(_ message: String) { description = message }
}
