import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JacServe
import Testing

/// Every endpoint of `jac serve`, answered as the `jac` subcommand of the same name answers
/// (field names of shared/spec/cli.md), with numbers checked against references built here.
@Suite struct ServeEndpointTests {
  /// The closed form of ∂vec(RᵀR)/∂(vec R)ᵀ for R 3×2, written in the test (numerator layout).
  static let rtrTruth = "kron(I(2),R')+kron(R',I(2))*K(3,2)"

  @Test func deriveAnswersTheCLIsJSONFields() async throws {
    try await ServeClient.with { client in
      let r = try await ServeClient.post(client, "/api/derive", ["expression": "R'*R", "wrt": "R", "dims": "R=3x2", "check": true])
      #expect(r.status == .ok)
      #expect(r.header("Content-Type") == "application/json")
      let j = r.json
      #expect(j["outputShape"] as? [Int] == [2, 2])
      #expect(j["inputShape"] as? [Int] == [3, 2])
      #expect(j["layout"] as? String == "numerator")
      let jacobian = try #require(j["jacobian"] as? [String: Any])
      #expect(jacobian["rows"] as? Int == 4)
      #expect(jacobian["cols"] as? Int == 6)
      #expect((jacobian["mathml"] as? String)?.hasPrefix("<math") == true)
      // The check against finite differences ran, and passed.
      let check = try #require(j["check"] as? [String: Any])
      #expect(check["passed"] as? Bool == true)
    }
  }

  @Test func deriveInEveryFormat() async throws {
    try await ServeClient.with { client in
      for (format, type, marker) in [
        ("mathml", "application/xhtml+xml; charset=utf-8", "<math"), ("latex", "text/plain; charset=utf-8", "\\begin{align*}"),
        ("text", "text/plain; charset=utf-8", "numerator layout"),
      ] {
        let r = try await ServeClient.post(
          client, "/api/derive", ["expression": "R'*R", "wrt": "R", "dims": "R=3x2", "format": format, "steps": true])
        #expect(r.status == .ok, "\(format): \(r.text)")
        #expect(r.header("Content-Type") == type)
        #expect(r.text.contains(marker), "\(format)")
      }
    }
  }

  @Test func checkGivesTheVerdictAndTheDiagnosis() async throws {
    try await ServeClient.with { client in
      let right = try await ServeClient.post(
        client, "/api/check", ["expression": "R'*R", "wrt": "R", "dims": "R=3x2", "claim": [Self.rtrTruth]])
      #expect(right.status == .ok)
      #expect(right.json["holds"] as? Bool == true)
      #expect(right.header("X-Jac-Status") == "0")
      // A claim without the path through Rᵀ: wrong, and the diagnosis names the missing term.
      let wrong = try await ServeClient.post(
        client, "/api/check", ["expression": "R'*R", "wrt": "R", "dims": "R=3x2", "claim": ["kron(I(2),R')"]])
      #expect(wrong.status == .ok)
      #expect(wrong.json["holds"] as? Bool == false)
      #expect(wrong.header("X-Jac-Status") == "1")
      let diagnoses = try #require(wrong.json["diagnoses"] as? [[String: Any]])
      #expect(diagnoses.contains { $0["kind"] as? String == "dropped-term" })
      // hideAnswer: no part of the true derivative.
      let hidden = try await ServeClient.post(
        client, "/api/check",
        ["expression": "R'*R", "wrt": "R", "dims": "R=3x2", "claim": ["kron(I(2),R')"], "hideAnswer": true, "format": "text"])
      #expect(hidden.text.contains("WRONG"))
      #expect(!hidden.text.contains("truth"))
    }
  }

  @Test func checkReadsAnUploadedDenseClaim() async throws {
    // x'*x for x 3×1 at x = (1, 2, 3): the gradient is 2x, the numerator Jacobian 1×3 is 2xᵀ.
    let right = npyBytes(shape: [1, 3], values: [2, 4, 6])
    let wrong = npyBytes(shape: [1, 3], values: [1, 2, 3])
    try await ServeClient.with { client in
      for (claim, holds) in [(right, true), (wrong, false)] {
        let r = try await ServeClient.post(
          client, "/api/check",
          ["expression": "x'*x", "wrt": "x", "values": "x=[1;2;3]", "claimUpload": [Data(claim).base64EncodedString()]])
        #expect(r.status == .ok, "\(r.text)")
        #expect(r.json["holds"] as? Bool == holds)
      }
    }
  }

  @Test func valuesCanBeUploadedAsNpy() async throws {
    // F = a'*x at a = (1, 2, 3): the derivative with respect to x is aᵀ, checked by the check field.
    let a = npyBytes(shape: [3, 1], values: [1, 2, 3])
    try await ServeClient.with { client in
      let r = try await ServeClient.post(
        client, "/api/check",
        ["expression": "a'*x", "wrt": "x", "dims": "x=3x1", "uploads": ["a": Data(a).base64EncodedString()], "claim": ["[1, 2, 3]"]])
      #expect(r.status == .ok, "\(r.text)")
      #expect(r.json["holds"] as? Bool == true)
    }
  }

  @Test func chainCostsMatchTheProductsCountedByHand() async throws {
    // J1 10×100, J2 100×5, J3 5×50: left to right 10·100·5 + 10·5·50 = 7,500 multiply-adds,
    // right to left 100·5·50 + 10·100·50 = 75,000.
    try await ServeClient.with { client in
      let r = try await ServeClient.post(client, "/api/chain", ["factors": ["10x100", "100x5", "5x50"]])
      #expect(r.status == .ok)
      let orders = try #require(r.json["orders"] as? [[String: Any]])
      let cost = Dictionary(uniqueKeysWithValues: orders.map { ($0["name"] as? String ?? "", $0["multiplyAdds"] as? Double ?? -1) })
      #expect(cost["left-to-right"] == 7_500)
      #expect(cost["right-to-left"] == 75_000)
      #expect(cost["optimal"] == 7_500)
      let table = try await ServeClient.post(client, "/api/chain", ["factors": ["10x100", "100x5", "5x50"], "format": "mathml"])
      #expect(table.text.contains("<table"))
    }
  }

  @Test func convertUploadsAndDownloadsNpy() async throws {
    // A tensor T[p,q,i,j] (m,n,a,b) = (2,2,3,2) with distinct entries; numerator layout puts it
    // at J[p + q·m, i + j·a], which the test computes by definition.
    let (m, n, a, b) = (2, 2, 3, 2)
    var tensor: [Double] = []
    for p in 0..<m { for q in 0..<n { for i in 0..<a { for j in 0..<b { tensor.append(Double(1000 * p + 100 * q + 10 * i + j)) } } } }
    var reference = [Double](repeating: .nan, count: m * n * a * b)  // C order of the (mn)×(ab) matrix
    for p in 0..<m { for q in 0..<n { for i in 0..<a { for j in 0..<b {
      reference[(p + q * m) * (a * b) + (i + j * a)] = Double(1000 * p + 100 * q + 10 * i + j)
    } } } }
    let upload = npyBytes(shape: [m, n, a, b], values: tensor)
    let expected = reference
    try await ServeClient.with { client in
      let r = try await ServeClient.post(
        client, "/api/convert",
        ["input": Data(upload).base64EncodedString(), "from": "tensor", "to": "numerator", "outputShape": "2,2", "inputShape": "3,2"])
      #expect(r.status == .ok, "\(r.text)")
      #expect(r.json["shape"] as? [Int] == [4, 6])
      let npy = try #require((r.json["npy"] as? String).flatMap { Data(base64Encoded: $0) })
      #expect(npyValues(Array(npy))?.values == expected)
      // The raw body and the raw download.
      let raw = try await ServeClient.send(
        client, "/api/convert?from=tensor&to=numerator&outputShape=2,2&inputShape=3,2&download=npy", bytes: upload,
        headers: [.contentType: "application/octet-stream"])
      #expect(raw.status == .ok)
      #expect(raw.header("Content-Type") == "application/octet-stream")
      #expect(npyValues(raw.body)?.values == expected)
      #expect(npyValues(raw.body)?.shape == "'shape': (4, 6)")
    }
  }

  @Test func spyDrawsTheJacobianAsSVG() async throws {
    try await ServeClient.with { client in
      let r = try await ServeClient.post(client, "/api/spy", ["expression": "R'*R", "wrt": "R", "dims": "R=3x2"])
      #expect(r.status == .ok)
      #expect(r.header("Content-Type") == "image/svg+xml")
      #expect(r.text.contains("<svg"))
    }
  }

  @Test func pageAndOpenAPIDocument() async throws {
    try await ServeClient.with { client in
      let page = try await ServeClient.get(client, "/")
      #expect(page.status == .ok)
      #expect(page.header("Content-Type") == "text/html; charset=utf-8")
      #expect(page.text.contains("<script>") && page.text.contains("id=\"claim\""))
      // Nothing from the network: no external script, style, image or font.
      #expect(page.text.range(of: #"(src|href)="(https?:)?//"#, options: .regularExpression) == nil)
      #expect(!page.text.contains("@import"))
      let doc = try await ServeClient.get(client, "/openapi.json")
      #expect(doc.status == .ok)
      #expect(doc.json["openapi"] as? String == "3.1.0")
      let paths = try #require(doc.json["paths"] as? [String: Any])
      #expect(Set(paths.keys) == ["/api/derive", "/api/check", "/api/chain", "/api/convert", "/api/spy"])
    }
  }

  @Test func accessLogHasOneLinePerRequest() async throws {
    let lines = LogLines()
    try await ServeClient.with(log: { lines.append($0) }) { client in
      _ = try await ServeClient.post(client, "/api/derive", ["expression": "x'*x", "wrt": "x", "dims": "x=2x1"])
      _ = try await ServeClient.post(client, "/api/derive", json: "{")
    }
    let all = lines.all
    #expect(all.count == 2)
    #expect(all.first?.contains("POST /api/derive 200") == true)
    #expect(all.last?.contains("POST /api/derive 400") == true)
  }
}

final class LogLines: @unchecked Sendable {
  private let lock = NSLock()
  private var lines: [String] = []
  func append(_ s: String) { lock.withLock { lines.append(s) } }
  var all: [String] { lock.withLock { lines } }
}
