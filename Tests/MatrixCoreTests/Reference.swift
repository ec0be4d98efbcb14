// Naive references written by definition, independent of BLAS/LAPACK, for the tests.
@testable import MatrixCore

enum Reference {
  static func product(_ a: Matrix, _ b: Matrix) -> Matrix {
    var c = Matrix.zeros(a.rows, b.cols)
    for i in 0..<a.rows {
      for j in 0..<b.cols {
        var s = 0.0
        for k in 0..<a.cols { s += a[i, k] * b[k, j] }
        c[i, j] = s
      }
    }
    return c
  }

  static func transpose(_ a: Matrix) -> Matrix {
    var t = Matrix.zeros(a.cols, a.rows)
    for i in 0..<a.rows { for j in 0..<a.cols { t[j, i] = a[i, j] } }
    return t
  }

  /// (A⊗B)[i·p + r, j·q + s] = A[i,j]·B[r,s], by definition.
  static func kron(_ a: Matrix, _ b: Matrix) -> Matrix {
    let (p, q) = (b.rows, b.cols)
    var k = Matrix.zeros(a.rows * p, a.cols * q)
    for i in 0..<a.rows {
      for j in 0..<a.cols {
        for r in 0..<p { for s in 0..<q { k[i * p + r, j * q + s] = a[i, j] * b[r, s] } }
      }
    }
    return k
  }

  /// vec stacks columns.
  static func vec(_ a: Matrix) -> [Double] {
    var v: [Double] = []
    for j in 0..<a.cols { for i in 0..<a.rows { v.append(a[i, j]) } }
    return v
  }

  /// Determinant by cofactor expansion along the first row (small n only).
  static func det(_ a: Matrix) -> Double {
    let n = a.rows
    if n == 0 { return 1 }
    if n == 1 { return a[0, 0] }
    var d = 0.0
    for j in 0..<n {
      var minor = Matrix.zeros(n - 1, n - 1)
      for i in 1..<n {
        var cc = 0
        for k in 0..<n where k != j {
          minor[i - 1, cc] = a[i, k]
          cc += 1
        }
      }
      d += (j % 2 == 0 ? 1 : -1) * a[0, j] * det(minor)
    }
    return d
  }
}

/// Random shapes that include the edge cases 1×1, 1×n, n×1 and non-square.
let edgeShapes: [(Int, Int)] = [(1, 1), (1, 4), (4, 1), (3, 2), (2, 5), (5, 5), (7, 3)]

func approx(_ a: Double, _ b: Double, _ tol: Double = 1e-10) -> Bool {
  abs(a - b) <= tol * max(1, abs(a), abs(b))
}
