import Foundation

/// How `--format json` is written: a `Codable` record encoded by Foundation's `JSONEncoder` on one
/// line, keys sorted (the same text on every platform), slashes unescaped. Numbers carry at most
/// 15 significant digits (`JSONNumber`): the 16th and 17th are rounding noise that differs between
/// CPUs and BLAS kernels; a number that is not finite is written `null`.
///
/// The records (`DeriveOutput`, `CheckOutput`, `ConvertRecord`, `ChainReportRecord`) hold the
/// field names of `shared/spec/cli.md`; `JacRecords` computes them without printing, for a server.
public enum JacJSON {
  /// The encoder every record goes through.
  public static func encoder() -> JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return e
  }

  /// The JSON of `value`, one line, UTF-8.
  public static func data<T: Encodable>(_ value: T) throws -> Data { try encoder().encode(value) }

  /// The JSON of `value` as text, as `jac … --format json` prints it.
  public static func string<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try data(value), as: UTF8.self)
  }

  /// `x` with at most 15 significant digits (a decimal of 15 digits survives the trip through a
  /// Double, so `JSONEncoder`'s shortest form of the result has at most 15).
  static func rounded(_ x: Double) -> Double {
    guard x.isFinite else { return x }
    return Double(String(format: "%.15g", x)) ?? x
  }
}

/// A number of a JSON record: written with at most 15 significant digits, `null` when not finite
/// (read back as NaN).
@propertyWrapper
public struct JSONNumber: Codable, Sendable, Equatable {
  public var wrappedValue: Double

  public init(wrappedValue: Double) { self.wrappedValue = wrappedValue }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.singleValueContainer()
    if wrappedValue.isFinite { try c.encode(JacJSON.rounded(wrappedValue)) } else { try c.encodeNil() }
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.singleValueContainer()
    wrappedValue = c.decodeNil() ? .nan : try c.decode(Double.self)
  }
}

/// An optional number of a JSON record: the field is left out when nil; otherwise as `JSONNumber`.
@propertyWrapper
public struct OptionalJSONNumber: Codable, Sendable, Equatable {
  public var wrappedValue: Double?

  public init(wrappedValue: Double?) { self.wrappedValue = wrappedValue }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.singleValueContainer()
    if let x = wrappedValue { try c.encode(JSONNumber(wrappedValue: x)) } else { try c.encodeNil() }
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.singleValueContainer()
    wrappedValue = c.decodeNil() ? nil : try c.decode(JSONNumber.self).wrappedValue
  }
}

// Synthesized `Codable` calls these for `@OptionalJSONNumber` properties (a concrete overload is
// preferred to the generic one): nil leaves the key out, and a missing key reads as nil, as for
// a plain optional.
extension KeyedEncodingContainer {
  public mutating func encode(_ value: OptionalJSONNumber, forKey key: Key) throws {
    try encodeIfPresent(value.wrappedValue.map(JSONNumber.init(wrappedValue:)), forKey: key)
  }
}

extension KeyedDecodingContainer {
  public func decode(_ type: OptionalJSONNumber.Type, forKey key: Key) throws -> OptionalJSONNumber {
    OptionalJSONNumber(wrappedValue: try decodeIfPresent(JSONNumber.self, forKey: key)?.wrappedValue)
  }
}

/// A size in a JSON shape: a number, or a size symbol (`"n"`) under symbolic `--dims`.
public enum JSONSize: Codable, Sendable, Equatable, ExpressibleByIntegerLiteral {
  case number(Int)
  case symbol(String)

  public init(integerLiteral value: Int) { self = .number(value) }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.singleValueContainer()
    switch self {
    case .number(let n): try c.encode(n)
    case .symbol(let s): try c.encode(s)
    }
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.singleValueContainer()
    if let n = try? c.decode(Int.self) { self = .number(n) } else { self = .symbol(try c.decode(String.self)) }
  }
}

extension Array where Element == JSONSize {
  /// `[rows, cols]` of a concrete shape.
  init(_ rows: Int, _ cols: Int) { self = [.number(rows), .number(cols)] }
}
