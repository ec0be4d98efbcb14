import MatrixCore
import TestSupport
import Testing

@testable import Symbolic

/// The L-layer tanh network as one nested expression, `norm(tanh(WL*…tanh(W1*x)…))^2/2`, built
/// as a tree (8×8 weights, x 8×1), and the same network as a program, one stage per line.
private func deepNetwork(layers: Int) -> (expression: Expression, program: String, dims: [String: Shape]) {
  var e = Expression.variable("x")
  var dims: [String: Shape] = ["x": Shape(8, 1)]
  var lines: [String] = []
  var previous = "x"
  for k in 1...layers {
    e = .elementwise(.tanh, .variable("W\(k)") * e)
    dims["W\(k)"] = Shape(8, 8)
    lines.append("h\(k) = W\(k)*\(previous)")
    lines.append("z\(k) = tanh(h\(k))")
    previous = "z\(k)"
  }
  lines.append("f = norm(\(previous))^2/2")
  return (.divide(.power(.norm(e), .constant(2)), .constant(2)), lines.joined(separator: "\n"), dims)
}

/// Weights N(0, 1.5²/8) (gain about 1.5 per layer, so that tanh neither saturates nor lets the
/// gradient vanish over 64 layers) and x N(0, 1), from a seeded generator.
private func deepPoint(_ dims: [String: Shape], seed: UInt64) -> [String: Matrix] {
  var random = SeededGenerator(seed: seed)
  var point: [String: Matrix] = [:]
  for name in dims.keys.sorted() {
    let s = dims[name]!
    let scale = name == "x" ? 1 : 1.5 / Double(s.cols).squareRoot()
    point[name] = scale * Matrix.randomNormal(s.rows, s.cols, using: &random)
  }
  return point
}

private func deepRelativeDistance(_ a: Matrix, _ b: Matrix) -> Double {
  distance(a, b) / max(a.frobeniusNorm, b.frobeniusNorm, 1e-300)
}

@Suite struct DeepNestedTests {
  /// The derivative of a deep nested network (20 and 64 layers) with respect to the first, a
  /// middle and the last weight: the gradient and the Jacobian (J = vec(G)ᵀ) equal the program
  /// form's backward pass (relative 1e-10) and central finite differences of the expression
  /// (relative 1e-6).
  @Test(arguments: [20, 64])
  func derivativeEqualsBackwardPassAndFiniteDifferences(layers: Int) throws {
    let seed = UInt64(2026 + layers)
    let (e, source, dims) = deepNetwork(layers: layers)
    let point = deepPoint(dims, seed: seed)
    let program = try Program(source)
    let wrt = ["W1", "W\(layers / 2)", "W\(layers)"]
    let backward = try program.backward(wrt: wrt, dims: dims)
    let adjoints = try backward.values(forward: try program.evaluate(point))
    for w in wrt {
      let d = try SymbolicDerivative(of: e, wrt: w, dims: dims)
      let g = try d.gradient(at: point)
      let j = try d.jacobian(at: point).materialized()
      let staged = adjoints[backward.gradients.first { $0.name == w }!.adjointName]!
      #expect(deepRelativeDistance(g, staged) <= 1e-10, "seed \(seed), \(layers) layers, \(w): gradient vs backward pass")
      #expect(
        deepRelativeDistance(Matrix(rows: 1, cols: 64, columnMajor: g.storage), j) <= 1e-10,
        "seed \(seed), \(layers) layers, \(w): Jacobian vs gradient")
      let f = { (x: Matrix) throws -> Matrix in
        var v = point
        v[w] = x
        return try e.evaluate(v)
      }
      let fd = try TestSupport.Reference.finiteDifferenceJacobian(f, at: point[w]!, h: 1e-5)
      #expect(g.frobeniusNorm > 1e-6, "seed \(seed), \(layers) layers, \(w): the gradient should not vanish")
      #expect(deepRelativeDistance(j, fd) <= 1e-6, "seed \(seed), \(layers) layers, \(w): Jacobian vs finite differences")
    }
  }

  /// The work of differentiating and simplifying the nested network, counted (not timed): the
  /// distinct subtrees the caches hold and the nodes the simplifier rewrites. Without node
  /// identity every lookup hashed whole subtrees (time ≈ L^3.9); the counts bound the work per
  /// cached node. Measured growth from 16 to 64 layers is stated in docs/limits.md.
  @Test func workGrowsAtMostQuadraticallyWithDepth() throws {
    func work(_ layers: Int) throws -> (rewrites: Int, nodes: Int) {
      let (e, _, dims) = deepNetwork(layers: layers)
      var forward = try ForwardDifferentiator(variable: "W1", dims: dims)
      var simplifier = Simplifier(dims: dims)
      _ = try simplifier.simplify(try forward.jacobian(e)!)
      let reverse = ReverseDifferentiator(variable: "W1", dims: dims)
      _ = try simplifier.simplify(try reverse.gradient(of: e)!)
      return (simplifier.rewrites, simplifier.table.count)
    }
    let (small, large) = (try work(16), try work(64))
    let rewrites = Double(large.rewrites) / Double(small.rewrites)
    let nodes = Double(large.nodes) / Double(small.nodes)
    // 4× the layers: 4 for linear growth, 16 for quadratic, 64 for cubic.
    #expect(rewrites <= 20 && nodes <= 20, "rewrites ×\(rewrites), nodes ×\(nodes) for 4× the layers")
  }
}
