import Foundation

/// The JSON bodies of the API, field for field the options of the `jac` subcommand of the same
/// name (shared/spec/cli.md, docs/serve.md). Each becomes the argument list of that subcommand,
/// every option written `--name=value` and the expression after `--`, so that no field's text can
/// be read as another option. Options that name files have no field: `.npy` inputs come in the
/// request (base64 in `uploads`), outputs come back in the answer.
protocol APIRequest: Decodable {
  static var subcommand: String { get }
  /// The fields this request knows (any other is refused with a sentence).
  static var fields: Set<String> { get }
  /// The texts the expression-length limit applies to, with the field names.
  var texts: [(String, String)] { get }
  /// The arguments after the subcommand name, for an output `format`.
  func arguments(format: String) throws -> [String]
  /// Uploaded `.npy` files (base64 in the request), by the name the arguments use.
  func files() throws -> [String: [UInt8]]
  var format: String? { get }
}

extension APIRequest {
  func files() throws -> [String: [UInt8]] { [:] }
}

/// `seed` as `--seed` takes it: a whole number from 0.
private func seedArgument(_ seed: Int?) throws -> String? {
  guard let seed else { return nil }
  guard seed >= 0 else { throw Refusal.badInput("the field 'seed' must be a whole number from 0, not \(seed)") }
  return String(seed)
}

/// `--name=value` for the fields that are set.
private func options(_ pairs: [(String, String?)]) -> [String] {
  pairs.compactMap { name, value in value.map { "--\(name)=\($0)" } }
}

private func flag(_ name: String, _ on: Bool?) -> [String] { on == true ? ["--\(name)"] : [] }

/// Base64 `.npy` uploads `{"X": "k05VTVBZ…"}`: each is named `NAME.npy` for the command.
private func decodeUploads(_ uploads: [String: String]?, field: String) throws -> [String: [UInt8]] {
  var files: [String: [UInt8]] = [:]
  for (name, text) in uploads ?? [:] {
    guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
      throw Refusal.badInput("\(field) \(name) is not base64 (the bytes of a .npy file, base64-encoded)")
    }
    files["\(name).npy"] = Array(data)
  }
  return files
}

/// `values` as the CLI takes it ("X=[1 2; 3 4],a=2") plus one `X=X.npy` per upload.
private func valuesArgument(_ values: String?, uploads: [String: String]?) throws -> String? {
  var parts: [String] = []
  if let v = values, !v.trimmingCharacters(in: .whitespaces).isEmpty { parts.append(v) }
  for name in (uploads ?? [:]).keys.sorted() {
    guard let first = name.first, first.isLetter || first == "_", name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
    else { throw Refusal.badInput("uploads names '\(name)', which is not a variable name") }
    parts.append("\(name)=\(name).npy")
  }
  return parts.isEmpty ? nil : parts.joined(separator: ",")
}

struct DeriveRequest: APIRequest {
  static let subcommand = "derive"
  static let fields: Set<String> = [
    "expression", "wrt", "dims", "values", "uploads", "seed", "assume", "layout", "check", "steps", "order", "output",
    "format",
  ]
  var expression: String
  var wrt: String
  var dims: String?
  var values: String?
  var uploads: [String: String]?
  var seed: Int?
  var assume: String?
  var layout: String?
  var check: Bool?
  var steps: Bool?
  var order: Int?
  var output: String?
  var format: String?

  var texts: [(String, String)] { [("expression", expression)] }

  func arguments(format: String) throws -> [String] {
    options([
      ("wrt", wrt), ("dims", dims), ("values", try valuesArgument(values, uploads: uploads)),
      ("seed", try seedArgument(seed)), ("assume", assume), ("layout", layout), ("order", order.map(String.init)),
      ("output", output), ("format", format),
    ]) + flag("check", check) + flag("steps", steps) + ["--", expression]
  }
  func files() throws -> [String: [UInt8]] { try decodeUploads(uploads, field: "uploads") }
}

struct CheckRequest: APIRequest {
  static let subcommand = "check"
  static let fields: Set<String> = [
    "expression", "wrt", "claim", "claimUpload", "claimProgram", "dims", "values", "uploads", "seed", "assume",
    "layout", "tolerance", "hideAnswer", "output", "format",
  ]
  var expression: String
  var wrt: String?
  /// One claim per variable of `wrt`, in the expression language.
  var claim: [String]?
  /// Or one dense claim per variable, base64 `.npy` (the CLI's `--claim-file`).
  var claimUpload: [String]?
  var claimProgram: String?
  var dims: String?
  var values: String?
  var uploads: [String: String]?
  var seed: Int?
  var assume: String?
  var layout: String?
  var tolerance: Double?
  var hideAnswer: Bool?
  var output: String?
  var format: String?

  var texts: [(String, String)] {
    [("expression", expression)] + (claim ?? []).map { ("claim", $0) } + [claimProgram].compactMap { $0.map { ("claimProgram", $0) } }
  }

  func arguments(format: String) throws -> [String] {
    options([
      ("wrt", wrt), ("claim-program", claimProgram), ("dims", dims),
      ("values", try valuesArgument(values, uploads: uploads)), ("seed", try seedArgument(seed)), ("assume", assume),
      ("layout", layout), ("tolerance", tolerance.map { "\($0)" }), ("output", output), ("format", format),
    ]) + (claim ?? []).map { "--claim=\($0)" }
      + (claimUpload ?? []).indices.map { "--claim-file=claim\($0 + 1).npy" }
      + flag("hide-answer", hideAnswer) + ["--", expression]
  }

  func files() throws -> [String: [UInt8]] {
    var files = try decodeUploads(uploads, field: "uploads")
    for (k, text) in (claimUpload ?? []).enumerated() {
      guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
        throw Refusal.badInput("claimUpload \(k + 1) is not base64 (the bytes of a .npy file, base64-encoded)")
      }
      files["claim\(k + 1).npy"] = Array(data)
    }
    return files
  }
}

struct ChainRequest: APIRequest {
  static let subcommand = "chain"
  static let fields: Set<String> = ["factors", "order", "format"]
  /// J1 … Jk as `jac chain` takes them: "10x100", "100x100:diag", …
  var factors: [String]
  /// Extra orders, as parenthesizations like "((1 2) 3)".
  var order: [String]?
  var format: String?

  var texts: [(String, String)] { factors.map { ("factors", $0) } + (order ?? []).map { ("order", $0) } }

  func arguments(format: String) throws -> [String] {
    guard factors.count <= 1_000 else {
      throw Refusal.badInput("\(factors.count) factors are more than the 1000 jac chain reads")
    }
    return options([("format", format)]) + (order ?? []).map { "--order=\($0)" } + ["--"] + factors
  }
}

struct ConvertRequest: APIRequest {
  static let subcommand = "convert"
  static let fields: Set<String> = ["input", "from", "to", "outputShape", "inputShape", "format"]
  /// The dense derivative, base64 `.npy`.
  var input: String
  var from: String
  var to: String
  var outputShape: String
  var inputShape: String
  var format: String?

  var texts: [(String, String)] { [] }

  func arguments(format: String) throws -> [String] {
    options([
      ("from", from), ("to", to), ("output-shape", outputShape), ("input-shape", inputShape), ("format", format),
    ]) + ["--", "input.npy", "output.npy"]
  }

  func files() throws -> [String: [UInt8]] {
    guard let data = Data(base64Encoded: input, options: .ignoreUnknownCharacters) else {
      throw Refusal.badInput("input is not base64 (the bytes of a .npy file, base64-encoded)")
    }
    return ["input.npy": Array(data)]
  }
}

struct SpyRequest: APIRequest {
  static let subcommand = "spy"
  static let fields: Set<String> = ["expression", "wrt", "dims", "values", "uploads", "seed", "assume"]
  var expression: String
  var wrt: String
  var dims: String?
  var values: String?
  var uploads: [String: String]?
  var seed: Int?
  var assume: String?
  var format: String? { nil }

  var texts: [(String, String)] { [("expression", expression)] }

  func arguments(format: String) throws -> [String] {
    options([
      ("wrt", wrt), ("dims", dims), ("values", try valuesArgument(values, uploads: uploads)),
      ("seed", try seedArgument(seed)), ("assume", assume), ("output", "spy.svg"),
    ]) + ["--", expression]
  }
  func files() throws -> [String: [UInt8]] { try decodeUploads(uploads, field: "uploads") }

  private enum CodingKeys: String, CodingKey { case expression, wrt, dims, values, uploads, seed, assume }
}
