import Foundation
import Jacobians

/// How recorded notebook output is compared with a fresh run: as numbers, not as text.
///
/// Each output line is split into text and numbers. The text must be identical; the numbers
/// are compared by value:
/// - integers (no `.` and no exponent: sizes, indices, seeds, exit statuses) exactly;
/// - other numbers with `|actual − expected| ≤ rtol·|expected| + atol` (the toolkit's one rule,
///   `Tolerance` in Jacobians, applied to each number);
/// - error magnitudes (a number right after the word `error`, `relative` or `residual`, or the
///   value of a JSON key containing `error` or `residual`, such as `maxAbsError`) below
///   `errorFloor` by order of magnitude: both are raised to at least `noise` and must lie within
///   a factor of 10 of each other. Rounding noise (0, 4.4e-16, 2.8e-17) thus compares equal, while
///   an error that grows from 1e-11 to 9e-7 does not. Above `errorFloor` they are ordinary numbers.
/// A line that is a JSON object or array is compared parsed: the same structure (keys, array
/// lengths, types), strings by the line rule, numbers as above.
///
/// A block sets its own values on its fence: ```` ```output rtol=1e-6 atol=1e-12 ````.
struct OutputTolerance: Equatable {
  var rtol = 1e-9
  var atol = 0.0
  var errorFloor = 1e-6
  var noise = 1e-13

  static let keys = ["rtol", "atol", "errorFloor", "noise"]

  /// The tolerance of an output fence's `key=value` words (after the tag `output`).
  init(fenceWords: [String]) throws {
    for word in fenceWords {
      let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, let value = Double(parts[1]), value.isFinite, value >= 0 else {
        throw CLIError(
          "the output block option '\(word)' is not KEY=NUMBER with a non-negative number (keys: "
            + OutputTolerance.keys.joined(separator: ", ") + ")")
      }
      switch parts[0] {
      case "rtol": rtol = value
      case "atol": atol = value
      case "errorFloor": errorFloor = value
      case "noise": noise = value
      default:
        throw CLIError(
          "the output block option '\(parts[0])' is unknown (keys: " + OutputTolerance.keys.joined(separator: ", ") + ")")
      }
    }
  }

  init() {}

  /// Nil when the two lines agree; otherwise what differs, in a few words.
  func mismatch(expected: String, actual: String) -> String? {
    if expected == actual { return nil }
    let e = expected.trimmingCharacters(in: .whitespaces)
    if e.hasPrefix("{") || e.hasPrefix("[") || e.hasPrefix("\"") {
      if let ej = JSONValue(parsing: e) {
        guard let aj = JSONValue(parsing: actual.trimmingCharacters(in: .whitespaces)) else {
          return "the recorded line is JSON, the new one is not"
        }
        return mismatch(ej, aj, path: "")
      }
    }
    return mismatch(textLine: expected, actual, isErrorContext: false)
  }

  /// Compares a line (or a JSON string) split into text and numbers.
  private func mismatch(textLine expected: String, _ actual: String, isErrorContext: Bool) -> String? {
    let ep = NumberSplit.pieces(expected)
    let ap = NumberSplit.pieces(actual)
    guard ep.count == ap.count else { return "the text differs" }
    var previousText = ""
    for (x, y) in zip(ep, ap) {
      switch (x, y) {
      case (.text(let s), .text(let t)):
        guard s == t else { return "the text differs" }
        previousText = s
      case (.number(let s, let u), .number(let t, let v)):
        let isError = isErrorContext || NumberSplit.namesError(previousText)
        if let reason = mismatch(number: (s, u), (t, v), isError: isError) { return reason }
      default:
        return "the text differs"
      }
    }
    return nil
  }

  /// Compares two number tokens (their text and value).
  private func mismatch(number e: (String, Double), _ a: (String, Double), isError: Bool) -> String? {
    if e.0 == a.0 { return nil }
    if NumberSplit.isInteger(e.0) && NumberSplit.isInteger(a.0) {
      return "\(a.0) is not the recorded integer \(e.0)"
    }
    return mismatch(value: e.1, a.1, isError: isError, shown: (e.0, a.0))
  }

  private func mismatch(value e: Double, _ a: Double, isError: Bool, shown: (String, String)) -> String? {
    guard e.isFinite, a.isFinite else {
      return e == a || (e.isNaN && a.isNaN) ? nil : "\(shown.1) is not the recorded \(shown.0)"
    }
    if isError && max(abs(e), abs(a)) < errorFloor {
      let ratio = max(abs(e), noise) / max(abs(a), noise)
      if ratio <= 10 && ratio >= 0.1 { return nil }
      return "the error magnitude \(shown.1) is not within a factor of 10 of the recorded \(shown.0) "
        + "(both raised to at least \(noise))"
    }
    // The toolkit's one rule (`Tolerance`), entry by entry: |a − e| ≤ rtol·|e| + atol.
    if Tolerance(relative: rtol, absolute: atol).accepts(error: abs(a - e), scale: abs(e)) { return nil }
    return "\(shown.1) differs from the recorded \(shown.0) by more than rtol \(rtol)·|recorded| + atol \(atol)"
  }

  private func mismatch(_ e: JSONValue, _ a: JSONValue, path: String) -> String? {
    let isError = NumberSplit.namesErrorKey(path)
    switch (e, a) {
    case (.null, .null): return nil
    case (.bool(let x), .bool(let y)): return x == y ? nil : "\(path): \(y) is not the recorded \(x)"
    case (.number(let x), .number(let y)):
      return mismatch(value: x, y, isError: isError, shown: (String(x), String(y))).map { "\(path): \($0)" }
    case (.string(let x), .string(let y)):
      return mismatch(textLine: x, y, isErrorContext: false).map { "\(path): \($0)" }
    case (.array(let x), .array(let y)):
      guard x.count == y.count else { return "\(path): \(y.count) elements, the recording has \(x.count)" }
      for (k, (u, v)) in zip(x, y).enumerated() {
        // Array elements inherit the key's meaning (a list of errors is a list of errors).
        if let r = mismatch(u, v, path: "\(path)[\(k)]") { return r }
      }
      return nil
    case (.object(let x), .object(let y)):
      guard x.keys.sorted() == y.keys.sorted() else {
        return "\(path.isEmpty ? "the object" : path): keys \(y.keys.sorted()), the recording has \(x.keys.sorted())"
      }
      for key in x.keys.sorted() {
        if let r = mismatch(x[key]!, y[key]!, path: path.isEmpty ? key : "\(path).\(key)") { return r }
      }
      return nil
    default:
      return "\(path.isEmpty ? "the value" : path): another kind of JSON value than recorded"
    }
  }
}

/// A line cut into text and numbers.
enum NumberSplit {
  enum Piece: Equatable {
    case text(String)
    /// The number as printed and its value.
    case number(String, Double)
  }

  /// Splits a line: a number starts at a digit (or a sign or `.` before one) that does not
  /// continue a word (`x1`, `neuron_w2` stay text); a sign belongs to the number only at the
  /// start of the line or after a space or one of `([{,:;=`.
  static func pieces(_ line: String) -> [Piece] {
    let c = Array(line.unicodeScalars)
    var out: [Piece] = []
    var text = String.UnicodeScalarView()
    var i = 0
    func isDigit(_ k: Int) -> Bool { k < c.count && c[k].properties.numericType != nil && c[k].isASCII }
    func isWordScalar(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || s == "_" }
    while i < c.count {
      let s = c[i]
      if isWordScalar(s) {
        // A word, with any digits it contains.
        while i < c.count, isWordScalar(c[i]) || isDigit(i) {
          text.append(c[i])
          i += 1
        }
        continue
      }
      let start = i
      var j = i
      if s == "-" || s == "+" {
        let before = i == 0 ? " " : c[i - 1]
        let signContext = " \t([{,:;=".unicodeScalars.contains(before)
        if signContext && (isDigit(i + 1) || (i + 2 < c.count && c[i + 1] == "." && isDigit(i + 2))) {
          j = i + 1
        } else {
          text.append(s)
          i += 1
          continue
        }
      }
      guard isDigit(j) || (j < c.count && c[j] == "." && isDigit(j + 1) && !(j > 0 && isDigit(j - 1))) else {
        text.append(s)
        i += 1
        continue
      }
      while isDigit(j) { j += 1 }
      if j < c.count, c[j] == ".", isDigit(j + 1) {
        j += 1
        while isDigit(j) { j += 1 }
      }
      if j < c.count, c[j] == "e" || c[j] == "E" {
        var k = j + 1
        if k < c.count, c[k] == "-" || c[k] == "+" { k += 1 }
        if isDigit(k) {
          while isDigit(k) { k += 1 }
          j = k
        }
      }
      if !text.isEmpty {
        out.append(.text(String(text)))
        text = String.UnicodeScalarView()
      }
      var scalars = String.UnicodeScalarView()
      scalars.append(contentsOf: c[start..<j])
      let printed = String(scalars)
      out.append(.number(printed, Double(printed) ?? .nan))
      i = j
    }
    if !text.isEmpty { out.append(.text(String(text))) }
    return out
  }

  static func isInteger(_ printed: String) -> Bool {
    !printed.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
  }

  /// Whether the text right before a number names an error magnitude (`… error 1e-11`,
  /// `relative 3e-11`, `error: 2e-9`).
  static func namesError(_ textBefore: String) -> Bool {
    let trimmed = textBefore.trimmingCharacters(in: CharacterSet(charactersIn: " \t:=("))
    let lastWord = trimmed.split(whereSeparator: { !$0.isLetter }).last.map { $0.lowercased() } ?? ""
    return ["error", "errors", "relative", "residual"].contains(lastWord)
  }

  /// Whether a JSON key path ends in a key that names an error magnitude (`maxAbsError`).
  static func namesErrorKey(_ path: String) -> Bool {
    let key = path.split(separator: ".").last.map { String($0.prefix { $0 != "[" }).lowercased() } ?? ""
    return key.contains("error") || key.contains("residual")
  }
}

/// A parsed JSON value (through Foundation's JSONDecoder).
indirect enum JSONValue: Decodable, Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  init(from decoder: Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let b = try? c.decode(Bool.self) {
      self = .bool(b)
    } else if let x = try? c.decode(Double.self) {
      self = .number(x)
    } else if let s = try? c.decode(String.self) {
      self = .string(s)
    } else if let a = try? c.decode([JSONValue].self) {
      self = .array(a)
    } else {
      self = .object(try c.decode([String: JSONValue].self))
    }
  }

  /// The value of a JSON text, or nil when it is not JSON.
  init?(parsing text: String) {
    guard let v = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return nil }
    self = v
  }
}

/// A line diff (longest common subsequence, lines equal when `same` says so), `-` expected and
/// `+` actual, with notebook line numbers.
func lineDiff(_ a: [String], _ b: [String], firstLine: Int, same: (String, String) -> Bool) -> String {
  let n = a.count
  let m = b.count
  var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
  for i in stride(from: n - 1, through: 0, by: -1) {
    for j in stride(from: m - 1, through: 0, by: -1) {
      lcs[i][j] = same(a[i], b[j]) ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
    }
  }
  var out: [String] = []
  var i = 0
  var j = 0
  while i < n || j < m {
    if i < n, j < m, same(a[i], b[j]) {
      i += 1
      j += 1
    } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
      out.append("  + \(b[j])")
      j += 1
    } else {
      out.append(String(format: "%5d - ", firstLine + i) + a[i])
      i += 1
    }
  }
  return out.joined(separator: "\n")
}
