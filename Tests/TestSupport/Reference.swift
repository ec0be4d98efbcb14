// Naive references written by definition, independent of BLAS/LAPACK and of the library's own
// algorithms, shared by every test target.
import MatrixCore

public enum Reference {
  public static func product(_ a: Matrix, _ b: Matrix) -> Matrix {
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

  public static func transpose(_ a: Matrix) -> Matrix {
    var t = Matrix.zeros(a.cols, a.rows)
    for i in 0..<a.rows { for j in 0..<a.cols { t[j, i] = a[i, j] } }
    return t
  }

  /// (A⊗B)[i·p + r, j·q + s] = A[i,j]·B[r,s], by definition.
  public static func kron(_ a: Matrix, _ b: Matrix) -> Matrix {
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
  public static func vec(_ a: Matrix) -> [Double] {
    var v: [Double] = []
    for j in 0..<a.cols { for i in 0..<a.rows { v.append(a[i, j]) } }
    return v
  }

  /// Determinant by cofactor expansion along the first row (small n only).
  public static func det(_ a: Matrix) -> Double {
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
public let edgeShapes: [(Int, Int)] = [(1, 1), (1, 4), (4, 1), (3, 2), (2, 5), (5, 5), (7, 3)]

public func approx(_ a: Double, _ b: Double, _ tol: Double = 1e-10) -> Bool {
  abs(a - b) <= tol * max(1, abs(a), abs(b))
}

extension Reference {
  /// The commutation matrix by its definition: K(m,n)·vec(A) = vec(Aᵀ), i.e. row j + i·n has its
  /// 1 in column i + j·m.
  public static func commutation(_ m: Int, _ n: Int) -> Matrix {
    var k = Matrix.zeros(m * n, m * n)
    for i in 0..<m { for j in 0..<n { k[j + i * n, i + j * m] = 1 } }
    return k
  }

  public static func identity(_ n: Int) -> Matrix {
    var k = Matrix.zeros(n, n)
    for i in 0..<n { k[i, i] = 1 }
    return k
  }

  public static func sum(_ a: Matrix, _ b: Matrix) -> Matrix {
    var c = a
    for k in 0..<c.count { c[linear: k] += b.storage[k] }
    return c
  }

  /// Central differences with a fixed step h, written independently of the library:
  /// column i + j·a of the result is vec(F(X + h·Eᵢⱼ) − F(X − h·Eᵢⱼ))/2h.
  public static func finiteDifferenceJacobian(_ f: (Matrix) throws -> Matrix, at x: Matrix, h: Double = 1e-6) rethrows -> Matrix {
    let f0 = try f(x)
    var j = Matrix.zeros(f0.count, x.count)
    for c in 0..<x.count {
      var xp = x
      var xm = x
      xp[linear: c] += h
      xm[linear: c] -= h
      let fp = try f(xp)
      let fm = try f(xm)
      for r in 0..<f0.count { j[r, c] = (fp.storage[r] - fm.storage[r]) / (2 * h) }
    }
    return j
  }

  /// Largest |a − b| relative to the largest entry magnitude.
  public static func relativeError(_ a: Matrix, _ b: Matrix) -> Double {
    var err = 0.0
    var scale = 1e-300
    for k in 0..<a.count {
      err = max(err, abs(a.storage[k] - b.storage[k]))
      scale = max(scale, abs(a.storage[k]), abs(b.storage[k]))
    }
    return err / scale
  }
}
