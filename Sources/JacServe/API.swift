import Foundation
import HTTPTypes
import Hummingbird
import JacCommands
import NIOCore

/// The JSON API: a request body becomes the arguments of the `jac` subcommand of the same name,
/// which runs in process (``Computation``); its output is the answer, its sentence a 400.
struct API: Sendable {
  let settings: ServerSettings
  let slots: ComputationSlots

  func answer<R: APIRequest>(_ type: R.Type, _ request: Request) async -> Response {
    do {
      let body = try await readBody(request)
      var decoded = try decode(type, body, request: request)
      try checkLengths(decoded)
      let format = decoded.format ?? "json"
      if settings.hideAnswer {
        if R.self == DeriveRequest.self || R.self == SpyRequest.self {
          throw Refusal.forbidden(
            "this server hides the answers of exercises (jac serve --hide-answer): /api/\(R.subcommand) is off; check a claim with /api/check")
        }
        if var check = decoded as? CheckRequest {
          check.hideAnswer = true
          decoded = check as! R
        }
      }
      let arguments = [R.subcommand] + (try decoded.arguments(format: format))
      let run = try await Computation.run(arguments, files: try decoded.files(), settings: settings, slots: slots)
      return respond(R.self, run, format: format, request: request)
    } catch let refusal as Refusal {
      return response(for: refusal)
    } catch let error as InProcessError {
      return .error(error.description, status: .badRequest)
    } catch is CancellationError {
      // The request's task was cancelled (the server is shutting down); so was its computation.
      return .error("the computation was cancelled: the server is shutting down", status: .serviceUnavailable)
    } catch is NIOTooManyBytesError {
      return .error(
        "the request body is larger than the \(settings.limits.maximumBodyBytes) bytes this server reads (--max-body-bytes)",
        status: .contentTooLarge)
    } catch {
      return .error("the request could not be read: \(error)", status: .badRequest)
    }
  }

  func response(for refusal: Refusal) -> Response {
    switch refusal {
    case .badInput(let s): return .error(s, status: .badRequest)
    case .forbidden(let s): return .error(s, status: .forbidden)
    case .timedOut(let limit):
      return .error(
        "the computation took longer than the \(seconds(limit)) s this server allows (--time-limit); it was cancelled",
        status: .serviceUnavailable)
    case .busy(let cap):
      let retry = max(1, Int(settings.limits.timeLimit.rounded(.up)) / 4)
      return .error(
        "the server is busy: \(cap) computation\(cap == 1 ? " is" : "s are") running, the most it runs at once (--max-concurrent); retry after \(retry) s",
        status: .serviceUnavailable, headers: [.retryAfter: "\(retry)"])
    }
  }

  private func seconds(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

  private func readBody(_ request: Request) async throws -> [UInt8] {
    if let length = request.headers[.contentLength].flatMap(Int.init), length > settings.limits.maximumBodyBytes {
      throw NIOTooManyBytesError(maxBytes: settings.limits.maximumBodyBytes)
    }
    let buffer = try await request.body.collect(upTo: settings.limits.maximumBodyBytes)
    return Array(buffer.readableBytesView)
  }

  /// The request: JSON with only known fields, or for `/api/convert` a raw `.npy` body with the
  /// other fields in the query (`?from=tensor&to=numerator&outputShape=2,2&inputShape=3,2`).
  private func decode<R: APIRequest>(_ type: R.Type, _ body: [UInt8], request: Request) throws -> R {
    if R.self == ConvertRequest.self, request.headers[.contentType]?.hasPrefix("application/octet-stream") == true {
      let q = request.uri.queryParameters
      func field(_ name: String) throws -> String {
        guard let v = q.get(name) else {
          throw Refusal.badInput("a raw .npy body needs the query parameter \(name) (from, to, outputShape, inputShape)")
        }
        return v
      }
      return ConvertRequest(
        input: Data(body).base64EncodedString(), from: try field("from"), to: try field("to"),
        outputShape: try field("outputShape"), inputShape: try field("inputShape"), format: q.get("format")) as! R
    }
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: Data(body))
    } catch {
      throw Refusal.badInput("the request body is not JSON: send an object such as {\"expression\": \"R'*R\", \"wrt\": \"R\"}")
    }
    guard let fields = object as? [String: Any] else {
      throw Refusal.badInput("the request body is JSON but not an object: send {\"field\": value, …}")
    }
    if let unknown = fields.keys.sorted().first(where: { !R.fields.contains($0) }) {
      throw Refusal.badInput(
        "the field '\(unknown)' is not one /api/\(R.subcommand) knows (it knows \(R.fields.sorted().joined(separator: ", ")))")
    }
    do {
      return try JSONDecoder().decode(R.self, from: Data(body))
    } catch let DecodingError.keyNotFound(key, _) {
      throw Refusal.badInput("the field '\(key.stringValue)' is missing")
    } catch let DecodingError.typeMismatch(expected, context) {
      throw Refusal.badInput("the field '\(path(context))' must be \(describe(expected))")
    } catch let DecodingError.valueNotFound(expected, context) {
      throw Refusal.badInput("the field '\(path(context))' must be \(describe(expected)), not null")
    } catch let DecodingError.dataCorrupted(context) {
      let field = path(context)
      throw Refusal.badInput(
        field.isEmpty ? "a field of the request has a value out of range" : "the field '\(field)' has a value out of range")
    }
  }

  private func path(_ context: DecodingError.Context) -> String {
    context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
  }

  private func describe(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: return "a string"
    case is Bool.Type: return "true or false"
    case is Int.Type: return "a whole number"
    case is Double.Type: return "a number"
    case is [String].Type: return "a list of strings"
    case is [String: String].Type: return "an object of strings"
    default: return "of another type"
    }
  }

  private func checkLengths(_ r: some APIRequest) throws {
    let limit = settings.limits.maximumExpressionLength
    for (field, text) in r.texts where text.count > limit {
      throw Refusal.badInput(
        "the \(field) is \(text.count) characters long, more than the \(limit) this server reads (--max-expression-length)")
    }
  }

  /// `text` as a header value: printable ASCII as it is, every other byte of its UTF-8 (and `%`
  /// itself) percent-encoded, so that `decodeURIComponent` in the page gives back the sentence,
  /// Unicode included (`Rᵀ` in a quoted expression), where the header once showed `?`.
  static func headerText(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
      if byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "%") {
        out.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
      }
    }
    return out
  }

  private func respond<R: APIRequest>(_ type: R.Type, _ run: InProcessRun, format: String, request: Request) -> Response {
    var headers: HTTPFields = [:]
    headers[HTTPField.Name("X-Jac-Status")!] = "\(run.status)"
    if !run.warnings.isEmpty {
      headers[HTTPField.Name("X-Jac-Warnings")!] = Self.headerText(run.warnings.joined(separator: " | "))
    }
    if R.self == SpyRequest.self {
      return .bytes(run.writtenFiles["spy.svg"] ?? [], type: "image/svg+xml", headers: headers)
    }
    if R.self == ConvertRequest.self, let npy = run.writtenFiles["output.npy"] {
      let wantsRaw = request.headers[.accept]?.contains("application/octet-stream") == true
        || request.uri.queryParameters.get("download") == "npy"
      if wantsRaw {
        headers[.contentDisposition] = "attachment; filename=\"converted.npy\""
        return .bytes(npy, type: "application/octet-stream", headers: headers)
      }
      if format == "json" {
        // The CLI's object with the converted file added, base64 (`npy`).
        var text = run.output.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasSuffix("}") {
          text.removeLast()
          text += ",\"npy\":\"\(Data(npy).base64EncodedString())\"}"
        }
        return .text(text + "\n", type: "application/json", headers: headers)
      }
    }
    switch format {
    case "json": return .text(run.output, type: "application/json", headers: headers)
    case "mathml": return .text(run.output, type: "application/xhtml+xml; charset=utf-8", headers: headers)
    default: return .text(run.output, type: "text/plain; charset=utf-8", headers: headers)
    }
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
