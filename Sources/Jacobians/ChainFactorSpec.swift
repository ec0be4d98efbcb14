// The factor syntax of `jac chain` (shared/spec/cli.md) and its printed form.
//
//     RxC                      dense, e.g. 100x50
//     RxC:diag                 diagonal (R = C)
//     RxC:identity             identity (R = C)
//     RxC:zero                 zero
//     RxC:kron(R1xC1,R2xC2)    Kronecker product, R = R1·R2 and C = C1·C2
//
// The two parts of `kron` are factors in the same syntax, so `kron(4x4:identity,3x2)` is I₄ ⊗ B.
// `×` may be written for `x`; spaces are allowed around `:`, `(`, `,` and `)`.

import MatrixCore

extension FactorSignature {
  /// Reads a factor in `jac chain`'s syntax: `RxC`, `RxC:diag`, `RxC:identity`, `RxC:zero`,
  /// `RxC:kron(R1xC1,R2xC2)`.
  ///
  ///     try FactorSignature(spec: "6x6:kron(2x3,3x2)")   // 6x6:kron(2x3,3x2)
  ///
  /// - Throws: `ChainError.invalidFactorSpec` with one sentence: a malformed size, a zero size,
  ///   a non-square diagonal or identity, an unknown structure, Kronecker factors whose sizes do
  ///   not multiply to R×C, or trailing text.
  /// - Complexity: O(length of the text).
  public init(spec: String) throws {
    var p = FactorSpecParser(text: spec)
    let s = try p.parseFactor()
    p.skipSpace()
    if p.pos < p.chars.count {
      throw p.fail("has unexpected text “\(String(p.chars[p.pos...]))” after the factor")
    }
    self = s
  }

  /// The structure in the syntax after `RxC:` (`dense`, `diag`, `identity`, `zero`,
  /// `kron(2x3,3x2)`); kinds that the syntax cannot express are written descriptively
  /// (`commutation(3,4)`, `scaled(2,…)`, `sum(…)`, `product(…)`). The `structure` field of
  /// `jac chain`'s JSON.
  public var structureText: String {
    func spec(_ o: Operator<Shapes>) -> String { FactorSignature(o).specText }
    switch op {
    case .dense: return "dense"
    case .diagonal: return "diag"
    case .identity(_, let s): return s == 1 ? "identity" : "identity(scale \(scaleText(s)))"
    case .zero: return "zero"
    case .kronecker(let a, let b): return "kron(\(spec(a)),\(spec(b)))"
    case .commutation(let k): return "commutation(\(k.m),\(k.n))"
    case .scaled(let s, let a): return "scaled(\(scaleText(s)),\(spec(a)))"
    case .sum(let t): return "sum(" + t.map(spec).joined(separator: ",") + ")"
    case .product(let f): return "product(" + f.map(spec).joined(separator: ",") + ")"
    }
  }

  /// The whole factor in `jac chain`'s syntax: `RxC` for dense, `RxC:structure` otherwise.
  /// For the kinds the syntax has, `FactorSignature(spec: s.specText) == s`.
  public var specText: String {
    if case .dense = op { return "\(rows)x\(cols)" }
    return "\(rows)x\(cols):\(structureText)"
  }

  public var description: String { specText }
}

private func scaleText(_ s: Double) -> String {
  if s.isNaN { return "s" }
  if s == s.rounded(), abs(s) < 1e15 { return String(Int64(s)) }
  return "\(s)"
}

private struct FactorSpecParser {
  let text: String
  let chars: [Character]
  var pos = 0

  init(text: String) {
    self.text = text
    self.chars = Array(text)
  }

  func fail(_ reason: String) -> ChainError { .invalidFactorSpec(spec: text, reason: reason) }

  mutating func skipSpace() {
    while pos < chars.count, chars[pos].isWhitespace { pos += 1 }
  }

  mutating func accept(_ c: Character) -> Bool {
    skipSpace()
    if pos < chars.count, chars[pos] == c {
      pos += 1
      return true
    }
    return false
  }

  mutating func number() throws -> Int? {
    skipSpace()
    var value = 0
    var digits = 0
    while pos < chars.count, chars[pos].isASCII, let d = chars[pos].wholeNumberValue {
      let (v1, o1) = value.multipliedReportingOverflow(by: 10)
      let (v2, o2) = v1.addingReportingOverflow(d)
      if o1 || o2 { throw fail("has a size too large to count") }
      value = v2
      digits += 1
      pos += 1
    }
    return digits == 0 ? nil : value
  }

  static let sizeHelp =
    "is not a factor: write RxC (e.g. 100x50), optionally followed by :diag, :identity, :zero or "
    + ":kron(R1xC1,R2xC2)"

  mutating func parseFactor() throws -> FactorSignature {
    guard let r = try number() else { throw fail(Self.sizeHelp) }
    skipSpace()
    guard pos < chars.count, chars[pos] == "x" || chars[pos] == "X" || chars[pos] == "×" else {
      throw fail(Self.sizeHelp)
    }
    pos += 1
    guard let c = try number() else { throw fail(Self.sizeHelp) }
    guard r >= 1, c >= 1 else { throw fail("has a size of 0; every size must be at least 1") }
    guard Shape(r, c).checkedCount != nil else { throw fail("has a size too large to count") }
    guard accept(":") else { return .dense(r, c) }
    skipSpace()
    let start = pos
    while pos < chars.count, chars[pos].isLetter { pos += 1 }
    let word = String(chars[start..<pos])
    switch word {
    case "dense":
      return .dense(r, c)
    case "diag", "diagonal":
      guard r == c else { throw fail("is diagonal but \(r)×\(c); a diagonal factor must be square") }
      return .diagonal(r)
    case "identity":
      guard r == c else { throw fail("is an identity but \(r)×\(c); an identity factor must be square") }
      return .identity(r)
    case "zero":
      return .zero(r, c)
    case "kron":
      guard accept("(") else { throw fail("needs its two factors in parentheses: kron(R1xC1,R2xC2)") }
      let a = try parseFactor()
      guard accept(",") else { throw fail("needs two factors separated by a comma: kron(R1xC1,R2xC2)") }
      let b = try parseFactor()
      guard accept(")") else { throw fail("needs a ‘)’ after its second factor: kron(R1xC1,R2xC2)") }
      let (kr, o1) = a.rows.multipliedReportingOverflow(by: b.rows)
      let (kc, o2) = a.cols.multipliedReportingOverflow(by: b.cols)
      guard !o1, !o2, kr == r, kc == c else {
        let made = o1 || o2 ? "sizes too large to count" : "\(kr)×\(kc)"
        throw fail(
          "is \(r)×\(c) but its Kronecker factors \(a.rows)×\(a.cols) and \(b.rows)×\(b.cols) make \(made); "
            + "R must be R1·R2 and C must be C1·C2")
      }
      return .kronecker(a, b)
    case "":
      throw fail("has nothing after ‘:’; use diag, identity, zero or kron(R1xC1,R2xC2)")
    default:
      throw fail("has an unknown structure “\(word)”; use diag, identity, zero or kron(R1xC1,R2xC2)")
    }
  }
}
