// ChainCost: which order to multiply a chain of Jacobians in, on a three-layer network.
//
//     h₁ = W₁x,  z₁ = φ(h₁),  h₂ = W₂z₁,  z₂ = φ(h₂),  ŷ = W₃z₂,  f = L(y, ŷ)
//
// with φ = tanh and L the softmax cross-entropy. In numerator layout the chain rule is a product
// with the outermost function's Jacobian on the left:
//
//     ∂f/∂x = (∂L/∂ŷ)·W₃·diag(φ'(h₂))·W₂·diag(φ'(h₁))·W₁
//
// Multiplying it left to right is reverse mode (backpropagation), right to left forward mode.
// Three chains from this network show each order winning, and an order that beats both:
//   1. ∂f/∂x for a classifier 784 → 512 → 256 → 10: a row on the left, reverse mode wins.
//   2. ∂ŷ/∂x for a decoder 16 → 256 → 512 → 784: a wide output, forward mode wins.
//   3. The Gauss–Newton matrix Jᵀ·H·J of the classifier, J = ∂ŷ/∂x, H = ∂²L/∂ŷ²: wide at both
//      ends and narrow (10) in the middle; the optimal order works from both ends towards H.
// For each, the predicted multiply-adds (from sizes and structure alone) beside the measured
// median times, and a check that every order gives the same matrix.
//
// Run: swift run -c release ChainCost
import Foundation
import Jacobians
import MatrixCore

/// A tanh layer's weights, scaled by 1/√fan-in so that activations stay O(1).
func weights(_ out: Int, _ inp: Int, seed: UInt64) -> Matrix {
  Matrix.randomNormal(out, inp, seed: seed).scaled(by: 1 / Double(inp).squareRoot())
}

/// The forward pass and the Jacobians of each step at x.
struct Network {
  let w1: Matrix
  let w2: Matrix
  let w3: Matrix

  init(widths: [Int], seed: UInt64) {
    w1 = weights(widths[1], widths[0], seed: seed)
    w2 = weights(widths[2], widths[1], seed: seed + 1)
    w3 = weights(widths[3], widths[2], seed: seed + 2)
  }

  /// (diag φ'(h₁), diag φ'(h₂), ŷ) at x.
  func forward(_ x: Matrix) -> (d1: [Double], d2: [Double], yhat: Matrix) {
    let h1 = w1 * x
    let z1 = h1.map(tanh)
    let h2 = w2 * z1
    let z2 = h2.map(tanh)
    return (z1.storage.map { 1 - $0 * $0 }, z2.storage.map { 1 - $0 * $0 }, w3 * z2)
  }

  /// `W₃·diag(φ'(h₂))·W₂·diag(φ'(h₁))·W₁`, the factors of ∂ŷ/∂x.
  func jacobianFactors(at x: Matrix) -> [StructuredMatrix] {
    let (d1, d2, _) = forward(x)
    return [
      .dense(w3, label: "W₃"), .diagonal(d2), .dense(w2, label: "W₂"), .diagonal(d1), .dense(w1, label: "W₁"),
    ]
  }
}

/// Softmax probabilities of a column.
func softmax(_ v: Matrix) -> [Double] {
  let m = v.storage.max() ?? 0
  let e = v.storage.map { exp($0 - m) }
  let s = e.reduce(0, +)
  return e.map { $0 / s }
}

/// Prints the report of a chain with measured times, and checks that every order agrees.
func show(_ title: String, _ factors: [StructuredMatrix]) throws {
  print("== \(title)")
  let chain = try JacobianChain(factors)
  let report = try chain.measuredReport(ChainReport.standardOrders, ChainMeasurement(warmup: 1, repeats: 5))
  print(report)
  let results = try report.entries.map { try chain.evaluate($0.plan).materialized() }
  var worst = 0.0
  for r in results.dropFirst() {
    let scale = max(results[0].maxAbs, 1e-300)
    worst = max(worst, r.maxAbsDifference(results[0]) / scale)
  }
  print(String(format: "Every order gives the same matrix to %.1e (relative).\n", worst))
}

do {
  // 1. A classifier and its loss: ∂f/∂x = (∂L/∂ŷ)·W₃·D₂·W₂·D₁·W₁, a 1×784 row.
  let classifier = Network(widths: [784, 512, 256, 10], seed: 1)
  let x = Matrix.randomNormal(784, 1, seed: 10)
  var y = [Double](repeating: 0, count: 10)
  y[3] = 1
  let yhat = classifier.forward(x).yhat
  let p = softmax(yhat)
  let dL = Matrix(rows: 1, cols: 10, columnMajor: zip(p, y).map { $0 - $1 })  // ∂L/∂ŷ = (p − y)ᵀ
  let jacobian = classifier.jacobianFactors(at: x)
  try show(
    "1. ∂f/∂x for a 784 → 512 → 256 → 10 classifier with a scalar loss (reverse mode wins)",
    [.dense(dL, label: "∂L/∂ŷ")] + jacobian)

  // 2. A decoder with a wide output: ∂ŷ/∂x = W₃·D₂·W₂·D₁·W₁, 784×16.
  let decoder = Network(widths: [16, 256, 512, 784], seed: 2)
  let code = Matrix.randomNormal(16, 1, seed: 20)
  try show(
    "2. ∂ŷ/∂x for a 16 → 256 → 512 → 784 decoder (a wide output: forward mode wins)",
    decoder.jacobianFactors(at: code))

  // 3. The Gauss–Newton matrix Jᵀ·H·J, H = diag(p) − ppᵀ the Hessian of the cross-entropy in ŷ.
  var h = Matrix.diagonal(p)
  for i in 0..<10 { for j in 0..<10 { h[i, j] -= p[i] * p[j] } }
  let transposed = jacobian.reversed().map(\.transposed)
  try show(
    "3. Gauss–Newton matrix Jᵀ·H·J of the classifier, 784×784 through a 10-wide middle (optimal beats both)",
    transposed + [.dense(h, label: "H")] + jacobian)
} catch {
  FileHandle.standardError.write(Data("ChainCost: \(error)\n".utf8))
  exit(2)
}
