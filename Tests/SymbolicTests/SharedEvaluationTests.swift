import Foundation
import MatrixCore
import Testing

@testable import Symbolic

/// `Expression.evaluate` computes each distinct subtree once (`EvaluationContext`).
@Suite struct SharedSubtreeEvaluationTests {
  /// The program `z1 = tanh(W1*x + V1*x); …; zL = tanh(WL*z(L−1) + VL*z(L−1))` (8×8 weights,
  /// x 8×1) inlined into one expression: each z is used twice, so the tree written out has
  /// 2(2^L − 1) products, the DAG 2L. At L = 12 the value equals the stages computed here by
  /// definition (sums of products entry by entry, then tanh; relative 1e-12), and the counted
  /// multiply-adds are those of 2L products and L sums (8×8 by 8×1: 64 each; a sum 8), where
  /// evaluating the tree written out did 2^L times more.
  @Test func sharedSubtreesAreEvaluatedOnce() throws {
    let stages = 12
    var random = SeededGenerator(seed: 2027)
    var point: [String: Matrix] = ["x": .randomNormal(8, 1, using: &random)]
    var lines: [String] = []
    var previous = "x"
    for k in 1...stages {
      lines.append("z\(k) = tanh(W\(k)*\(previous) + V\(k)*\(previous))")
      point["W\(k)"] = 0.4 * Matrix.randomNormal(8, 8, using: &random)
      point["V\(k)"] = 0.4 * Matrix.randomNormal(8, 8, using: &random)
      previous = "z\(k)"
    }
    let e = try Program(lines.joined(separator: "\n")).inlined()
    let (value, counted) = try WorkCount.counting { try e.evaluate(point) }
    // By definition: z ← tanh(W z + V z), entry by entry.
    var z = (0..<8).map { point["x"]![$0, 0] }
    for k in 1...stages {
      let (W, V) = (point["W\(k)"]!, point["V\(k)"]!)
      z = (0..<8).map { i in tanh((0..<8).reduce(0.0) { $0 + W[i, $1] * z[$1] + V[i, $1] * z[$1] }) }
    }
    let reference = Matrix(rows: 8, cols: 1, columnMajor: z)
    #expect(distance(value, reference) <= 1e-12 * reference.frobeniusNorm, "seed 2027")
    if WorkCount.isAvailable {
      let linear = Double(stages * (2 * 64 + 8))
      #expect(counted >= Double(stages * 2 * 64) && counted <= linear, "multiply-adds \(counted), linear \(linear)")
    }
  }
}
