import MatrixCore

extension SizeSymbols {
  /// The value of a size written with the symbols, as results print sizes (docs/language.md):
  /// `n`, `mn` (a product of symbols written together), `2m`, `n²`, `n^2`, `m*n`, `n+1`, `n−1`,
  /// `(n+1)m`, read with the symbols' `values`. A run of letters is one symbol when it is one,
  /// else the longest symbols it splits into (`mn` is m·n unless a symbol is named mn).
  /// Nil when the text is not such a size, names a symbol without a value, or is not positive.
  public static func value(of text: String) -> Int? {
    var reader = SizeTextReader(Array(text), values: values)
    guard let v = reader.sum(), reader.atEnd, v > 0 else { return nil }
    return v
  }
}

/// A recursive-descent reader of size text (`SizeSymbols.value(of:)`).
private struct SizeTextReader {
  let characters: [Character]
  let values: [String: Int]
  var index = 0
  static let limit = 1 << 24

  init(_ characters: [Character], values: [String: Int]) {
    self.characters = characters
    self.values = values
  }

  var atEnd: Bool {
    mutating get {
      skipSpaces()
      return index == characters.count
    }
  }

  mutating func skipSpaces() { while index < characters.count, characters[index] == " " { index += 1 } }

  func peek() -> Character? { index < characters.count ? characters[index] : nil }

  mutating func sum() -> Int? {
    guard var total = term() else { return nil }
    while true {
      skipSpaces()
      guard let c = peek(), c == "+" || c == "-" || c == "−" else { return total }
      index += 1
      guard let t = term() else { return nil }
      total = c == "+" ? total + t : total - t
      guard abs(total) <= Self.limit else { return nil }
    }
  }

  /// Factors multiplied, written together (`2mn`) or with `*`/`·`.
  mutating func term() -> Int? {
    guard var product = factor() else { return nil }
    while true {
      skipSpaces()
      guard let c = peek() else { return product }
      if c == "*" || c == "·" {
        index += 1
      } else if !(c.isLetter || c.isNumber || c == "(") || c.superscriptDigit != nil {
        return product
      }
      guard let f = factor() else { return nil }
      let (p, overflow) = product.multipliedReportingOverflow(by: f)
      guard !overflow, abs(p) <= Self.limit else { return nil }
      product = p
    }
  }

  /// An atom with an optional power (`n²`, `n^2`).
  mutating func factor() -> Int? {
    guard let base = atom() else { return nil }
    skipSpaces()
    var exponent: Int? = nil
    if peek() == "^" {
      index += 1
      skipSpaces()
      var digits = ""
      while let c = peek(), c.isASCIIDigit {
        digits.append(c)
        index += 1
      }
      exponent = Int(digits)
      if exponent == nil { return nil }
    } else {
      var digits = ""
      while let d = peek()?.superscriptDigit {
        digits.append(d)
        index += 1
      }
      if !digits.isEmpty { exponent = Int(digits) }
    }
    guard let k = exponent else { return base }
    guard k <= 8 else { return nil }
    var p = 1
    for _ in 0..<k {
      let (q, overflow) = p.multipliedReportingOverflow(by: base)
      guard !overflow, abs(q) <= Self.limit else { return nil }
      p = q
    }
    return p
  }

  mutating func atom() -> Int? {
    skipSpaces()
    guard let c = peek() else { return nil }
    if c == "(" {
      index += 1
      guard let v = sum() else { return nil }
      skipSpaces()
      guard peek() == ")" else { return nil }
      index += 1
      return v
    }
    if c.isASCIIDigit {
      var digits = ""
      while let d = peek(), d.isASCIIDigit {
        digits.append(d)
        index += 1
      }
      return Int(digits).flatMap { $0 <= Self.limit ? $0 : nil }
    }
    guard c.isIdentifierHead else { return nil }
    let start = index
    while let d = peek(), d.isIdentifierBody { index += 1 }
    return symbols(String(characters[start..<index]))
  }

  /// A name that is a symbol, or the product of the longest symbols it splits into.
  func symbols(_ name: String) -> Int? {
    if let v = values[name] { return v }
    let chars = Array(name)
    var product = 1
    var i = 0
    while i < chars.count {
      var matched = false
      for end in stride(from: chars.count, to: i, by: -1) {
        if let v = values[String(chars[i..<end])] {
          let (p, overflow) = product.multipliedReportingOverflow(by: v)
          guard !overflow, p <= Self.limit else { return nil }
          product = p
          i = end
          matched = true
          break
        }
      }
      if !matched { return nil }
    }
    return product
  }
}
