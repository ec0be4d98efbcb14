import MatrixCore
import PropertyBased
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
}

@Suite struct NearLinearDeriveTests {
  /// The simplifier's counted work on the nested network, 16 and 64 layers: the nodes it
  /// rewrites (each distinct subtree once per pass) and the distinct subtrees it interns. The
  /// forward Jacobian is a right-nested chain of 2L factors; normalized level by level it wrote
  /// O(L) new product nodes per level (quadratic: about ×16 for 4× the layers). Normalized once at the top of
  /// the chain, the work is linear: at most ×4.6 for 4× the layers (exponent ≤ 1.1).
  @Test func simplifierWorkGrowsLinearlyWithDepth() throws {
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
    // 4× the layers: 4 for linear growth, 16 for quadratic.
    #expect(rewrites <= 4.6 && nodes <= 4.6, "rewrites \(small.rewrites) → \(large.rewrites) (×\(rewrites)), nodes \(small.nodes) → \(large.nodes) (×\(nodes)) for 4× the layers")
  }

  /// The let-form's walk visits each distinct box of the derivative once (a subtree shared in
  /// memory is found by its address): the visits grow linearly with depth although the tree
  /// written out grows with its square.
  @Test func letFormWalkGrowsLinearlyWithDepth() throws {
    func visits(_ layers: Int) throws -> (visits: Int, written: Int) {
      let (e, _, dims) = deepNetwork(layers: layers)
      let d = try SymbolicDerivative(of: e, wrt: "W1", dims: dims)
      let dag = HashConsedDAG([d.jacobian, d.gradient!])
      return (dag.visits, dag.roots.reduce(0) { $0 + dag.treeSizes[$1] })
    }
    let (small, large) = (try visits(16), try visits(64))
    let ratio = Double(large.visits) / Double(small.visits)
    let written = Double(large.written) / Double(small.written)
    #expect(written >= 10, "the tree written out should grow about quadratically (×\(written))")
    #expect(ratio <= 4.6, "visits \(small.visits) → \(large.visits) (×\(ratio)) for 4× the layers")
  }

  /// `plainLength` (computed per distinct subtree) equals the length of `plainText`, and
  /// `unicodeTextIsLonger(than:)` agrees with the length of `unicodeText`, on random
  /// expressions (negative constants, powers with negative exponents, every operator the
  /// generator makes) and on their simplified derivatives (Kronecker products, commutations,
  /// `diag`, transposes of products).
  @Test func plainLengthEqualsTheWrittenText() async {
    let variables: [String: Shape] = ["X": Shape(3, 3), "B": Shape(2, 3), "x": Shape(3, 1), "s": Shape(1, 1)]
    await seededPropertyCheck(count: 300, input: Gen.int(in: 0...1_000_000)) { seed in
      var generator = RandomExpressionGenerator(seed: UInt64(seed), maxDepth: 5, variables: variables, domain: .anywhere)
      let (e, _) = generator.next()
      var forms: [Expression] = [e, .negate(e), .power(e, .constant(-2)), .elementwisePower(e, .negate(.constant(3)))]
      for v in e.variables {
        if let d = try? SymbolicDerivative(of: e, wrt: v, dims: variables) {
          forms.append(d.jacobian)
          if let g = d.gradient { forms.append(g) }
        }
      }
      var simplifier = Simplifier(dims: variables)
      for f in forms {
        #expect(simplifier.plainLength(f) == f.plainText.count, "seed \(seed): \(f.plainText)")
        let length = f.unicodeText.count
        for width in [0, 10, 40, 80, 200] {
          #expect(f.unicodeTextIsLonger(than: width) == (length > width), "seed \(seed), width \(width): \(f.unicodeText)")
        }
      }
    }
  }
}
