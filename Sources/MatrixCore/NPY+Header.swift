import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// The header of an `.npy` file: its magic bytes and the Python dictionary literal that
// describes the array (`NPYHeaderParser`), read by `NPYArray.init(data:name:)`.

let npyMagic: [UInt8] = [0x93] + Array("NUMPY".utf8)

/// The descr strings that mean little-endian float64 here.
let npyFloat64Descrs: Set<String> = {
  #if _endian(little)
    return ["<f8", "=f8", "f8"]
  #else
    return ["<f8"]
  #endif
}()

/// The three entries of an `.npy` header dictionary.
struct NPYHeader {
  var descr: PyLiteral
  var fortranOrder: Bool
  var shape: [Int]
}

/// The Python literals an `.npy` header can hold.
indirect enum PyLiteral: Equatable {
  case string(String), int(String), bool(Bool), none, tuple([PyLiteral]), list([PyLiteral])

  /// The literal as Python's `repr` writes it.
  var repr: String {
    switch self {
    case .string(let s): return "'\(s)'"
    case .int(let digits): return digits
    case .bool(let b): return b ? "True" : "False"
    case .none: return "None"
    case .tuple(let items):
      return items.count == 1 ? "(\(items[0].repr),)" : "(\(items.map(\.repr).joined(separator: ", ")))"
    case .list(let items): return "[\(items.map(\.repr).joined(separator: ", "))]"
    }
  }
}

/// A parser for the header dictionary, a Python literal such as
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }`.
struct NPYHeaderParser {
  struct Malformed: Error { var what: String }

  private let text: [Unicode.Scalar]
  private var i = 0
  private static let maxDepth = 32

  init(_ text: [Unicode.Scalar]) { self.text = text }

  mutating func header() throws -> NPYHeader {
    skipSpace()
    try expect("{", "it does not start with '{'")
    var entries: [String: PyLiteral] = [:]
    while true {
      skipSpace()
      if peek == nil { throw fail("expected a quoted key or '}'") }
      if take("}") { break }
      guard case .string(let key) = try value(depth: 1) else { throw fail("a key is not a quoted string") }
      skipSpace()
      try expect(":", "expected ':' after the key '\(key)'")
      skipSpace()
      guard entries.updateValue(try value(depth: 1), forKey: key) == nil else {
        throw Malformed(what: "the key '\(key)' appears twice")
      }
      skipSpace()
      if take("}") { break }
      try expect(",", "expected ',' or '}' after the value of '\(key)'")
    }
    skipSpace()
    guard i == text.count else { throw fail("unexpected text after the closing '}'") }
    let keys = ["descr", "fortran_order", "shape"]
    if let extra = entries.keys.sorted().first(where: { !keys.contains($0) }) {
      throw Malformed(
        what: "unexpected key '\(extra)'; the keys must be exactly 'descr', 'fortran_order' and 'shape'")
    }
    guard let descr = entries["descr"], let fortran = entries["fortran_order"], let shape = entries["shape"]
    else {
      let missing = keys.filter { entries[$0] == nil }.map { "'\($0)'" }.joined(separator: ", ")
      throw Malformed(what: "it lacks \(missing)")
    }
    guard case .bool(let fortranOrder) = fortran else {
      throw Malformed(what: "'fortran_order' is \(fortran.repr), not True or False")
    }
    guard case .tuple(let items) = shape else {
      throw Malformed(what: "'shape' is \(shape.repr), not a tuple of sizes")
    }
    var sizes: [Int] = []
    for item in items {
      guard case .int(let digits) = item else {
        throw Malformed(what: "'shape' \(shape.repr) holds \(item.repr), not a size")
      }
      guard let n = Int(digits) else { throw Malformed(what: "the size \(digits) in 'shape' is too large") }
      guard n >= 0 else { throw Malformed(what: "'shape' \(shape.repr) has a negative size") }
      sizes.append(n)
    }
    return NPYHeader(descr: descr, fortranOrder: fortranOrder, shape: sizes)
  }

  private var peek: Unicode.Scalar? { i < text.count ? text[i] : nil }

  private func fail(_ what: String) -> Malformed { Malformed(what: "\(what) at character \(i)") }

  private mutating func take(_ c: Unicode.Scalar) -> Bool {
    guard peek == c else { return false }
    i += 1
    return true
  }

  private mutating func expect(_ c: Unicode.Scalar, _ what: String) throws {
    guard take(c) else { throw fail(what) }
  }

  private mutating func skipSpace() {
    while let c = peek, c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1 }
  }

  private mutating func value(depth: Int) throws -> PyLiteral {
    guard depth <= Self.maxDepth else { throw fail("values are nested more than \(Self.maxDepth) deep") }
    guard let c = peek else { throw fail("the header ends where a value should be") }
    switch c {
    case "'", "\"":
      i += 1
      var s = String.UnicodeScalarView()
      while let d = peek, d != c {
        i += 1
        if d == "\\", let e = peek {
          s.append(e)
          i += 1
        } else {
          s.append(d)
        }
      }
      try expect(c, "a string is not closed")
      return .string(String(s))
    case "(", "[":
      i += 1
      let close: Unicode.Scalar = c == "(" ? ")" : "]"
      var items: [PyLiteral] = []
      var sawComma = false
      while true {
        skipSpace()
        if take(close) { break }
        items.append(try value(depth: depth + 1))
        skipSpace()
        if take(close) { break }
        try expect(",", "expected ',' or '\(close)'")
        sawComma = true
      }
      if c == "[" { return .list(items) }
      if items.count == 1 && !sawComma { return items[0] }  // (5) is 5, not a tuple
      return .tuple(items)
    case "-", "+", "0"..."9":
      let start = i
      i += 1
      while let d = peek, ("0"..."9").contains(d) { i += 1 }
      guard ("0"..."9").contains(text[i - 1]) else { throw fail("a sign without digits") }
      return .int(String(String.UnicodeScalarView(text[(c == "+" ? start + 1 : start)..<i])))
    default:
      let start = i
      while let d = peek, d.properties.isAlphabetic || d == "_" || ("0"..."9").contains(d) { i += 1 }
      switch String(String.UnicodeScalarView(text[start..<i])) {
      case "True": return .bool(true)
      case "False": return .bool(false)
      case "None": return .none
      case "": throw fail("unexpected character '\(c)'")
      case let name:
        i = start
        throw fail("unexpected name '\(name)'")
      }
    }
  }
}
