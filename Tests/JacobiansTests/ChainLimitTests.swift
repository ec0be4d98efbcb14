import Foundation
import MatrixCore
import Testing

@testable import Jacobians

/// Long chains stay fast: greedy pairing past the exact planner's sizes, a factor limit.
@Suite struct ChainLimitTests {
  private func chainingSizes(_ k: Int) throws -> [FactorSignature] {
    var out: [FactorSignature] = []
    var rows = 5
    for i in 0..<k {
      if i % 3 == 0 {
        out.append(try FactorSignature(spec: "\(rows)x\(rows):diag"))
      } else {
        let cols = 2 + (i * 7919) % 37
        out.append(try FactorSignature(spec: "\(rows)x\(cols)"))
        rows = cols
      }
    }
    return out
  }

  @Test func longStructuredChainsUseGreedyPairingAndStayFast() throws {
    let f = try chainingSizes(1_000)
    let start = Date()
    let report = try ChainReport(factors: f)
    let seconds = Date().timeIntervalSince(start)
    #expect(report.entries.map(\.name) == ["left-to-right", "right-to-left", "greedy"])
    #expect(report.optimal.plan.parenthesization.factorCount == 1_000)
    #expect(seconds < 30, "planning 1,000 factors took \(seconds) s")
  }

  @Test func exactPlanningUpToTheLimitAndGreedyNeverBeatsIt() throws {
    // Where both run, the exact optimum is never dearer than the greedy pairing.
    let f = try chainingSizes(60)
    let exact = try ChainPlan(factors: f, order: .optimal)
    let greedy = try ChainPlan(
      factors: f, order: .custom(try Parenthesization(ChainPlanner.greedyTree(f, maximize: false))))
    #expect(!(greedy.cost < exact.cost))
    #expect(ChainPlanner.isExact(try chainingSizes(ChainPlanner.exactStructuredLimit)))
    #expect(!ChainPlanner.isExact(try chainingSizes(ChainPlanner.exactStructuredLimit + 1)))
  }

  @Test func tooManyFactorsIsOneSentence() throws {
    let f = [FactorSignature](repeating: try FactorSignature(spec: "3x3"), count: JacobianChain.maximumFactors + 1)
    let error = try #require(throws: ChainError.self) { try ChainPlan(factors: f, order: .leftToRight) }
    #expect("\(error)".contains("longer than the limit of \(JacobianChain.maximumFactors)"))
  }
}
