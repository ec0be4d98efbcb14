import MatrixCore
import PropertyBased
import TestSupport
import Testing

@testable import Symbolic

/// The nested L-layer tanh network's loss `norm(tanh(WL*…tanh(W1*x)…))^2/2`, 8×8 weights.
func nestedNetwork(layers: Int) -> (expression: String, dims: [String: Shape]) {
  var e = "x"
  var dims: [String: Shape] = ["x": Shape(8, 1)]
  for k in 1...layers {
    e = "tanh(W\(k)*\(e))"
    dims["W\(k)"] = Shape(8, 8)
  }
  return ("norm(\(e))^2/2", dims)
}

/// Occurrences of every subtree with at least `minimumNodes` nodes, counted in the trees as
/// printed (by a plain recursive walk, independent of the hash-consing in LetForm).
private func printedOccurrences(_ trees: [Expression], minimumNodes: Int) -> [Expression: Int] {
  var counts: [Expression: Int] = [:]
  func walk(_ e: Expression) {
    if !e.children.isEmpty && e.nodeCount >= minimumNodes { counts[e, default: 0] += 1 }
    for c in e.children { walk(c) }
  }
  trees.forEach(walk)
  return counts
}

/// Evaluates the bindings top to bottom, then the bodies.
private func evaluateLetForm(_ form: LetForm, at point: [String: Matrix]) throws -> [Matrix] {
  var values = point
  for b in form.bindings { values[b.name] = try b.value.evaluate(values) }
  return try form.bodies.map { try $0.evaluate(values) }
}

@Suite struct LetFormTests {
  @Test func namesTheRepeatsOfTheThreeLayerGradient() throws {
    // The gradient of norm(W3*tanh(W2*tanh(W1*x)) - y)^2/2 wrt W1, as derive prints it inlined.
    let g = try Expression(
      "(W2'*((W3'*(W3*tanh(W2*tanh(W1*x)) - y)) .* (1 - tanh(W2*tanh(W1*x)).^2)) .* (1 - tanh(W1*x).^2))*x'")
    let form = LetForm(g)
    #expect(form.plainLines == ["t1 = tanh(W1*x)", "t2 = tanh(W2*t1)"])
    #expect(form.body == (try Expression("(W2'*((W3'*(W3*t2 - y)) .* (1 - t2.^2)) .* (1 - t1.^2))*x'")))
    #expect(form.inlined() == [g])
    #expect(form.unicodeLines == ["t1 = tanh(W1 x)", "t2 = tanh(W2 t1)"])
    #expect(form.latexRows() == ["t_{1} &= \\tanh(W_{1} x)", "t_{2} &= \\tanh(W_{2} t_{1})"])
    // The example of LetForm's documentation.
    let doc = try Expression("(W2'*(tanh(W2*tanh(W1*x)) .* (1-tanh(W2*tanh(W1*x)).^2)) .* (1-tanh(W1*x).^2))*x'")
    #expect(LetForm(doc).body.unicodeText == "(W2ᵀ(t2 ⊙ (1 − t2.^2)) ⊙ (1 − t1.^2))xᵀ")
  }

  @Test func anExpressionWithoutRepeatsIsLeftAlone() throws {
    let e = try Expression("(u .* (1 - tanh(W*x + b).^2))*x'")
    let form = LetForm(e)
    #expect(form.bindings.isEmpty)
    #expect(form.body == e)
    // Small repeats (fewer than 4 nodes) are not named: W x, xᵀ.
    #expect(LetForm(try Expression("(W*x)'*(W*x) + x'*x")).bindings.isEmpty)
    #expect(LetForm(try Expression("(W*x)'*(W*x)"), minimumNodes: 3).plainLines == ["t1 = W*x"])
  }

  @Test func namesAvoidTheExpressionsVariablesAndReservedNames() throws {
    let e = try Expression("tanh(t1*x)'*tanh(t1*x) + t3")
    let form = LetForm(e, reserved: ["t2"])
    #expect(form.names == ["t4"])
    #expect(form.body == (try Expression("t4'*t4 + t3")))
    let z = LetForm(e, prefix: "z")
    #expect(z.names == ["z1"])
  }

  @Test func perBodyNamesOnlyRepeatsInsideABodyAcrossBodiesNamesEveryRepeat() throws {
    let j = try Expression("u'*diag(1 - tanh(W*x + b).^2)*kron(x', I(3))")
    let g = try Expression("(u .* (1 - tanh(W*x + b).^2))*x'")
    let per = LetForm(sharing: [j, g])
    #expect(per.bindings.isEmpty && per.bodies == [j, g])
    let across = LetForm(sharing: [j, g], sharing: .acrossBodies)
    #expect(across.plainLines == ["t1 = 1-tanh(W*x+b).^2"])
    #expect(across.bodies == [try Expression("u'*diag(t1)*kron(x', I(3))"), try Expression("(u .* t1)*x'")])
    // A body equal to a repeated subtree of another is its name.
    let inner = try Expression("tanh(W*x + b)")
    let both = LetForm(sharing: [inner, try Expression("tanh(W*x+b)'*tanh(W*x+b)")], sharing: .acrossBodies)
    #expect(both.bodies == [.variable("t1"), try Expression("t1'*t1")])
  }

  @Test func randomExpressionsWithRepeats() async {
    await seededPropertyCheck(count: 400, input: Gen.int(in: 0...1_000_000)) { seed in
      var generator = RandomExpressionGenerator(seed: UInt64(seed), maxDepth: 4, variables: randomVariables)
      let (e, shape) = generator.next()
      let other = generator.expression(of: shape)
      // Repeats at several depths: e twice, other inside and outside e's sum.
      let first: Expression = .add(.hadamard(e, .elementwise(.tanh, e)), other)
      let second: Expression = .hadamard(.add(e, other), other)
      let point = generator.randomValues()
      for mode in [LetForm.Sharing.perBody, .acrossBodies] {
        for minimumNodes in [2, 4] {
          let form = LetForm(sharing: [first, second], sharing: mode, minimumNodes: minimumNodes)
          #expect(form.inlined() == [first, second], "seed \(seed), \(mode), \(minimumNodes)")
          // Every binding uses only earlier names; every name is used.
          var defined = Set(randomVariables.keys)
          for b in form.bindings {
            #expect(Set(b.value.variables).isSubset(of: defined), "seed \(seed): \(b.name) uses a later name")
            defined.insert(b.name)
          }
          let uses = form.bodies.map(\.variables) + form.bindings.map(\.value.variables)
          for b in form.bindings {
            #expect(uses.contains { $0.contains(b.name) }, "seed \(seed): \(b.name) is never used")
          }
          if mode == .acrossBodies {
            // Nothing large enough is printed twice any more.
            let printed = form.bodies + form.bindings.map(\.value)
            let repeated = printedOccurrences(printed, minimumNodes: minimumNodes).filter { $0.value > 1 }
            #expect(repeated.isEmpty, "seed \(seed): repeated \(repeated.keys.map(\.plainText))")
          } else {
            // Inside each body, with the names, nothing large enough repeats.
            for body in form.bodies {
              let repeated = printedOccurrences([body], minimumNodes: minimumNodes).filter { $0.value > 1 }
              #expect(repeated.isEmpty, "seed \(seed): repeated \(repeated.keys.map(\.plainText))")
            }
          }
          // The let-form evaluates to the same numbers (rtol 1e-12).
          let direct = try [first.evaluate(point), second.evaluate(point)]
          let staged = try evaluateLetForm(form, at: point)
          for (a, b) in zip(direct, staged) {
            let scale = max(1, a.storage.map(abs).max() ?? 0)
            #expect(a.shape == b.shape && zip(a.storage, b.storage).allSatisfy { abs($0 - $1) <= 1e-12 * scale },
              "seed \(seed): values differ")
          }
        }
      }
    }
  }

  @Test func printedSizeOfTheNestedNetworkGradientGrowsLinearly() throws {
    // Inlined, the gradient of an L-layer nested network prints O(L²) characters; as a
    // let-form O(L): doubling L doubles the printed size (within 10%).
    var sizes: [(inlined: Int, named: Int)] = []
    for layers in [10, 20, 40] {
      var e = Expression.variable("x")
      for k in 1...layers { e = .elementwise(.tanh, .variable("W\(k)") * e) }
      // dW1 of norm(e)^2/2, the reverse-mode form: ((W2'(… ⊙ (1 − z2.^2))) ⊙ (1 − z1.^2)) x'.
      var chain: Expression = e
      var z: [Expression] = []
      var inner = Expression.variable("x")
      for k in 1...layers {
        inner = .elementwise(.tanh, .variable("W\(k)") * inner)
        z.append(inner)
      }
      for k in stride(from: layers, through: 1, by: -1) {
        let local: Expression = .subtract(.constant(1), .elementwisePower(z[k - 1], .constant(2)))
        chain = .hadamard(k == layers ? chain : .transpose(.variable("W\(k + 1)")) * chain, local)
      }
      let gradient = chain * .transpose(.variable("x"))
      let form = LetForm(gradient)
      #expect(form.inlined() == [gradient])
      let named = form.unicodeLines.joined().count + form.body.unicodeText.count
      sizes.append((gradient.unicodeText.count, named))
    }
    let namedRatio = Double(sizes[2].named) / Double(sizes[1].named)
    let inlinedRatio = Double(sizes[2].inlined) / Double(sizes[1].inlined)
    #expect(namedRatio > 1.8 && namedRatio < 2.2, "let-form sizes \(sizes.map(\.named))")
    #expect(inlinedRatio > 3.3, "inlined sizes \(sizes.map(\.inlined))")
  }
}
