import MatrixCore
import Symbolic

/// The L-layer tanh network as a program, two statements per layer (`h_k = W_k*z_{k-1}`,
/// `z_k = tanh(h_k)`, 8×8 weights) and the loss `f = norm(z_L)^2/2`.
func networkProgram(layers: Int) -> (source: String, dims: [String: Shape]) {
  var lines: [String] = []
  var dims: [String: Shape] = ["x": Shape(8, 1)]
  var previous = "x"
  for k in 1...layers {
    lines.append("h\(k) = W\(k)*\(previous)")
    lines.append("z\(k) = tanh(h\(k))")
    dims["W\(k)"] = Shape(8, 8)
    previous = "z\(k)"
  }
  lines.append("f = norm(\(previous))^2/2")
  return (lines.joined(separator: "\n"), dims)
}

/// `program-backprop`: parse an L-layer program, derive the gradients of every weight (the
/// backward pass stage by stage) and print it as text, for L = 10, 30, 100, 300. Lines give the
/// median seconds and the printed characters; the summary gives the ratios 300 vs 100 layers
/// (3 for linear growth). Target: under 50 ms at 100 layers.
let programBackpropCase = BenchmarkCase(name: "program-backprop") {
  var results: [(layers: Int, seconds: Double, characters: Int)] = []
  for layers in [10, 30, 100, 300] {
    let (source, dims) = networkProgram(layers: layers)
    var characters = 0
    let t = medianSeconds(warmup: 1, repeats: 9, maxTotal: 5) {
      do {
        let program = try Program(source)
        let backward = try program.backward(wrt: program.variableInputs, dims: dims)
        characters = backward.allStages.reduce(0) { $0 + backward.text($1).count + 1 }
      } catch {
        fatalError("jacbench program-backprop: \(error)")
      }
    }
    results.append((layers, t, characters))
    emit([
      "case": "program-backprop", "layers": layers, "statements": 2 * layers + 1, "seconds": t,
      "printedCharacters": characters,
    ])
  }
  let (a, b) = (results[2], results[3])
  emit([
    "case": "program-backprop", "layersRatio": Double(b.layers) / Double(a.layers),
    "timeRatio": b.seconds / a.seconds, "printedRatio": Double(b.characters) / Double(a.characters),
    "secondsAt100Layers": a.seconds,
  ])
}
