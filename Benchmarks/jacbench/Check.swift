import MatrixCore
import Symbolic

/// Hand derivations of the lecture notes' three-layer network (shape layout), wrong in the ways
/// students are, and one right: `jacbench check` times the whole `ClaimCheck` (truth, verdict,
/// diagnosis by mutations confirmed at a second point, assumption hints).
private let net = "norm(W3*tanh(W2*tanh(W1*x))-y)^2/2"
private let netDims: [String: Shape] = [
  "x": Shape(4, 1), "W1": Shape(5, 4), "W2": Shape(3, 5), "W3": Shape(2, 3), "y": Shape(2, 1),
]
private let r = "(W3*tanh(W2*tanh(W1*x))-y)"
private let d2 = "((W3'*\(r)).*(ones(3,1)-tanh(W2*tanh(W1*x)).^2))"
let checkClaims: [(name: String, wrt: String, claim: String)] = [
  ("net-W1-right", "W1", "((W2'*\(d2)).*(ones(5,1)-tanh(W1*x).^2))*x'"),
  ("net-W1-missing-tanh1", "W1", "(W2'*\(d2))*x'"),
  ("net-W2-missing-tanh2", "W2", "(W3'*\(r))*tanh(W1*x)'"),
  ("net-W1-missing-both", "W1", "(W2'*(W3'*\(r)))*x'"),
  ("net-W3-transposed", "W3", "tanh(W2*tanh(W1*x))*\(r)'"),
]

let checkCase = BenchmarkCase(name: "check") {
  for (name, wrt, text) in checkClaims {
    do {
      let f = try Expression(net)
      let c = try Expression(text)
      let values = RandomPoint.point(dims: netDims, expressions: [f, c], assumptions: Assumptions(), seed: 1)
      var last: ClaimCheck? = nil
      var failure: Error? = nil
      let seconds = medianSeconds(warmup: 1, repeats: 9) {
        do {
          let d = try SymbolicDerivative(of: f, wrt: wrt, dims: netDims)
          last = try ClaimCheck(
            claim: try c.evaluate(values), layout: .shape, derivative: d, values: values, claimExpression: c, seed: 1)
        } catch {
          failure = error
        }
      }
      if let failure { throw failure }
      emit([
        "case": "check", "claim": name, "seconds": seconds, "holds": last?.holds == true ? 1 : 0,
        "mutations": last?.mutationCount ?? 0, "diagnosis": last?.diagnoses.first?.kind ?? "",
      ])
    } catch {
      emit(["case": "check", "claim": name, "error": "\(error)"])
    }
  }
}
