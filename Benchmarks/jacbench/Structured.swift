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

/// `materialize`: the dense ∂vec(RᵀR)/∂(vec R)ᵀ = (Iₙ⊗Rᵀ) + (Rᵀ⊗Iₙ)K(n,n), n²×n² (2304² entries at
/// n = 48, 4096² at n = 64), built in memory from its structure, beside the memory-bandwidth
/// reference: writing as many doubles into a new buffer (the least any dense result costs).
/// The peer script Benchmarks/peers/materialize.py times jax.jacfwd/jax.jacrev on the same sizes.
let materializeCase = BenchmarkCase(name: "materialize") {
  for n in [48, 64] {
    let r = Matrix.randomNormal(n, n, seed: 7)
    let j = Jacobian.gram(r)
    let count = n * n * n * n
    let t = medianSeconds(repeats: 11) {
      let m = try! j.materialized()
      precondition(m.rows == n * n && m.storage[count - 1].isFinite)
    }
    let ref = medianSeconds(repeats: 11) {
      let a = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
        for k in 0..<count { buffer[k] = 1 }
        initialized = count
      }
      precondition(a[count - 1] == 1)
    }
    emit([
      "case": "materialize", "n": n, "entries": count, "seconds": t, "reference": "writing n⁴ doubles",
      "referenceSeconds": ref, "ratio": t / ref,
    ])
  }
}
