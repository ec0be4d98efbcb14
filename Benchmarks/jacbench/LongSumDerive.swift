import MatrixCore
import Symbolic

/// Long sums of n terms over x (8×1), written as they are typed, left to right:
/// - `quadratic`: `x'*A1*x + x'*A2*x + … + x'*An*x` (Ai 8×8; every term of the derivative shares
///   the factor xᵀ, so the simplifier takes it out: `xᵀ(A1 + … + An + A1ᵀ + … + Anᵀ)`);
/// - `exponential`: `sum(exp(a1'*x)) + … + sum(exp(an'*x))` (ai 8×1; nothing common);
/// - `mixed`: `norm(A1*x-b1)^2 - sum(exp(a2'*x)) + x'*A3*x - …`, the three kinds in turn with
///   alternating signs.
func longSumExpression(_ kind: String, terms n: Int) -> (expression: Expression, dims: [String: Shape]) {
  let x = Expression.variable("x")
  var dims: [String: Shape] = ["x": Shape(8, 1)]
  func term(_ i: Int, _ kind: String) -> Expression {
    let (A, a, b) = (Expression.variable("A\(i)"), Expression.variable("a\(i)"), Expression.variable("b\(i)"))
    switch kind {
    case "quadratic":
      dims["A\(i)"] = Shape(8, 8)
      return .product(.product(.transpose(x), A), x)
    case "exponential":
      dims["a\(i)"] = Shape(8, 1)
      return .sum(.elementwise(.exp, .product(.transpose(a), x)))
    default:
      dims["A\(i)"] = Shape(8, 8)
      dims["b\(i)"] = Shape(8, 1)
      return .power(.norm(.subtract(.product(A, x), b)), .constant(2))
    }
  }
  let kinds = ["leastSquares", "exponential", "quadratic"]
  var e = term(1, kind == "mixed" ? kinds[0] : kind)
  for i in 2...n {
    let t = term(i, kind == "mixed" ? kinds[(i - 1) % 3] : kind)
    e = kind == "mixed" && i % 2 == 0 ? .subtract(e, t) : .add(e, t)
  }
  return (e, dims)
}

/// `long-sum-derive`: the sums of `longSumExpression` differentiated with respect to x
/// (`SymbolicDerivative`: the simplified Jacobian and gradient) for n = 100, 200, 400 and 800
/// terms. Lines give the median wall seconds, the thread's CPU seconds and the characters of
/// the Jacobian and gradient printed inline; a summary line per step gives the CPU ratio and
/// the growth exponent log(time ratio)/log(terms ratio) (1 for linear growth, 2 for quadratic).
let longSumDeriveCase = BenchmarkCase(name: "long-sum-derive") {
  for kind in ["quadratic", "exponential", "mixed"] {
    var results: [(terms: Int, cpu: Double)] = []
    for n in [100, 200, 400, 800] {
      let (e, dims) = longSumExpression(kind, terms: n)
      var derivative: SymbolicDerivative?
      var cpu: [Double] = []
      let t = medianSeconds(warmup: 1, repeats: 5, maxTotal: 10) {
        let c0 = threadCPUSeconds()
        do {
          derivative = try SymbolicDerivative(of: e, wrt: "x", dims: dims)
        } catch {
          fatalError("jacbench long-sum-derive: \(error)")
        }
        cpu.append(threadCPUSeconds() - c0)
      }
      guard let d = derivative, let g = d.gradient else { fatalError("jacbench long-sum-derive: no gradient") }
      cpu.sort()
      let cpuMedian = cpu[cpu.count / 2]
      results.append((n, cpuMedian))
      emit([
        "case": "long-sum-derive", "kind": kind, "terms": n, "seconds": t, "cpuSeconds": cpuMedian,
        "inlinedCharacters": d.jacobian.unicodeText.count + g.unicodeText.count,
      ])
    }
    for (a, b) in zip(results, results.dropFirst()) {
      let ratio = b.cpu / a.cpu
      emit([
        "case": "long-sum-derive", "kind": kind, "fromTerms": a.terms, "toTerms": b.terms, "cpuRatio": ratio,
        "cpuExponent": growthExponent(ratio, Double(b.terms) / Double(a.terms)),
      ])
    }
  }
}
