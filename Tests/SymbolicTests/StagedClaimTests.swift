import MatrixCore
import Testing

@testable import Symbolic

/// CS231n's backward pass of f(x,y) = (x + σ(y))/(σ(x) + (x+y)²), one assignment per line.
let cs231nBackward = [
  "dnum = invden", "dinvden = num", "dden = (-1/den^2)*dinvden", "dsigx = dden", "dxpysqr = dden",
  "dxpy = 2*xpy*dxpysqr", "dx = dxpy", "dy = dxpy", "dx += (1-sigx)*sigx*dsigx", "dx += dnum", "dsigy = dnum",
  "dy += (1-sigy)*sigy*dsigy",
]

/// The lecture notes' backward pass of the three-layer network.
let threeLayerBackward = [
  "dyhat = yhat - y", "dW3 = dyhat*z2'", "dz2 = W3'*dyhat", "dh2 = dz2.*(1-z2.^2)", "dW2 = dh2*z1'",
  "dz1 = W2'*dh2", "dh1 = dz1.*(1-z1.^2)", "dW1 = dh1*x'", "dx = W1'*dh1",
]

/// A one-line slip: line `line` (1-based) of a right backward pass replaced (nil: deleted), the
/// line where it must be reported, and a fragment of the diagnosis it must get (nil: any).
struct Slip: Sendable, CustomTestStringConvertible {
  let pass: String
  let line: Int
  let replacement: String?
  let reportedAt: Int
  let diagnosis: String?
  var testDescription: String { "\(pass) line \(line): \(replacement ?? "deleted")" }
}

let slips: [Slip] = [
  Slip(pass: "cs231n", line: 1, replacement: "dnum = num", reportedAt: 1, diagnosis: nil),
  Slip(pass: "cs231n", line: 2, replacement: "dinvden = invden", reportedAt: 2, diagnosis: nil),
  Slip(pass: "cs231n", line: 3, replacement: "dden = (1/den^2)*dinvden", reportedAt: 3, diagnosis: "the sign is flipped"),
  Slip(pass: "cs231n", line: 3, replacement: "dden = (-1/den)*dinvden", reportedAt: 3, diagnosis: nil),
  Slip(pass: "cs231n", line: 3, replacement: "dden = -1/den^2", reportedAt: 3, diagnosis: "the upstream adjoint dinvden is missing"),
  Slip(pass: "cs231n", line: 4, replacement: "dsigx = 2*dden", reportedAt: 4, diagnosis: "a factor is off"),
  Slip(pass: "cs231n", line: 6, replacement: "dxpy = xpy*dxpysqr", reportedAt: 6, diagnosis: "0.5 times"),
  Slip(pass: "cs231n", line: 6, replacement: "dxpy = 2*xpy", reportedAt: 6, diagnosis: "the upstream adjoint dxpysqr is missing"),
  Slip(pass: "cs231n", line: 6, replacement: "dxpy = dxpysqr", reportedAt: 6, diagnosis: "passed through unchanged"),
  Slip(pass: "cs231n", line: 7, replacement: "dx = 2*dxpy", reportedAt: 7, diagnosis: nil),
  Slip(pass: "cs231n", line: 8, replacement: "dy = -dxpy", reportedAt: 8, diagnosis: "the sign is flipped"),
  Slip(pass: "cs231n", line: 9, replacement: "dx += dsigx", reportedAt: 9, diagnosis: "passed through unchanged"),
  Slip(pass: "cs231n", line: 9, replacement: "dx = (1-sigx)*sigx*dsigx", reportedAt: 9, diagnosis: "it overwrites dx"),
  Slip(pass: "cs231n", line: 9, replacement: "dx += sigx*dsigx", reportedAt: 9, diagnosis: "is taken as sigmoid(x), without its factor 1 − sigmoid"),
  Slip(pass: "cs231n", line: 10, replacement: nil, reportedAt: 9, diagnosis: "misses a branch"),
  Slip(pass: "cs231n", line: 11, replacement: "dsigy = dinvden", reportedAt: 11, diagnosis: nil),
  Slip(pass: "cs231n", line: 12, replacement: "dy += (1-sigy)*sigy*dsigx", reportedAt: 12, diagnosis: nil),
  Slip(pass: "cs231n", line: 12, replacement: "dy += (1-sigx)*sigx*dsigy", reportedAt: 12, diagnosis: "it uses sigx where sigy belongs"),
  Slip(pass: "cs231n", line: 10, replacement: "dx += dnum + dxpy", reportedAt: 10, diagnosis: "a second time"),
  Slip(pass: "net", line: 1, replacement: "dyhat = y - yhat", reportedAt: 1, diagnosis: "the sign is flipped"),
  Slip(pass: "net", line: 1, replacement: "dyhat = 2*(yhat - y)", reportedAt: 1, diagnosis: "2 times"),
  Slip(pass: "net", line: 2, replacement: "dW3 = z2*dyhat'", reportedAt: 2, diagnosis: "transpose"),
  Slip(pass: "net", line: 3, replacement: "dz2 = W3*dyhat", reportedAt: 3, diagnosis: "cannot be evaluated"),
  Slip(pass: "net", line: 4, replacement: "dh2 = dz2", reportedAt: 4, diagnosis: "the local derivative of z2"),
  Slip(pass: "net", line: 4, replacement: "dh2 = dz2.*(1-h2.^2)", reportedAt: 4, diagnosis: "it uses h2 where z2 belongs"),
  Slip(pass: "net", line: 4, replacement: "dh2 = dz2.*(1-tanh(h2))", reportedAt: 4, diagnosis: "is taken as 1-tanh(h2), without the square"),
  Slip(pass: "net", line: 4, replacement: "dh2 = dz2.*z2", reportedAt: 4, diagnosis: "is taken as tanh(h2), tanh itself"),
  Slip(pass: "net", line: 5, replacement: "dW2 = dh2*z2'", reportedAt: 5, diagnosis: "has the shape of W2"),
  Slip(pass: "net", line: 7, replacement: "dh1 = 1-z1.^2", reportedAt: 7, diagnosis: "the upstream adjoint dz1 is missing"),
  Slip(pass: "net", line: 8, replacement: "dW1 = dh1'*x", reportedAt: 8, diagnosis: nil),
  Slip(pass: "net", line: 9, replacement: "dx = W1*dh1", reportedAt: 9, diagnosis: nil),
  Slip(pass: "net", line: 6, replacement: "dz1 = W2'*dz2", reportedAt: 6, diagnosis: nil),
]

/// The program, point and right backward pass of a named case.
func stagedCase(_ name: String) throws -> (Program, [String: Shape], [String: Matrix], [String]) {
  if name == "cs231n" {
    let dims: [String: Shape] = ["x": Shape(1, 1), "y": Shape(1, 1)]
    let point = ["x": Matrix(rows: 1, cols: 1, columnMajor: [3]), "y": Matrix(rows: 1, cols: 1, columnMajor: [-4])]
    return (try Program(cs231nProgram), dims, point, cs231nBackward)
  }
  return (try Program(threeLayerProgram), threeLayerDims, standardNormalPoint(threeLayerDims, seed: 5), threeLayerBackward)
}

@Suite struct StagedClaimTests {
  @Test(arguments: ["cs231n", "net"]) func rightBackwardPassesHold(_ name: String) throws {
    let (program, dims, point, pass) = try stagedCase(name)
    for separator in ["\n", "; "] {
      let claim = try Program(backward: pass.joined(separator: separator))
      let result = try StagedClaimCheck(program: program, claim: claim, dims: dims, inputs: point)
      #expect(result.holds, "\(result.findings.filter { $0.verdict == .wrong }.map { "\($0.line): \($0.diagnoses)" })")
      #expect(result.findings.count == pass.count)
    }
  }

  @Test(arguments: slips) func eachSlipIsReportedAtItsLine(_ slip: Slip) throws {
    let (program, dims, point, pass) = try stagedCase(slip.pass)
    var lines = pass
    if let r = slip.replacement { lines[slip.line - 1] = r } else { lines.remove(at: slip.line - 1) }
    let claim = try Program(backward: lines.joined(separator: "\n"))
    let result = try StagedClaimCheck(program: program, claim: claim, dims: dims, inputs: point)
    #expect(!result.holds)
    let first = try #require(result.firstWrong)
    #expect(first.line == slip.reportedAt, "\(first.text): \(first.diagnoses)")
    #expect(first.expected != nil)
    if let d = slip.diagnosis {
      #expect(first.diagnoses.contains { $0.contains(d) }, "\(first.diagnoses)")
    }
    // Every other line is judged on its own and holds.
    let wrongLines = Set(result.findings.filter { $0.verdict == .wrong }.map(\.line))
    #expect(wrongLines == [slip.reportedAt], "\(result.findings.filter { $0.verdict == .wrong }.map { ($0.line, $0.diagnoses) })")
  }

  @Test func readingAnIncompleteAdjointIsReportedAtTheReadingLine() throws {
    // dx is read (by a made-up extra use) before its last branch: the program x feeds two names.
    let program = try Program("a = x.^2; b = sin(x); c = a + b; f = sum(c.*x)")
    let dims = ["x": Shape(3, 1)]
    let point = standardNormalPoint(dims, seed: 2)
    let right = "dc = x; dx = c; da = dc; db = dc; dx += 2*x.*da; dx += cos(x).*db"
    let ok = try StagedClaimCheck(program: program, claim: try Program(backward: right), dims: dims, inputs: point)
    #expect(ok.holds, "\(ok.findings.map { ($0.line, $0.diagnoses) })")
    let missing = "dc = x; dx = c; da = dc; db = dc; dx += 2*x.*da"
    let r = try StagedClaimCheck(program: program, claim: try Program(backward: missing), dims: dims, inputs: point)
    #expect(r.firstWrong?.diagnoses.first?.contains("dx misses a branch") == true)
    #expect(r.firstWrong?.expected?.contains("cos(x)") == true, "\(r.firstWrong?.expected ?? "")")
  }

  @Test func claimLinesThatAssignNoAdjointAreBadInput() throws {
    let (program, dims, point, _) = try stagedCase("cs231n")
    #expect(throws: ProgramError.self) {
      try StagedClaimCheck(program: program, claim: try Program(backward: "dq = 1"), dims: dims, inputs: point)
    }
    #expect(throws: ProgramError.self) {
      try StagedClaimCheck(program: program, claim: try Program(backward: "dx = dnum"), dims: dims, inputs: point)
    }
  }
}
