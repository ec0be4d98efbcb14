import Foundation
import Testing

@Suite struct ChainCommandTests {
  @Test func namedCaseFromTheLiterature() throws {
    // 10×100 · 100×5 · 5×50: ((J1 J2) J3) costs 10·100·5 + 10·5·50 = 7500 multiply-adds,
    // (J1 (J2 J3)) costs 100·5·50 + 10·100·50 = 75000.
    let r = try JacRunner.run(["chain", "10x100", "100x5", "5x50", "--format", "json"])
    #expect(r.status == 0)
    let summary = try JacRunner.python(
      """
      import json
      d = json.loads('''\(r.stdout)''')
      o = {e['name']: e for e in d['orders']}
      print(d['optimal'], o['optimal']['multiplyAdds'], o['right-to-left']['multiplyAdds'],
            o['left-to-right']['parenthesization'], [f['rows'] for f in d['factors']], sorted(o['optimal']))
      """)
    #expect(
      summary
        == "((1 2) 3) 7500 75000 ((1 2) 3) [10, 100, 5] ['adMode', 'entriesMoved', 'flops', 'multiplyAdds', 'name', 'parenthesization', 'peakBytes']"
    )
    let text = try JacRunner.run(["chain", "10x100", "100x5", "5x50"])
    #expect(text.stdout.contains("reverse accumulation"))
    #expect(text.stdout.contains("FLOPs = 2 × multiply-adds"))
  }

  @Test func measuredOrdersCarrySeconds() throws {
    let r = try JacRunner.run(["chain", "20x30", "30x30:diag", "30x5", "--measure", "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    let ok = try JacRunner.python(
      "import json; d = json.loads('''\(r.stdout)'''); print(all(e['seconds'] > 0 for e in d['orders']))")
    #expect(ok == "True")
  }

  @Test func factorsThatDoNotChainAreBadInput() throws {
    let r = try JacRunner.run(["chain", "10x100", "100x6", "5x50"])
    #expect(r.status == 2)
    #expect(r.stderr == "jac: factor 2 is 100×6 but factor 3 is 5×50: 6 ≠ 5\n")
    let bad = try JacRunner.run(["chain", "6x6:kron(2x2,3x2)"])
    #expect(bad.status == 2)
    #expect(bad.stderr.split(separator: "\n").count == 1)
    #expect(try JacRunner.run(["chain", "3x3", "--order", "((1 2)"]).status == 2)
  }
}
