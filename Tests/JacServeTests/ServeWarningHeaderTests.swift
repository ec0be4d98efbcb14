import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import JacServe

/// How jac read an expression (the CLI's stderr notes) reaches the page: the `X-Jac-Warnings`
/// header, percent-encoded UTF-8.
@Suite struct ServeWarningHeaderTests {
  /// Decodes a header value as the page's `decodeURIComponent` does: `%XX` bytes as UTF-8.
  static func decoded(_ header: String) -> String? { header.removingPercentEncoding }

  @Test func theSlashNoteComesBackWhole() async throws {
    try await ServeClient.with { client in
      let r = try await ServeClient.post(
        client, "/api/derive", ["expression": "1/2*norm(x)^2", "wrt": "x", "dims": "x=3x1"])
      #expect(r.status == .ok, "\(r.text)")
      let header = try #require(r.header("X-Jac-Warnings"))
      #expect(header.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F })
      #expect(
        Self.decoded(header)
          == "note: / binds more loosely than * here, so 1/2*norm(x)^2 is read as 1/(2*norm(x)^2); for the left-to-right reading of MATLAB and NumPy write (1/2)*norm(x)^2",
        "\(header)")
      // An expression that reads the same both ways has no header.
      let plain = try await ServeClient.post(
        client, "/api/derive", ["expression": "norm(x)^2/2", "wrt": "x", "dims": "x=3x1"])
      #expect(plain.header("X-Jac-Warnings") == nil)
    }
  }

  /// Unicode and `%` survive the header (they were replaced by `?`).
  @Test(arguments: ["Rᵀ ⊗ I₂ is read as …", "100% of 1/2·x", "plain ASCII | two notes", "tab\there"])
  func headerTextRoundTrips(_ text: String) {
    let header = API.headerText(text)
    #expect(header.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }, "\(header)")
    #expect(Self.decoded(header) == text, "\(header)")
  }
}
