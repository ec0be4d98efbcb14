import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JacCommands
import JacServe
import MatrixCore
import Testing

/// Every class of bad request: a 400 (403, 404, 413) with one sentence naming the culprit, the
/// same sentence `jac` prints for the same input; nothing touches the file system.
@Suite struct ServeErrorTests {
  /// What `jac` says for `arguments`, run in process (the same code path as the `jac` binary).
  func cliSentence(_ arguments: [String]) -> String {
    do {
      _ = try LargeStack.run { try InProcess.run(arguments) }
      return ""
    } catch { return "\(error)" }
  }

  @Test func requestsThatAreNotTheAPIsJSON() async throws {
    try await ServeClient.with { client in
      let cases: [(String, String)] = [
        ("garbage{", "the request body is not JSON"),
        ("[1, 2]", "the request body is JSON but not an object"),
        (#"{"expression": "x", "wrt": "x", "jacobianOut": "/tmp/x.npy"}"#, "the field 'jacobianOut' is not one /api/derive knows"),
        (#"{"wrt": "x"}"#, "the field 'expression' is missing"),
        (#"{"expression": 3, "wrt": "x"}"#, "the field 'expression' must be a string"),
        (#"{"expression": "x", "wrt": "x", "check": "yes"}"#, "the field 'check' must be true or false"),
        (#"{"expression": "x", "wrt": "x", "seed": -1}"#, "the field 'seed'"),
        (#"{"expression": "x", "wrt": null}"#, "the field 'wrt'"),
      ]
      for (body, sentence) in cases {
        let r = try await ServeClient.post(client, "/api/derive", json: body)
        #expect(r.status == .badRequest, "\(body)")
        #expect(r.error.hasPrefix(sentence), "\(body): \(r.error)")
        #expect(!r.error.contains("\n") || r.error.hasPrefix("cannot parse"), "one sentence: \(r.error)")
      }
    }
  }

  @Test func badInputGetsTheCLIsSentence() async throws {
    try await ServeClient.with { client in
      let cases: [([String: Any], [String])] = [
        (["expression": "R'*", "wrt": "R", "dims": "R=3x2"], ["derive", "--wrt=R", "--dims=R=3x2", "--", "R'*"]),
        (["expression": "A*B", "wrt": "A", "dims": "A=2x3,B=2x3"], ["derive", "--wrt=A", "--dims=A=2x3,B=2x3", "--", "A*B"]),
        (["expression": "x", "wrt": "y", "dims": "x=2x1"], ["derive", "--wrt=y", "--dims=x=2x1", "--", "x"]),
        (["expression": "x", "wrt": "x", "dims": "x=2x1", "layout": "sideways"], ["derive", "--wrt=x", "--dims=x=2x1", "--layout=sideways", "--", "x"]),
        (["expression": "x", "wrt": "x", "dims": "x=2x1", "format": "pdf"], ["derive", "--wrt=x", "--dims=x=2x1", "--format=pdf", "--", "x"]),
      ]
      for (request, arguments) in cases {
        let r = try await ServeClient.post(client, "/api/derive", request)
        #expect(r.status == .badRequest, "\(request)")
        let sentence = cliSentence(arguments)
        #expect(!sentence.isEmpty)
        #expect(r.error == sentence, "\(request)")
      }
      let chain = try await ServeClient.post(client, "/api/chain", ["factors": ["10x100", "5x50"]])
      #expect(chain.status == .badRequest)
      #expect(chain.error == cliSentence(["chain", "--", "10x100", "5x50"]))
    }
  }

  @Test func fileNamesAreRefusedAndNothingIsWritten() async throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("jac-serve-\(UInt32.random(in: 0...UInt32.max)).npy").path
    try await ServeClient.with { client in
      let values = try await ServeClient.post(client, "/api/derive", ["expression": "X", "wrt": "X", "values": "X=\(path)"])
      #expect(values.status == .badRequest)
      #expect(values.error.contains("the server reads no files"))
      // A field's text is never read as another option: this is an expression, and not a valid one.
      let injected = try await ServeClient.post(
        client, "/api/derive", ["expression": "--jacobian-out=\(path)", "wrt": "X", "dims": "X=2x2"])
      #expect(injected.status == .badRequest)
      let program = try await ServeClient.post(
        client, "/api/derive", ["expression": "x", "wrt": "x", "dims": "x=--program=\(path)"])
      #expect(program.status == .badRequest)
    }
    #expect(!FileManager.default.fileExists(atPath: path))
  }

  @Test func badUploads() async throws {
    try await ServeClient.with { client in
      let notBase64 = try await ServeClient.post(
        client, "/api/derive", ["expression": "a'*x", "wrt": "x", "dims": "x=2x1", "uploads": ["a": "%%%"]])
      #expect(notBase64.status == .badRequest)
      #expect(notBase64.error == "uploads a is not base64 (the bytes of a .npy file, base64-encoded)")
      let notNpy = try await ServeClient.post(
        client, "/api/derive",
        ["expression": "a'*x", "wrt": "x", "dims": "x=2x1", "uploads": ["a": Data("hello".utf8).base64EncodedString()]])
      #expect(notNpy.status == .badRequest)
      #expect(notNpy.error.contains("a.npy") && notNpy.error.contains("is not a NumPy .npy file"), "\(notNpy.error)")
      let badName = try await ServeClient.post(
        client, "/api/derive", ["expression": "x", "wrt": "x", "dims": "x=2x1", "uploads": ["../etc": "AAAA"]])
      #expect(badName.status == .badRequest)
    }
  }

  @Test func deepAndHostileExpressionsAnswerWithoutCrashing() async throws {
    try await ServeClient.with { client in
      // Nesting the parser accepts is walked on the computation's large stack; deeper is a sentence.
      for depth in [200, 3_000] {
        let text = String(repeating: "(", count: depth) + "x" + String(repeating: ")", count: depth) + "'*x"
        let r = try await ServeClient.post(client, "/api/derive", ["expression": text, "wrt": "x", "dims": "x=2x1"])
        #expect(r.status == .ok || r.status == .badRequest, "depth \(depth): \(r.status)")
        if r.status == .badRequest { #expect(!r.error.isEmpty) }
      }
      let nul = try await ServeClient.post(client, "/api/derive", ["expression": "x\u{0}", "wrt": "x", "dims": "x=2x1"])
      #expect(nul.status == .badRequest)
    }
  }

  @Test func hideAnswerServersRefuseTheDerivative() async throws {
    try await ServeClient.with(ServerSettings(hideAnswer: true)) { client in
      let derive = try await ServeClient.post(client, "/api/derive", ["expression": "R'*R", "wrt": "R", "dims": "R=3x2"])
      #expect(derive.status == .forbidden)
      #expect(derive.error.contains("--hide-answer"))
      let spy = try await ServeClient.post(client, "/api/spy", ["expression": "R'*R", "wrt": "R", "dims": "R=3x2"])
      #expect(spy.status == .forbidden)
      // A check still answers, without the truth even when the request does not ask to hide it.
      let check = try await ServeClient.post(
        client, "/api/check", ["expression": "R'*R", "wrt": "R", "dims": "R=3x2", "claim": ["kron(I(2),R')"]])
      #expect(check.status == .ok)
      #expect(check.json["holds"] as? Bool == false)
      #expect(check.json["truth"] == nil)
      let doc = try await ServeClient.get(client, "/openapi.json")
      #expect(doc.json["x-jac-hide-answer"] as? Bool == true)
    }
  }

  @Test func unknownPathsAre404() async throws {
    try await ServeClient.with { client in
      let r = try await ServeClient.post(client, "/api/notebook", json: "{}")
      #expect(r.status == .notFound)
    }
  }
}
