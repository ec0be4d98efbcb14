import MatrixCore
import PropertyBased
import TestSupport
import Testing

@testable import Jacobians

// Every rule tested twice: its value against dense matrices built by definition, and the kind
// of structure that comes out.

private func rand(_ r: Int, _ c: Int, _ seed: UInt64) -> Matrix { .randomNormal(r, c, seed: seed) }

/// Dense reference of an operator built by definition from its structure, independently of the
/// library's `materialized()` (and of BLAS): every kind from its mathematical definition, entry
/// by entry — `diag(d)[i,i] = dᵢ`, `(s·Iₙ)[i,i] = s`, `(A⊗B)[i·p+r, j·q+s] = A[i,j]·B[r,s]`,
/// `K(m,n)[j+i·n, i+j·m] = 1`, sums entrywise, products as Σₖ A[i,k]·B[k,j] (`Reference`).
private func dense(_ a: StructuredMatrix) throws -> Matrix { byDefinition(a.storage) }

private func byDefinition(_ s: StructuredMatrix.Storage) -> Matrix {
  switch s {
  case .dense(let m, _):
    return m
  case .diagonal(let d):
    var r = Matrix.zeros(d.count, d.count)
    for i in 0..<d.count { r[i, i] = d[i] }
    return r
  case .identity(let n, let scale):
    var r = Matrix.zeros(n, n)
    for i in 0..<n { r[i, i] = scale }
    return r
  case .zero(let rows, let cols):
    return Matrix.zeros(rows, cols)
  case .kronecker(let a, let b):
    return Reference.kron(byDefinition(a), byDefinition(b))
  case .commutation(let k):
    return Reference.commutation(k.m, k.n)
  case .scaled(let c, let a):
    var r = byDefinition(a)
    for i in 0..<r.rows { for j in 0..<r.cols { r[i, j] = c * r[i, j] } }
    return r
  case .sum(let terms):
    return terms.dropFirst().reduce(byDefinition(terms[0])) { Reference.sum($0, byDefinition($1)) }
  case .product(let factors):
    return factors.dropFirst().reduce(byDefinition(factors[0])) { Reference.product($0, byDefinition($1)) }
  }
}

private func close(_ a: Matrix, _ b: Matrix, _ tol: Double = 1e-12) -> Bool {
  a.shape == b.shape && Reference.relativeError(a, b) <= tol
}

@Suite struct ConstructorTests {
  @Test func kindsMaterializeByDefinition() throws {
    let a = rand(2, 3, 1)
    let b = rand(4, 2, 2)
    #expect(close(try dense(.dense(a)), a))
    #expect(try dense(.diagonal([1, 2, 3])) == Matrix.diagonal([1, 2, 3]))
    #expect(try dense(.identity(3, scale: 2.5)) == Reference.identity(3).scaled(by: 2.5))
    #expect(try dense(.zero(2, 5)) == Matrix.zeros(2, 5))
    #expect(close(try dense(.kronecker(.dense(a), .dense(b))), Reference.kron(a, b)))
    #expect(try dense(.commutation(3, 4)) == Reference.commutation(3, 4))
    #expect(StructuredMatrix.commutation(1, 4).kind == .identity)
  }

  @Test func kroneckerSimplifications() throws {
    let a = rand(2, 3, 3)
    let b = rand(3, 2, 4)
    // I ⊗ I = I
    let ii = StructuredMatrix.kronecker(.identity(2), .identity(3))
    #expect(ii.kind == .identity && ii.rows == 6)
    // scalars hoisted out of both factors
    let k = StructuredMatrix.kronecker(3 * .dense(a), 2 * .dense(b))
    #expect(k.kind == .scaled)
    #expect(k.scaleAndBase.0 == 6)
    #expect(k.scaleAndBase.1.kind == .kronecker)
    #expect(close(try dense(k), Reference.kron(a, b).scaled(by: 6)))
    // zeros absorb
    #expect(StructuredMatrix.kronecker(.zero(2, 2), .dense(a)).kind == .zero)
    // a 1×1 dense factor is a scalar
    let s = StructuredMatrix.kronecker(.dense(Matrix(rows: 1, cols: 1, columnMajor: [4])), .dense(b))
    #expect(s.kind == .scaled)
    #expect(close(try dense(s), b.scaled(by: 4)))
    // scaled identity factor: 2I₂ ⊗ B = 2(I₂ ⊗ B)
    let si = StructuredMatrix.kronecker(.identity(2, scale: 2), .dense(b))
    #expect(si.kind == .scaled)
    #expect(close(try dense(si), Reference.kron(Reference.identity(2), b).scaled(by: 2)))
  }
}

@Suite struct ProductRuleTests {
  @Test func identityAndZero() throws {
    let a = StructuredMatrix.kronecker(.dense(rand(2, 2, 5)), .dense(rand(3, 3, 6)))
    #expect((StructuredMatrix.identity(6) * a).kind == .kronecker)
    #expect((a * .identity(6)).kind == .kronecker)
    #expect((StructuredMatrix.zero(4, 6) * a).kind == .zero)
    #expect((StructuredMatrix.zero(4, 6) * a).shape == Shape(4, 6))
    let scaled = StructuredMatrix.identity(6, scale: 3) * a
    #expect(scaled.kind == .scaled)
    #expect(close(try dense(scaled), try dense(a).scaled(by: 3)))
  }

  @Test func diagonalTimesDiagonal() throws {
    let p = StructuredMatrix.diagonal([1, 2, 3]) * .diagonal([4, 5, 6])
    #expect(p.kind == .diagonal)
    #expect(p.diagonalEntries == [4, 10, 18])
  }

  @Test func mixedProductRule() throws {
    let (a, b, c, d) = (rand(2, 3, 7), rand(4, 2, 8), rand(3, 5, 9), rand(2, 1, 10))
    let p = StructuredMatrix.kronecker(.dense(a), .dense(b)) * .kronecker(.dense(c), .dense(d))
    #expect(p.kind == .kronecker)
    let ref = Reference.product(Reference.kron(a, b), Reference.kron(c, d))
    #expect(close(try dense(p), ref, 1e-12))
    #expect(close(try dense(p), Reference.kron(Reference.product(a, c), Reference.product(b, d)), 1e-12))
  }

  @Test func mixedProductWithMismatchedFactorsFallsBackToLazy() throws {
    // (2×2 ⊗ 3×3)(3×3 ⊗ 2×2): outer sizes 6 agree, factor sizes do not. Kronecker.jl throws here.
    let (a, b, c, d) = (rand(2, 2, 11), rand(3, 3, 12), rand(3, 3, 13), rand(2, 2, 14))
    let p = StructuredMatrix.kronecker(.dense(a), .dense(b)) * .kronecker(.dense(c), .dense(d))
    #expect(p.kind == .product)
    #expect(close(try dense(p), Reference.product(Reference.kron(a, b), Reference.kron(c, d))))
  }

  @Test func commutationInverse() throws {
    let p = StructuredMatrix.commutation(4, 3) * .commutation(3, 4)
    #expect(p.kind == .identity)
    #expect(try dense(p) == Reference.identity(12))
    let q = StructuredMatrix.commutation(3, 4) * .commutation(3, 4)
    #expect(q.kind == .product)
    #expect(try dense(q) == Reference.product(Reference.commutation(3, 4), Reference.commutation(3, 4)))
  }

  @Test func commutationSwapsKroneckerFactors() throws {
    // K(p,m)(A⊗B)K(n,q) = B⊗A for A m×n, B p×q.
    let (m, n, p, q) = (2, 3, 4, 5)
    let a = rand(m, n, 15)
    let b = rand(p, q, 16)
    let lhs = StructuredMatrix.commutation(p, m) * .kronecker(.dense(a), .dense(b)) * .commutation(n, q)
    #expect(lhs.kind == .kronecker)
    let ref = Reference.product(
      Reference.product(Reference.commutation(p, m), Reference.kron(a, b)), Reference.commutation(n, q))
    #expect(close(ref, Reference.kron(b, a)))
    #expect(close(try dense(lhs), ref))
  }

  @Test func denseProductsStayDenseAndStructuredProductsStayLazy() throws {
    let a = rand(6, 6, 17)
    let k = StructuredMatrix.kronecker(.dense(rand(2, 2, 18)), .dense(rand(3, 3, 19)))
    let kd = try dense(k)
    let left = StructuredMatrix.dense(a) * k
    let right = k * .dense(a)
    #expect(left.kind == .dense && right.kind == .dense)
    #expect(close(try dense(left), Reference.product(a, kd)))
    #expect(close(try dense(right), Reference.product(kd, a)))
    let lazy = k * .commutation(2, 3)
    #expect(lazy.kind == .product)
    #expect(close(try dense(lazy), Reference.product(kd, Reference.commutation(2, 3))))
    // Scalars are hoisted out of products; products are flattened.
    let sp = (2 * k) * (3 * StructuredMatrix.commutation(2, 3)) * .diagonal([1, 2, 3, 4, 5, 6])
    #expect(sp.kind == .scaled)
    #expect(sp.scaleAndBase.0 == 6)
    #expect(sp.scaleAndBase.1.factors.count == 3)
    let ref = Reference.product(
      Reference.product(kd.scaled(by: 2), Reference.commutation(2, 3).scaled(by: 3)), Matrix.diagonal([1, 2, 3, 4, 5, 6]))
    #expect(close(try dense(sp), ref))
  }

  @Test func sums() throws {
    let d = StructuredMatrix.diagonal([1, 2, 3]) + .diagonal([1, 1, 1])
    #expect(d.kind == .diagonal && d.diagonalEntries == [2, 3, 4])
    let i = StructuredMatrix.identity(3) + .identity(3, scale: 2)
    #expect(i.kind == .identity && i.diagonalEntries == [3, 3, 3])
    #expect((StructuredMatrix.identity(3) - .identity(3)).kind == .zero)
    let k = StructuredMatrix.kronecker(.dense(rand(1, 2, 20)), .dense(rand(2, 2, 23)))
    let s = (k + .zero(2, 4)) + (StructuredMatrix.dense(rand(2, 4, 21)) + 2 * .dense(rand(2, 4, 22)))
    #expect(s.kind == .sum)
    #expect(s.terms.count == 2)  // the dense terms are added into one
    #expect(s.terms.map(\.kind) == [.dense, .kronecker])
    let ref = Reference.sum(
      Reference.sum(Reference.kron(rand(1, 2, 20), rand(2, 2, 23)), rand(2, 4, 21)), rand(2, 4, 22).scaled(by: 2))
    #expect(close(try dense(s), ref))
    // Flattening: (A + B) + (C + D) has four terms.
    let four =
      (StructuredMatrix.kronecker(.dense(rand(2, 2, 1)), .identity(2)) + .commutation(2, 2))
      + (StructuredMatrix.kronecker(.identity(2), .dense(rand(2, 2, 2))) + .kronecker(.dense(rand(2, 2, 3)), .dense(rand(2, 2, 4))))
    #expect(four.terms.count == 4)
  }

  @Test func transposeOfEveryKind() throws {
    let ops: [StructuredMatrix] = [
      .dense(rand(3, 4, 30)), .diagonal([1, 2]), .identity(3, scale: 2), .zero(2, 5),
      .kronecker(.dense(rand(2, 3, 31)), .dense(rand(1, 2, 32))), .commutation(2, 5),
      2 * StructuredMatrix.kronecker(.dense(rand(2, 3, 31)), .dense(rand(1, 2, 32))),
      .kronecker(.dense(rand(2, 2, 33)), .identity(2)) + .commutation(2, 2),
      .kronecker(.identity(3), .dense(rand(2, 2, 34))) * .commutation(2, 3),
    ]
    for a in ops {
      #expect(try dense(a.transposed) == Reference.transpose(try dense(a)), "transpose of \(a.kind)")
    }
    // (A⊗B)ᵀ = Aᵀ⊗Bᵀ stays a Kronecker product.
    #expect(ops[4].transposed.kind == .kronecker)
  }
}

@Suite struct PropertyTests {
  /// A random operator of a random kind of the given size.
  static func randomOperator(_ r: Int, _ c: Int, seed: UInt64, depth: Int = 2) -> StructuredMatrix {
    var g = SeededGenerator(seed: seed)
    let choice = Int(g.next() % 7)
    switch choice {
    case 0: return .dense(.randomNormal(r, c, using: &g))
    case 1 where r == c: return .diagonal(Matrix.randomNormal(r, 1, using: &g).storage)
    case 2 where r == c && r % 2 == 0 && depth > 0:
      return .kronecker(randomOperator(2, 2, seed: seed &+ 1, depth: depth - 1), randomOperator(r / 2, r / 2, seed: seed &+ 2, depth: depth - 1))
    case 3 where r == c && r == 6: return .commutation(2, 3)
    case 4 where depth > 0:
      return randomOperator(r, c, seed: seed &+ 3, depth: depth - 1) + randomOperator(r, c, seed: seed &+ 4, depth: depth - 1)
    case 5 where depth > 0:
      return randomOperator(r, 6, seed: seed &+ 5, depth: depth - 1) * randomOperator(6, c, seed: seed &+ 6, depth: depth - 1)
    case 6: return 1.5 * .dense(.randomNormal(r, c, using: &g))
    default: return .dense(.randomNormal(r, c, using: &g))
    }
  }

  @Test func applyTransposeAndEntriesAgreeWithTheMaterialisedMatrix() async throws {
    await seededPropertyCheck(count: 150, input: Gen.int(in: 0...100_000), Gen.int(in: 0...2)) { seed, shapeChoice in
      let (r, c) = [(6, 6), (4, 6), (6, 3)][shapeChoice]
      let a = PropertyTests.randomOperator(r, c, seed: UInt64(seed))
      let d = byDefinition(a.storage)
      // The library's own materialisation agrees with the definition.
      #expect(close((try? a.materialized()) ?? .zeros(0, 0), d, 1e-12))
      let x = Matrix.randomNormal(c, 3, seed: UInt64(seed + 1))
      let u = Matrix.randomNormal(r, 2, seed: UInt64(seed + 2))
      #expect(close(a.apply(x), Reference.product(d, x), 1e-12))
      #expect(close(a.applyTransposed(u), Reference.product(Reference.transpose(d), u), 1e-12))
      #expect(close((try? a.transposed.materialized()) ?? .zeros(0, 0), Reference.transpose(d), 1e-12))
      for rr in 0..<r {
        for cc in 0..<c { #expect(abs(((try? a.entry(rr, cc)) ?? .nan) - d[rr, cc]) <= 1e-12 * max(1, d.maxAbs)) }
      }
      #expect((try? a.row(r - 1)).map { Matrix(column: $0) }.map { close($0, Matrix(column: d.row(r - 1)), 1e-12) } == true)
      #expect((try? a.column(0)).map { close(Matrix(column: $0), Matrix(column: d.column(0)), 1e-12) } == true)
    }
  }

  @Test func productsAndSumsOfRandomOperatorsAgreeWithDenseAlgebra() async {
    await seededPropertyCheck(count: 100, input: Gen.int(in: 0...100_000)) { seed in
      let a = PropertyTests.randomOperator(6, 6, seed: UInt64(seed))
      let b = PropertyTests.randomOperator(6, 6, seed: UInt64(seed) &* 7 &+ 1)
      let (da, db) = (byDefinition(a.storage), byDefinition(b.storage))
      let (p, s) = (byDefinition((a * b).storage), byDefinition((a + b).storage))
      // The structure-preserving rules (a * b, a + b) against dense algebra on the definitions,
      // and the library's materialisation of the results against the same.
      #expect(close((try? (a * b).materialized()) ?? .zeros(0, 0), p, 1e-11))
      #expect(close((try? (a + b).materialized()) ?? .zeros(0, 0), s, 1e-12))
      #expect(close(p, Reference.product(da, db), 1e-11))
      #expect(close(s, Reference.sum(da, db), 1e-12))
    }
  }
}

@Suite struct EntriesAndLimitsTests {
  @Test func materialisationIsRefusedAboveTheLimit() throws {
    let big = StructuredMatrix.kronecker(.identity(100_000), .identity(100_000, scale: 1) + .diagonal([Double](repeating: 1, count: 100_000)))
    let e = try #require(throws: JacobianError.self) { try big.materialized() }
    #expect("\(e)".contains("10000000000×10000000000"))
    #expect("\(e)".contains("use the matrix-free operations"))
    #expect(throws: JacobianError.self) { try StructuredMatrix.identity(100).materialized(limitBytes: 1000) }
    #expect(try StructuredMatrix.identity(10).materialized(limitBytes: 800) == Reference.identity(10))
    // Entries of a huge operator need no materialisation.
    #expect(try big.entry(123_456, 123_456) == 2)
    #expect(try big.entry(0, 1) == 0)
    #expect(throws: JacobianError.self) { try big.entry(-1, 0) }
  }

  @Test func descriptionNamesStructureAndShapes() {
    let x = Matrix.randomNormal(3, 2, seed: 1)
    let j = Jacobian.gram(x)
    #expect(j.structure.text == "(I₂ ⊗ Xᵀ) + (Xᵀ ⊗ I₂)·K(3,2)")
    #expect(j.structure.latex == "\\left(I_{2} \\otimes X^{\\top}\\right) + \\left(X^{\\top} \\otimes I_{2}\\right) K_{3,2}")
    let unlabeled = StructuredMatrix.kronecker(.identity(2), .dense(x)) + .kronecker(.dense(x), .identity(2))
    #expect(unlabeled.structure.text == "(I₂ ⊗ M₁) + (M₂ ⊗ I₂)")
    #expect(unlabeled.structure.legend == ["M₁: 3×2 dense", "M₂: 3×2 dense"])
    // A label that is an operation is parenthesized as an operand (not `I₂ ⊗ u ⊙ (1 − t)`),
    // a name or a parenthesized form is not.
    let g = Matrix.randomNormal(3, 1, seed: 2)
    let hadamard = StructuredMatrix.dense(g, label: "u ⊙ (1 − t)", latex: "u \\odot (1 - t)")
    #expect(StructuredMatrix.kronecker(.identity(2), hadamard).structure.text == "I₂ ⊗ (u ⊙ (1 − t))")
    #expect(StructuredMatrix.kronecker(.identity(2), .dense(g, label: "(u − v)ᵀ")).structure.text == "I₂ ⊗ (u − v)ᵀ")
    #expect(StructuredMatrix.kronecker(.identity(2), hadamard).structure.latex == "I_{2} \\otimes \\left(u \\odot (1 - t)\\right)")
  }
}
