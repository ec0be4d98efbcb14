import Foundation
import Jacobians
import MatrixCore
import Testing
import TestSupport

@testable import Symbolic

/// The functions added to the language (docs/language.md): `tan`, `arcsin`/`asin`,
/// `arccos`/`acos`, `arctan`/`atan`, `max`, `min`, `norm1` and block concatenation, against
/// closed forms written here and dense matrices built by definition.
@Suite struct FunctionExtensionTests {
  static let point = Matrix(column: [-0.7, 0.1, 0.55])

  /// Values and the diagonal of the Jacobian against the textbook derivatives.
  /// f and f′ by identities written here (not the libm calls the evaluator uses).
  static func reference(_ name: String) -> ((Double) -> Double, (Double) -> Double) {
    let arcsin = { (x: Double) in Foundation.atan2(x, (1 - x * x).squareRoot()) }
    switch name {
    case "tan": return ({ Foundation.sin($0) / Foundation.cos($0) }, { 1 / (Foundation.cos($0) * Foundation.cos($0)) })
    case "arcsin", "asin": return (arcsin, { 1 / (1 - $0 * $0).squareRoot() })
    case "arccos", "acos": return ({ Double.pi / 2 - arcsin($0) }, { -1 / (1 - $0 * $0).squareRoot() })
    default: return ({ Foundation.atan2($0, 1) }, { 1 / (1 + $0 * $0) })
    }
  }

  @Test(arguments: ["tan", "arcsin", "asin", "arccos", "acos", "arctan", "atan"])
  func elementwiseFunctions(_ name: String) throws {
    let (f, df) = Self.reference(name)
    let e = try Expression("\(name)(x)")
    let values = ["x": Self.point]
    let v = try e.evaluate(values)
    let d = try SymbolicDerivative(of: e, wrt: "x", dims: ["x": Shape(3, 1)])
    let j = try d.jacobian(at: values)
    #expect(j.matrix.kind == .diagonal, "\(j.matrix)")
    let dense = try j.materialized()
    for k in 0..<3 {
      let x = Self.point.storage[k]
      #expect(abs(v.storage[k] - f(x)) <= 1e-14, "\(name)(\(x))")
      for l in 0..<3 {
        let expected = k == l ? df(x) : 0
        #expect(abs(dense[k, l] - expected) <= 1e-13 * max(1, abs(expected)), "\(name)′(\(x))")
      }
    }
    // The alias prints as the canonical name and parses back to the same tree.
    #expect(try Expression(e.plainText) == e)
  }

  @Test func arcsinOutsideItsDomainNamesTheEntry() throws {
    do {
      _ = try Expression("arcsin(x)").evaluate(["x": Matrix(column: [0.5, 2])])
      Issue.record("arcsin(2) evaluated")
    } catch {
      #expect("\(error)".contains("arcsin(x) is undefined at entry [1,0]"), "\(error)")
    }
  }

  /// max/min: values entrywise, with a 1×1 side broadcast; the Jacobian is the indicator,
  /// built here by definition, and at a tie the first operand takes the derivative.
  @Test func maxAndMinIndicators() throws {
    let a = Matrix(column: [1, -2, 3, 0.5])
    let b = Matrix(column: [2, -2, -1, 0.5])  // ties at entries 1 and 3
    let values = ["a": a, "b": b, "s": Matrix(rows: 1, cols: 1, columnMajor: [0.7])]
    let dims = values.mapValues(\.shape)
    for (text, isMax) in [("max(a,b)", true), ("min(a,b)", false)] {
      let e = try Expression(text)
      let v = try e.evaluate(values)
      for k in 0..<4 {
        #expect(v.storage[k] == (isMax ? Swift.max(a.storage[k], b.storage[k]) : Swift.min(a.storage[k], b.storage[k])))
      }
      let ja = try SymbolicDerivative(of: e, wrt: "a", dims: dims).jacobian(at: values).materialized()
      let jb = try SymbolicDerivative(of: e, wrt: "b", dims: dims).jacobian(at: values).materialized()
      for k in 0..<4 {
        let takesA = isMax ? a.storage[k] >= b.storage[k] : a.storage[k] <= b.storage[k]
        for l in 0..<4 {
          #expect(ja[k, l] == (k == l && takesA ? 1 : 0), "\(text) ∂/∂a[\(k),\(l)]")
          #expect(jb[k, l] == (k == l && !takesA ? 1 : 0), "\(text) ∂/∂b[\(k),\(l)]")
        }
      }
    }
    // A 1×1 side: max(a, s) with s broadcast; ∂/∂s is the column of entries where s wins.
    let js = try SymbolicDerivative(of: Expression("max(a,s)"), wrt: "s", dims: dims).jacobian(at: values).materialized()
    #expect(js.storage == [0, 1, 0, 1])
    // The lecture notes' gate: f = 2(xy + max(z,w)) at z = w routes 2 to z only.
    let gate = try Expression("2*(x*y + max(z,w))")
    let scalars = ["x": 3.0, "y": -4, "z": 2, "w": 2].mapValues { Matrix(rows: 1, cols: 1, columnMajor: [$0]) }
    let gz = try SymbolicDerivative(of: gate, wrt: "z", dims: scalars.mapValues(\.shape)).gradient(at: scalars)
    let gw = try SymbolicDerivative(of: gate, wrt: "w", dims: scalars.mapValues(\.shape)).gradient(at: scalars)
    #expect(gz.storage == [2] && gw.storage == [0])
  }

  /// norm1 = Σ|aᵢⱼ|; gradient sign(A), checked against the closed form.
  @Test func norm1ValueAndGradient() throws {
    let A = try Matrix([[1, -2], [0.5, -0.25]])
    let d = try SymbolicDerivative(of: Expression("norm1(A)"), wrt: "A", dims: ["A": A.shape])
    #expect(try Expression("norm1(A)").evaluate(["A": A]).storage == [3.75])
    #expect(try d.gradient(at: ["A": A]) == Matrix([[1, -1], [1, -1]]))
  }

  /// `[A, B; C, D]`: values by definition, and the Jacobian with respect to each block is its
  /// placement, J[p + q·m, i + j·rb] = [p = r0 + i and q = c0 + j], kept structured.
  @Test func concatenationValuesAndPlacements() throws {
    var random = SeededGenerator(seed: 31)
    let shapes = ["A": Shape(2, 3), "B": Shape(2, 1), "C": Shape(1, 2), "D": Shape(1, 2)]
    let values = shapes.mapValues { Matrix.randomNormal($0.rows, $0.cols, using: &random) }
    let e = try Expression("[A, B; C, D]")
    #expect(try e.shape(in: shapes) == Shape(3, 4))
    let v = try e.evaluate(values)
    let offsets = ["A": (0, 0), "B": (0, 3), "C": (2, 0), "D": (2, 2)]
    for (name, (r0, c0)) in offsets {
      let block = values[name]!
      for i in 0..<block.rows { for j in 0..<block.cols { #expect(v[r0 + i, c0 + j] == block[i, j]) } }
      let d = try SymbolicDerivative(of: e, wrt: name, dims: shapes)
      let jac = try d.jacobian(at: values)
      #expect(jac.matrix.kind != .dense, "\(name): \(jac.matrix)")
      let dense = try jac.materialized()
      let (rb, cb) = (block.rows, block.cols)
      for q in 0..<4 {
        for p in 0..<3 {
          for j in 0..<cb {
            for i in 0..<rb {
              #expect(dense[p + q * 3, i + j * rb] == (p == r0 + i && q == c0 + j ? 1 : 0), "\(name)")
            }
          }
        }
      }
    }
  }

  /// `[x; 1]`: the bias trick. ∂/∂x is [Iₙ; 0] and the gradient of w'*[x; 1] is w without its
  /// last entry.
  @Test func augmentedInput() throws {
    let dims = ["x": Shape(2, 1), "w": Shape(3, 1)]
    let d = try SymbolicDerivative(of: Expression("[x; 1]"), wrt: "x", dims: dims)
    #expect(d.jacobian.unicodeText == "[I₂; zeros(1,2)]", "\(d.jacobian.unicodeText)")
    let values = ["x": Matrix(column: [-1, -2]), "w": Matrix(column: [2, -3, -3])]
    let g = try SymbolicDerivative(of: Expression("w'*[x; 1]"), wrt: "x", dims: dims).gradient(at: values)
    #expect(g.storage == [2, -3])
    let gw = try SymbolicDerivative(of: Expression("w'*[x; 1]"), wrt: "w", dims: dims).gradient(at: values)
    #expect(gw.storage == [-1, -2, 1])
  }

  @Test(arguments: [
    ("[A, B]", "in [A,B], A is 2×3 and B is 1×2: blocks side by side need equal row counts"),
    ("[A; B]", "in [A;B], [A] is 2×3 and [B] is 1×2: rows of blocks need equal column counts"),
    ("max(A,B)", "in max(A,B), A is 2×3 and B is 1×2: an entrywise maximum needs"),
  ])
  func blocksThatDoNotFit(_ text: String, _ message: String) throws {
    do {
      _ = try Expression(text).shape(in: ["A": Shape(2, 3), "B": Shape(1, 2)])
      Issue.record("\(text) was accepted")
    } catch {
      #expect("\(error)".contains(message), "\(error)")
    }
  }

  @Test(arguments: [
    ("[x y]", "separate the blocks"), ("[x 1]", "expected ',' ';' or ']'"), ("[]", "the block matrix is empty"),
    ("[x; 1", "missing ']'"), ("x]", "it closes no '['"), ("x; y", "semicolons only separate"),
  ])
  func malformedBlocks(_ text: String, _ hint: String) {
    do {
      _ = try Expression(text)
      Issue.record("\(text) parsed")
    } catch {
      #expect(error.rendered().contains(hint), "\(error.rendered())")
    }
  }
}
