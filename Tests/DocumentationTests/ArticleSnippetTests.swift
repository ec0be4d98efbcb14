import Foundation
import Jacobians
import MatrixCore
import Symbolic
import Testing

// The code of the DocC articles (Sources/*/*.docc/*.md), compiled and run here. Every ```swift
// block of an article is one region between a `// snippet` line and an `// end snippet` line
// below (ArticleSnippetsMatchTests fails for a block that is not), and what it computes is checked
// after the region against an independent reference: a closed form written here, an entry-by-entry
// definition, or central finite differences.

/// ∂F[p,q]/∂X[i,j] for F = XᵀX, entry by entry: δ(j,p)·X[i,q] + δ(j,q)·X[i,p].
private func gramByDefinition(_ x: Matrix) -> Matrix {
  let (m, n) = (x.rows, x.cols)
  var j = Matrix.zeros(n * n, m * n)
  for p in 0..<n {
    for q in 0..<n {
      for i in 0..<m {
        for c in 0..<n { j[p + q * n, i + c * m] = (c == p ? x[i, q] : 0) + (c == q ? x[i, p] : 0) }
      }
    }
  }
  return j
}

private func close(_ a: Matrix, _ b: Matrix, _ rtol: Double) -> Bool {
  guard a.shape == b.shape else { return false }
  let scale = max(1, b.maxAbs)
  return zip(a.storage, b.storage).allSatisfy { abs($0 - $1) <= rtol * scale }
}

@Suite struct ArticleSnippetTests {
  // MARK: MatrixCore: Layouts and conventions

  @Test func vecAndCommutation() {
    // snippet
    let a = Matrix(rows: 2, cols: 3, rowMajor: [1, 2, 3, 4, 5, 6])
    let v = a.vec  // 6×1: the columns stacked, 1 4 2 5 3 6
    let k = Commutation(2, 3)  // K(2,3)·vec(A) = vec(Aᵀ)
    let w = k.apply(v.storage)  // 1 2 3 4 5 6: the columns of Aᵀ, the rows of A
    // end snippet
    #expect(v.shape == Shape(6, 1) && v.storage == [1, 4, 2, 5, 3, 6])
    #expect(w == [1, 2, 3, 4, 5, 6])
  }

  @Test func numeratorLayoutOfTheGram() {
    // snippet
    // F = XᵀX for X 3×2: J = ∂vec F/∂(vec X)ᵀ is 4×6 with J[p + q·2, i + j·3] = ∂F[p,q]/∂X[i,j].
    let x = Matrix.randomNormal(3, 2, seed: 1)
    let xt = x.transposed
    let j = kron(.identity(2), xt) + kron(xt, .identity(2)) * Commutation(3, 2).dense()
    let entry = j[0 + 1 * 2, 2 + 0 * 3]  // ∂F[0,1]/∂X[2,0] = X[2,1]
    // end snippet
    #expect(entry == x[2, 1])
    #expect(close(j, gramByDefinition(x), 1e-15))
  }

  // MARK: Jacobians: Structured Jacobians

  @Test func structuredGram() throws {
    // snippet
    let r = Matrix.randomNormal(4, 3, seed: 2)
    let j = Jacobian.gram(r)  // ∂vec(RᵀR)/∂(vec R)ᵀ, 9×12: (I₃ ⊗ Rᵀ) + (Rᵀ ⊗ I₃)·K(4,3)
    let diagonal = try j.entry(output: 1, 1, input: 2, 1)  // 2·R[2,1], read off the structure
    let v = Matrix.randomNormal(4, 3, seed: 3)
    let dF = try j.pushforward(v)  // the JVP, shaped like F: RᵀV + VᵀR
    let dense = try j.materialized()  // on request only, behind a memory limit
    var reused = Matrix.zeros(9, 12)  // kept by the caller between calls
    try j.materialize(into: &reused)  // the same entries, written into `reused` (NumPy's out=)
    // end snippet
    #expect(abs(diagonal - 2 * r[2, 1]) <= 1e-15 * abs(r[2, 1]))
    let rtv = r.transposed * v
    #expect(close(dF, rtv + rtv.transposed, 1e-14))
    #expect(close(dense, gramByDefinition(r), 1e-15))
    #expect(close(reused, gramByDefinition(r), 1e-15))
  }

  // MARK: Jacobians: Chains and their cost

  @Test func chainReport() throws {
    // snippet
    let factors = try ["10x100", "100x5", "5x50"].map { try FactorSignature(spec: $0) }
    let report = try ChainReport(factors: factors)
    let record = report.record  // what `jac chain --format json` prints
    print(record.text)  // the table: each order's multiply-adds, peak bytes and AD mode
    // end snippet
    // (J1·J2)·J3: 10·100·5 + 10·5·50; J1·(J2·J3): 100·5·50 + 10·100·50.
    let costs = Dictionary(uniqueKeysWithValues: record.orders.map { ($0.name, $0.multiplyAdds) })
    #expect(costs["left-to-right"] == Double(10 * 100 * 5 + 10 * 5 * 50))
    #expect(costs["right-to-left"] == Double(100 * 5 * 50 + 10 * 100 * 50))
    #expect(costs["optimal"] == costs["left-to-right"])
  }

  @Test func chainEvaluation() throws {
    // snippet
    let w1 = Matrix.randomNormal(20, 8, seed: 4)
    let w2 = Matrix.randomNormal(3, 20, seed: 5)
    let chain = try JacobianChain([
      Jacobian(output: Shape(3, 1), input: Shape(20, 1), dense: w2),
      Jacobian(output: Shape(20, 1), input: Shape(20, 1), matrix: .diagonal([Double](repeating: 0.5, count: 20))),
      Jacobian(output: Shape(20, 1), input: Shape(8, 1), dense: w1),
    ])
    let product = try chain.jacobian(.optimal)  // W₂·diag(0.5)·W₁, 3×8, in the cheapest order
    // end snippet
    #expect(close(try product.materialized(), (w2 * w1).scaled(by: 0.5), 1e-13))
  }

  // MARK: Symbolic: Derivation and checks

  @Test func symbolicDerivative() throws {
    // snippet
    let f = try MatrixExpression("R'*R")
    let d = try SymbolicDerivative(of: f, wrt: "R", dims: ["R": Shape(4, 3)])
    print(d.jacobian.unicodeText)  // (I₃ ⊗ Rᵀ) + (Rᵀ ⊗ I₃)K₄,₃
    let r = Matrix.randomNormal(4, 3, seed: 6)
    let j = try d.jacobian(at: ["R": r])  // structured, numerator layout
    let check = try DerivativeCheck(d, at: ["R": r])  // against central finite differences
    // end snippet
    #expect(check.passed)
    #expect(close(try j.materialized(), gramByDefinition(r), 1e-14))
  }

  @Test func claimCheck() throws {
    // snippet
    // The look-alike (I₃ ⊗ Rᵀ)K(3,4) + (Rᵀ ⊗ I₃) is the Jacobian under row-major flattening.
    let r = Matrix.randomNormal(4, 3, seed: 7)
    let d = try SymbolicDerivative(of: try MatrixExpression("R'*R"), wrt: "R", dims: ["R": r.shape])
    let claim = try MatrixExpression("kron(I(3),R')*K(3,4)+kron(R',I(3))")
    let result = try ClaimCheck(
      claim: try claim.evaluate(["R": r]), layout: .numerator, derivative: d, values: ["R": r],
      claimExpression: claim)
    print(result.holds)  // false
    print(result.diagnoses.map(\.text))  // names the row-major flattening
    // end snippet
    #expect(!result.holds)
    #expect(result.diagnoses.contains { $0.kind == "row-major" })
    // The claim's value differs from the definition, which the truth equals.
    #expect(!close(try claim.evaluate(["R": r]), gramByDefinition(r), 1e-8))
  }

  // MARK: Symbolic: Programs

  @Test func programBackwardPass() throws {
    // snippet
    let program = try Program("h = W*x; f = sum(tanh(h))")
    let dims = ["W": Shape(3, 2), "x": Shape(2, 1)]
    let backward = try program.backward(wrt: ["W"], dims: dims)  // dv = ∂f/∂v shaped like v
    for stage in backward.stages + backward.gradients {
      print(stage.adjointName, "=", stage.expression.unicodeText)
    }
    let inputs = ["W": Matrix.randomNormal(3, 2, seed: 8), "x": Matrix.randomNormal(2, 1, seed: 9)]
    let checks = try backward.checkGradients(at: inputs)  // against central finite differences
    // end snippet
    #expect(checks.count == 1 && checks[0].passed)
    // dW = (1 − tanh²(Wx))·xᵀ, the closed form.
    let (w, x) = (inputs["W"]!, inputs["x"]!)
    let t = (w * x).map { 1 - tanh($0) * tanh($0) }
    let values = try backward.values(forward: try program.evaluate(inputs))
    #expect(close(try #require(values["dW"]), t * x.transposed, 1e-13))
  }
}

/// Every ```swift block of the articles is a region of ArticleSnippetTests, so that the code
/// the documentation shows is the code compiled and run above.
@Suite struct ArticleSnippetsMatchTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// The lines between ```swift and ```, or between `// snippet` and `// end snippet`, with their
  /// common indentation removed.
  static func blocks(_ text: String, open: (String) -> Bool, close: (String) -> Bool) -> [String] {
    var out: [String] = []
    var current: [Substring]? = nil
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if current == nil {
        if open(trimmed) { current = [] }
      } else if close(trimmed) {
        let lines = current!
        let indent = lines.filter { !$0.allSatisfy(\.isWhitespace) }.map { $0.prefix { $0 == " " }.count }.min() ?? 0
        out.append(lines.map { String($0.dropFirst(min(indent, $0.count))) }.joined(separator: "\n"))
        current = nil
      } else {
        current!.append(line)
      }
    }
    return out
  }

  @Test func everyArticleBlockIsCompiled() throws {
    let source = try String(
      contentsOf: Self.root.appendingPathComponent("Tests/DocumentationTests/ArticleSnippetTests.swift"), encoding: .utf8)
    let regions = Set(Self.blocks(source, open: { $0 == "// snippet" }, close: { $0 == "// end snippet" }))
    var articles = 0
    for module in ["MatrixCore", "Jacobians", "Symbolic"] {
      let catalog = Self.root.appendingPathComponent("Sources/\(module)/\(module).docc")
      let files = try FileManager.default.contentsOfDirectory(atPath: catalog.path).filter { $0.hasSuffix(".md") }
      for file in files {
        let text = try String(contentsOf: catalog.appendingPathComponent(file), encoding: .utf8)
        for block in Self.blocks(text, open: { $0 == "```swift" }, close: { $0 == "```" }) {
          articles += 1
          let compiled = regions.contains(block)
          #expect(compiled, "\(module).docc/\(file): a swift block that no snippet test compiles:\n\(block)")
        }
      }
    }
    // Every region is shown in an article, and the articles show code at all.
    #expect(articles == regions.count, "\(articles) article blocks, \(regions.count) compiled regions")
  }
}
