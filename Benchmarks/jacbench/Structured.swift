import Jacobians
import MatrixCore

/// Two plain n×n GEMMs, the in-process reference for the vec-trick cases.
private func twoGemms(_ a: Matrix, _ b: Matrix) -> Double {
  medianSeconds {
    let c = a * b
    let d = b * a
    precondition(c.storage[0].isFinite && d.storage[0].isFinite)
  }
}

/// `kron-apply`: (A⊗B)·v for A, B n×n (v of length n²) by the vec trick, beside two GEMMs.
let kronApplyCase = BenchmarkCase(name: "kron-apply") {
  for n in [256, 512, 1024, 2048] {
    let a = Matrix.randomNormal(n, n, seed: 1)
    let b = Matrix.randomNormal(n, n, seed: 2)
    let op = StructuredMatrix.kronecker(.dense(a), .dense(b))
    let v = Matrix.randomNormal(n * n, 1, seed: 3)
    let t = medianSeconds { precondition(op.apply(v).storage[0].isFinite) }
    let ref = twoGemms(a, b)
    emit([
      "case": "kron-apply", "n": n, "seconds": t, "reference": "two n×n GEMMs", "referenceSeconds": ref,
      "ratio": t / ref,
    ])
  }
}

/// `rtr-jvp`: J·vec(V) for J = ∂(RᵀR)/∂R = (Iₙ⊗Rᵀ) + (Rᵀ⊗Iₙ)K(n,n), R n×n, beside two GEMMs.
let rtrJvpCase = BenchmarkCase(name: "rtr-jvp") {
  for n in [256, 512, 1024] {
    let r = Matrix.randomNormal(n, n, seed: 4)
    let j = Jacobian.gram(r)
    let v = Matrix.randomNormal(n * n, 1, seed: 5)
    let t = medianSeconds { precondition(j.matrix.apply(v).storage[0].isFinite) }
    let ref = twoGemms(r, Matrix(rows: n, cols: n, columnMajor: v.storage))
    emit([
      "case": "rtr-jvp", "n": n, "seconds": t, "reference": "two n×n GEMMs", "referenceSeconds": ref,
      "ratio": t / ref,
    ])
  }
}

/// `commutation-apply`: K(n,n)·vec(A) for A n×n as a permutation, beside a plain copy of the data.
let commutationApplyCase = BenchmarkCase(name: "commutation-apply") {
  for n in [1024, 4096] {
    let k = StructuredMatrix.commutation(n, n)
    let v = Matrix.randomNormal(n * n, 1, seed: 6)
    let t = medianSeconds { precondition(k.apply(v).storage[1].isFinite) }
    let ref = medianSeconds {
      var copy = v.storage
      copy[0] += 1  // forces the copy
      precondition(copy[1].isFinite)
    }
    emit([
      "case": "commutation-apply", "n": n, "seconds": t, "reference": "copy of n² doubles",
      "referenceSeconds": ref, "ratio": t / ref,
    ])
  }
}
