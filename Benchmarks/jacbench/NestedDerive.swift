import MatrixCore
import Symbolic

/// The L-layer tanh network as one nested expression, `norm(tanh(WL*…tanh(W1*x)…))^2/2`, with
/// 8×8 weights (the network of `networkProgram`, written without names).
func nestedNetworkExpression(layers: Int) -> (expression: Expression, dims: [String: Shape]) {
  var e = Expression.variable("x")
  var dims: [String: Shape] = ["x": Shape(8, 1)]
  for k in 1...layers {
    e = .elementwise(.tanh, .variable("W\(k)") * e)
    dims["W\(k)"] = Shape(8, 8)
  }
  return (.divide(.power(.norm(e), .constant(2)), .constant(2)), dims)
}

/// `nested-derive`: the nested network differentiated with respect to W1 (`SymbolicDerivative`:
/// the Jacobian in numerator layout and the gradient), for L = 8, 16, 32, 64 layers. Lines give
/// the median seconds and the characters of the Jacobian and gradient printed inline and as
/// `jac derive` prints them, with repeated subexpressions named once (`LetForm`, `where t1 = …`).
/// The summary gives the ratios between 64 and 32 layers (2 for linear growth): the printed size
/// with names grows linearly; derive time does not yet (docs/limits.md).
let nestedDeriveCase = BenchmarkCase(name: "nested-derive") {
  var results: [(layers: Int, seconds: Double, inlined: Int, named: Int)] = []
  for layers in [8, 16, 32, 64] {
    let (e, dims) = nestedNetworkExpression(layers: layers)
    var derivative: SymbolicDerivative?
    let t = medianSeconds(warmup: 0, repeats: 3, maxTotal: 10) {
      do {
        derivative = try SymbolicDerivative(of: e, wrt: "W1", dims: dims)
      } catch {
        fatalError("jacbench nested-derive: \(error)")
      }
    }
    guard let d = derivative, let g = d.gradient else { fatalError("jacbench nested-derive: no gradient") }
    let roots = [d.jacobian, g]
    let form = LetForm(sharing: roots)
    let inlined = roots.reduce(0) { $0 + $1.unicodeText.count }
    let named = form.bodies.reduce(0) { $0 + $1.unicodeText.count } + form.unicodeLines.reduce(0) { $0 + $1.count }
    results.append((layers, t, inlined, named))
    emit([
      "case": "nested-derive", "layers": layers, "seconds": t, "inlinedCharacters": inlined,
      "namedCharacters": named, "names": form.bindings.count,
    ])
  }
  let (a, b) = (results[2], results[3])
  emit([
    "case": "nested-derive", "layersRatio": Double(b.layers) / Double(a.layers), "timeRatio": b.seconds / a.seconds,
    "inlinedRatio": Double(b.inlined) / Double(a.inlined), "namedRatio": Double(b.named) / Double(a.named),
  ])
}
