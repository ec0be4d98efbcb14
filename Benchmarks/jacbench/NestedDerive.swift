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
/// the Jacobian in numerator layout and the gradient, simplified) and the printed forms, for
/// L = 10, 30, 100, 300 and 1,000 layers (the last beyond what the parser accepts, about 998
/// layers under `Expression.maximumDepth` = 2,000; built as a tree, like the others, and run on
/// a large stack, as `jac` runs). Lines give the median wall seconds, the thread's CPU seconds,
/// and the characters of the Jacobian and gradient printed inline and as `jac derive` prints
/// them, with repeated subexpressions named once (`LetForm`, `where t1 = …`). A summary line per
/// depth step gives the ratios and the growth exponent log(time ratio)/log(layers ratio) (1 for
/// linear growth) of CPU time and of the printed size with names.
let nestedDeriveCase = BenchmarkCase(name: "nested-derive") {
  do {
    try LargeStack.run { nestedDerive() }
  } catch {
    fatalError("jacbench nested-derive: \(error)")
  }
}

private func nestedDerive() {
  var results: [(layers: Int, cpu: Double, inlined: Int, named: Int)] = []
  for layers in [10, 30, 100, 300, 1_000] {
    let (e, dims) = nestedNetworkExpression(layers: layers)
    var derivative: SymbolicDerivative?
    var form: LetForm?
    var cpu: [Double] = []
    let t = medianSeconds(warmup: 1, repeats: 5, maxTotal: 10) {
      let c0 = threadCPUSeconds()
      do {
        let d = try SymbolicDerivative(of: e, wrt: "W1", dims: dims)
        derivative = d
        form = LetForm(sharing: [d.jacobian, d.gradient ?? d.jacobian])
      } catch {
        fatalError("jacbench nested-derive: \(error)")
      }
      cpu.append(threadCPUSeconds() - c0)
    }
    guard let d = derivative, let g = d.gradient, let form else { fatalError("jacbench nested-derive: no gradient") }
    let inlined = [d.jacobian, g].reduce(0) { $0 + $1.unicodeText.count }
    let named = form.bodies.reduce(0) { $0 + $1.unicodeText.count } + form.unicodeLines.reduce(0) { $0 + $1.count }
    cpu.sort()
    let cpuMedian = cpu[cpu.count / 2]
    results.append((layers, cpuMedian, inlined, named))
    emit([
      "case": "nested-derive", "layers": layers, "seconds": t, "cpuSeconds": cpuMedian, "inlinedCharacters": inlined,
      "namedCharacters": named, "names": form.bindings.count,
    ])
  }
  for (a, b) in zip(results, results.dropFirst()) {
    let layers = Double(b.layers) / Double(a.layers)
    func exponent(_ r: Double) -> Double { growthExponent(r, layers) }
    emit([
      "case": "nested-derive", "fromLayers": a.layers, "toLayers": b.layers, "layersRatio": layers,
      "cpuRatio": b.cpu / a.cpu, "cpuExponent": exponent(b.cpu / a.cpu),
      "namedRatio": Double(b.named) / Double(a.named), "namedExponent": exponent(Double(b.named) / Double(a.named)),
    ])
  }
}
