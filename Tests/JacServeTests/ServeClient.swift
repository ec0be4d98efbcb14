import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JacServe

/// A `jac serve` router under Hummingbird's router test framework, with helpers that post JSON.
struct Served: Sendable {
  let status: HTTPResponse.Status
  let headers: HTTPFields
  let body: [UInt8]
  var text: String { String(decoding: body, as: UTF8.self) }
  /// The body as a JSON object (empty when it is not one).
  var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:] }
  var error: String { json["error"] as? String ?? "" }
  func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
}

enum ServeClient {
  /// Runs `body` against a router built with `settings`; access-log lines go to `log`.
  static func with(
    _ settings: ServerSettings = ServerSettings(), log: (@Sendable (String) -> Void)? = nil,
    _ body: @Sendable (any TestClientProtocol) async throws -> Void
  ) async throws {
    let app = Application(router: JacServer.router(settings: settings, log: log))
    try await app.test(.router) { client in try await body(client) }
  }

  static func post(
    _ client: any TestClientProtocol, _ path: String, json: String, headers: HTTPFields = [:]
  ) async throws -> Served {
    try await send(client, path, bytes: Array(json.utf8), headers: headers)
  }

  static func post(_ client: any TestClientProtocol, _ path: String, _ object: [String: Any]) async throws -> Served {
    let data = try JSONSerialization.data(withJSONObject: object)
    return try await send(client, path, bytes: Array(data), headers: [:])
  }

  static func send(
    _ client: any TestClientProtocol, _ path: String, method: HTTPRequest.Method = .post, bytes: [UInt8],
    headers: HTTPFields
  ) async throws -> Served {
    try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(bytes: bytes)) { r in
      Served(status: r.status, headers: r.headers, body: Array(r.body.readableBytesView))
    }
  }

  static func get(_ client: any TestClientProtocol, _ path: String) async throws -> Served {
    try await client.execute(uri: path, method: .get) { r in
      Served(status: r.status, headers: r.headers, body: Array(r.body.readableBytesView))
    }
  }
}

/// A float64 `.npy` file (C order) built by the test, by definition of the format.
func npyBytes(shape: [Int], values: [Double]) -> [UInt8] {
  let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
  var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(dims), }"
  while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
  header += "\n"
  var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
  out += [UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)]
  out += Array(header.utf8)
  for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } }
  return out
}

/// The float64 values of an `.npy` file with a v1 header (C order).
func npyValues(_ bytes: [UInt8]) -> (shape: String, values: [Double])? {
  guard bytes.count > 10, bytes[0] == 0x93 else { return nil }
  let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
  let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
  let data = bytes[(10 + headerLength)...]
  var values: [Double] = []
  var i = data.startIndex
  while i + 8 <= data.endIndex {
    var bits: UInt64 = 0
    for k in 0..<8 { bits |= UInt64(data[i + k]) << (8 * UInt64(k)) }
    values.append(Double(bitPattern: bits))
    i += 8
  }
  let shape = header.range(of: #"'shape': \([^)]*\)"#, options: .regularExpression).map { String(header[$0]) } ?? ""
  return (shape, values)
}
