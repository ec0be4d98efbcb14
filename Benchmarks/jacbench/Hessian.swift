import Jacobians
import MatrixCore
import Symbolic

/// `hvp`: H[V] for F = tr(XᵀAX) and F = logdet(X), X n×n, through `SymbolicHessian`
/// (the structured Hessian applied to vec V, never materialised), beside the GEMM/solve count
/// H[V] needs written by hand, measured in the same run:
/// - tr(XᵀAX): H[V] = (A + Aᵀ)V, one addition and one GEMM;
/// - logdet(X): H[V] = −X⁻ᵀVᵀX⁻ᵀ, one inverse and two GEMMs.
/// "seconds" includes evaluating H at the point (and F, whose domain a derivative needs);
/// "applySeconds" is the product alone with H prepared once (as Newton-CG reuses it), against
/// the GEMMs alone.
let hvpCase = BenchmarkCase(name: "hvp") {
  for n in [256, 1024] {
    let x = Matrix.randomNormal(n, n, seed: 21)
    let a = Matrix.randomNormal(n, n, seed: 22)
    let v = Matrix.randomNormal(n, n, seed: 23)
    let shape = Shape(n, n)
    // tr(X'*A*X)
    do {
      guard
        let h = try? SymbolicHessian(of: Expression("tr(X'*A*X)"), wrt: "X", dims: ["X": shape, "A": shape]),
        let op = try? h.hessian(at: ["X": x, "A": a]).matrix
      else { fatalError("hvp: the Hessian of tr(X'*A*X) failed") }
      let values = ["X": x, "A": a]
      let t = medianSeconds { precondition((try? h.hessianVectorProduct(at: values, direction: v))?.storage[0].isFinite == true) }
      let ref = medianSeconds {
        let m = a + a.transposed
        precondition((m * v).storage[0].isFinite)
      }
      let m = a + a.transposed
      let vv = v.vec
      let tApply = medianSeconds { precondition(op.apply(vv).storage[0].isFinite) }
      let refApply = medianSeconds { precondition((m * v).storage[0].isFinite) }
      emit([
        "case": "hvp", "expression": "tr(X'*A*X)", "n": n, "seconds": t, "reference": "(A+Aᵀ)·V: one add, one GEMM",
        "referenceSeconds": ref, "ratio": t / ref, "applySeconds": tApply, "applyReferenceSeconds": refApply,
        "applyRatio": tApply / refApply,
      ])
    }
    // logdet(X), X well conditioned
    do {
      var y = x
      for i in 0..<n { y[i, i] += Double(n).squareRoot() * 2 }
      let values = ["X": y]
      guard
        let h = try? SymbolicHessian(of: Expression("logdet(X)"), wrt: "X", dims: ["X": shape]),
        let op = try? h.hessian(at: values).matrix, let yi = try? y.inverse()
      else { fatalError("hvp: the Hessian of logdet(X) failed") }
      let t = medianSeconds { precondition((try? h.hessianVectorProduct(at: values, direction: v))?.storage[0].isFinite == true) }
      let ref = medianSeconds {
        guard let inv = try? y.inverse() else { fatalError("singular") }
        let it = inv.transposed
        precondition((it * v.transposed * it).scaled(by: -1).storage[0].isFinite)
      }
      let vv = v.vec
      let yit = yi.transposed
      let tApply = medianSeconds { precondition(op.apply(vv).storage[0].isFinite) }
      let refApply = medianSeconds { precondition((yit * v.transposed * yit).scaled(by: -1).storage[0].isFinite) }
      emit([
        "case": "hvp", "expression": "logdet(X)", "n": n, "seconds": t,
        "reference": "−X⁻ᵀVᵀX⁻ᵀ: one inverse, two GEMMs", "referenceSeconds": ref, "ratio": t / ref,
        "applySeconds": tApply, "applyReferenceSeconds": refApply, "applyRatio": tApply / refApply,
      ])
    }
  }
}
