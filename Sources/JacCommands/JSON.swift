import Foundation

/// A minimal JSON value with deterministic key order, for `--format json` output. Numbers are
/// printed with at most 15 significant digits (integral values below 1e15 as integers).
indirect enum JSON {
  case string(String)
  case number(Double)
  case int(Int)
  case bool(Bool)
  case null
  case array([JSON])
  case object([(String, JSON)])

  static func ints(_ values: [Int]) -> JSON { .array(values.map { .int($0) }) }

  var rendered: String {
    switch self {
    case .string(let s): return JSON.quote(s)
    case .number(let x):
      guard x.isFinite else { return "null" }
      if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
      // At most 15 significant digits: the 16th and 17th are rounding noise that differs
      // between CPUs and BLAS kernels.
      return String(format: "%.15g", x)
    case .int(let i): return String(i)
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    case .array(let a): return "[" + a.map(\.rendered).joined(separator: ",") + "]"
    case .object(let o): return "{" + o.map { JSON.quote($0.0) + ":" + $0.1.rendered }.joined(separator: ",") + "}"
    }
  }

  static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
      }
    }
    return out + "\""
  }
}
