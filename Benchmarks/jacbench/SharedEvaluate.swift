import MatrixCore
import Symbolic

/// `shared-evaluate`: `Expression.evaluate` of expressions whose subtrees are shared:
/// - `program`: the program `z1 = tanh(W1*x + V1*x); z2 = tanh(W2*z1 + V2*z1); …` (8×8 weights,
///   x 8×1) inlined into one expression (`Program.inlined`), L = 8, 12, 16 stages: each z is
///   used twice, so the tree written out has about 2^L products and the DAG 2L;
/// - `gradient`: the gradient of the L-layer nested tanh network (`nested-derive`), simplified,
///   at L = 30, 100, 300: a DAG whose tree written out is quadratic in L (`gradient(at:)`).
/// Lines give the median wall seconds of one evaluation.
let sharedEvaluateCase = BenchmarkCase(name: "shared-evaluate") {
  var random = SeededGenerator(seed: 13)
  for stages in [8, 12, 16] {
    var lines: [String] = []
    var previous = "x"
    var point: [String: Matrix] = ["x": .randomNormal(8, 1, using: &random)]
    for k in 1...stages {
      lines.append("z\(k) = tanh(W\(k)*\(previous) + V\(k)*\(previous))")
      point["W\(k)"] = 0.3 * Matrix.randomNormal(8, 8, using: &random)
      point["V\(k)"] = 0.3 * Matrix.randomNormal(8, 8, using: &random)
      previous = "z\(k)"
    }
    do {
      let e = try Program(lines.joined(separator: "\n")).inlined()
      let t = medianSeconds(warmup: 1, repeats: 5, maxTotal: 10) { _ = try? e.evaluate(point) }
      emit(["case": "shared-evaluate", "kind": "program", "stages": stages, "seconds": t])
    } catch {
      fatalError("jacbench shared-evaluate: \(error)")
    }
  }
  for layers in [30, 100, 300] {
    let (e, dims) = nestedNetworkExpression(layers: layers)
    var point: [String: Matrix] = [:]
    for name in dims.keys.sorted() {
      let s = dims[name]!
      point[name] = (name == "x" ? 1 : 1.5 / Double(s.cols).squareRoot()) * Matrix.randomNormal(s.rows, s.cols, using: &random)
    }
    do {
      let d = try LargeStack.run { try SymbolicDerivative(of: e, wrt: "W1", dims: dims) }
      let t = medianSeconds(warmup: 1, repeats: 5, maxTotal: 10) {
        _ = try? LargeStack.run { try d.gradient(at: point) }
      }
      emit(["case": "shared-evaluate", "kind": "gradient", "layers": layers, "seconds": t])
    } catch {
      fatalError("jacbench shared-evaluate: \(error)")
    }
  }
}
