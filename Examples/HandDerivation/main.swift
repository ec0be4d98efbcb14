// Verifying hand derivations with the library API (not the command line).
//
// 1. The seed's entrywise rule for K = RᵀR:  ∂K[p,q]/∂R[i,j] = δ(j,p)·R[i,q] + δ(j,q)·R[i,p]
//    against the symbolic Jacobian of R'*R in numerator layout.
// 2. The CS224n results for s = uᵀh, h = f(z), z = Wx + b:  with δ = ∂s/∂z = u ⊙ f′(z),
//        ∂s/∂W = δ·xᵀ   and   ∂s/∂b = δ   (gradients shaped like W and b).
//
// Usage: HandDerivation [--seed S]
import Foundation
import Jacobians
import MatrixCore
import Symbolic

var seed: UInt64 = 7
if let i = CommandLine.arguments.firstIndex(of: "--seed"), i + 1 < CommandLine.arguments.count,
  let s = UInt64(CommandLine.arguments[i + 1])
{
  seed = s
}
var generator = SeededGenerator(seed: seed)
var allHold = true

@MainActor func report(_ what: String, _ comparison: JacobianComparison) {
  let holds = comparison.passes(relativeTolerance: 1e-12)
  allHold = allHold && holds
  print("  \(what): \(holds ? "holds" : "DOES NOT HOLD") (\(comparison))")
}

do {
  // 1. The entrywise rule.
  let (m, n) = (4, 3)
  let R = Matrix.randomNormal(m, n, using: &generator)
  let rtr = try SymbolicDerivative(of: MatrixExpression("R'*R"), wrt: "R", dims: ["R": R.shape])
  let J = try rtr.jacobian(at: ["R": R])
  print("∂(RᵀR)/∂R for R \(m)×\(n): \(rtr.jacobian.unicodeText)   [numerator layout, \(n * n)×\(m * n)]")
  var rule = Matrix.zeros(n * n, m * n)
  for p in 0..<n {
    for q in 0..<n {
      for i in 0..<m {
        for j in 0..<n {
          rule[p + q * n, i + j * m] = (j == p ? R[i, q] : 0) + (j == q ? R[i, p] : 0)
        }
      }
    }
  }
  report(
    "entrywise rule δ(j,p)R[i,q] + δ(j,q)R[i,p]",
    JacobianComparison(expected: try J.materialized(), actual: rule, output: rtr.outputShape, input: rtr.inputShape))
  // The diagonal entries (p = q) carry the factor 2: ∂K[p,p]/∂R[i,p] = 2R[i,p].
  let twice = try J.entry(output: 1, 1, input: 2, 1)
  print("  on the diagonal: ∂K[1,1]/∂R[2,1] = \(twice) = 2·R[2,1] = \(2 * R[2, 1])")

  // 2. CS224n: s = uᵀ sigmoid(Wx + b).
  let (k, d) = (5, 3)
  let values: [String: Matrix] = [
    "u": .randomNormal(k, 1, using: &generator), "W": .randomNormal(k, d, using: &generator),
    "x": .randomNormal(d, 1, using: &generator), "b": .randomNormal(k, 1, using: &generator),
  ]
  let dims = values.mapValues(\.shape)
  let s = try MatrixExpression("u'*sigmoid(W*x+b)")
  // δ by hand: u ⊙ σ′(z) with σ′ = σ(1 − σ).
  let z = try MatrixExpression("W*x+b").evaluate(values)
  let sigma = z.map { 1 / (1 + exp(-$0)) }
  let delta = try values["u"]!.hadamard(sigma.map { $0 * (1 - $0) })
  let dW = try SymbolicDerivative(of: s, wrt: "W", dims: dims)
  let db = try SymbolicDerivative(of: s, wrt: "b", dims: dims)
  print("\ns = \(s.unicodeText):  ∂s/∂W = \(dW.gradient?.unicodeText ?? "?"),  ∂s/∂b = \(db.gradient?.unicodeText ?? "?")")
  let byHandW = delta * values["x"]!.transposed
  report(
    "∂s/∂W = δxᵀ",
    JacobianComparison(
      expected: try dW.gradient(at: values).vec.transposed, actual: byHandW.vec.transposed, output: Shape(1, 1),
      input: Shape(k, d)))
  report(
    "∂s/∂b = δ",
    JacobianComparison(
      expected: try db.gradient(at: values).transposed, actual: delta.transposed, output: Shape(1, 1),
      input: Shape(k, 1)))
  // The numerator-layout Jacobian of s w.r.t. vec W is the row vec(δxᵀ)ᵀ = (x ⊗ δ)ᵀ.
  report(
    "∂s/∂(vec W)ᵀ = (x ⊗ δ)ᵀ",
    JacobianComparison(
      expected: try dW.jacobian(at: values).materialized(), actual: kron(values["x"]!, delta).transposed,
      output: Shape(1, 1), input: Shape(k, d)))
} catch {
  FileHandle.standardError.write(Data("HandDerivation: \(error)\n".utf8))
  exit(2)
}
print(allHold ? "\nevery hand derivation holds" : "\nsome hand derivation does NOT hold")
exit(allHold ? 0 : 1)
