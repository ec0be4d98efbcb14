/// Size symbols (docs/language.md, "Symbolic sizes"): `--dims R=mxn` derives at a generic
/// instantiation where every symbol is a distinct prime, and prints every size through this table,
/// so that `I(53)` prints `Iₙ` when n = 53, `K(59,53)` prints `Kₘ,ₙ`, and `3127 = 59·53` prints
/// `mn`. Outside `withValue` the table is empty and sizes print as numbers.
public enum SizeSymbols {
  /// The symbol of each prime that stands for it.
  @TaskLocal public static var names: [Int: String] = [:]
  /// The value of each symbol in an instantiation, for reading `I(n)`, `K(m,n)`, `ones(n,1)` in
  /// a claim (the parser reads a size symbol through this table).
  @TaskLocal public static var values: [String: Int] = [:]

  /// The size as text: its number when no table is set; else the product of symbols it is (`mn`,
  /// `n²`, `2m`), or such a product plus or minus a small constant (`n+1`, the rows of `[x; 1]`).
  public static func text(_ n: Int) -> String { format(n, style: .unicode) }

  /// The size in the expression language, so that it parses back (`m*n`, `n^2`, `2*m`, `n+1`):
  /// `I(m*n)` is read with the symbols' values (docs/language.md).
  public static func plainText(_ n: Int) -> String { format(n, style: .plain) }

  /// The size for LaTeX (`mn`, `n^{2}`, `n+1`).
  public static func latexText(_ n: Int) -> String { format(n, style: .latex) }

  enum Style { case unicode, plain, latex }

  static func format(_ n: Int, style: Style) -> String {
    let table = names
    guard !table.isEmpty else { return String(n) }
    if let p = product(n, table, style) { return p }
    // A product of symbols plus a small constant: the nearest one.
    for c in 1...4 {
      if n - c > 1, let p = product(n - c, table, style) { return "\(p)+\(c)" }
      if let p = product(n + c, table, style) { return "\(p)\(style == .unicode ? "−" : "-")\(c)" }
    }
    return String(n)
  }

  /// `n` as a product of the table's primes (`mn`, `n²`), possibly with a numeric coefficient
  /// (`2m`), or nil when no symbol divides it; 1 is "1". The symbols are written in the order
  /// of their primes: a command gives the smaller prime to the symbol read first in the
  /// variables' shapes, so that with X n×k the length of vec X is written `nk` (docs/language.md).
  private static func product(_ n: Int, _ table: [Int: String], _ style: Style) -> String? {
    if n == 1 { return "1" }
    var rest = n
    var factors: [String] = []
    for (p, name) in table.sorted(by: { $0.key < $1.key }) {
      var k = 0
      while rest % p == 0 {
        rest /= p
        k += 1
      }
      guard k > 0 else { continue }
      switch style {
      case .unicode: factors.append(k == 1 ? name : name + superscript(k))
      case .plain: factors.append(k == 1 ? name : "\(name)^\(k)")
      case .latex: factors.append(k == 1 ? name : "\(name)^{\(k)}")
      }
    }
    guard !factors.isEmpty else { return nil }
    // A numeric coefficient left over stands first (`2m`, the columns of `[X, X]`).
    if style == .plain { return ((rest == 1 ? [] : [String(rest)]) + factors).joined(separator: "*") }
    return (rest == 1 ? "" : String(rest)) + factors.joined()
  }

  private static func superscript(_ k: Int) -> String {
    let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
    return String(String(k).compactMap { $0.wholeNumberValue.map { digits[$0] } })
  }
}

extension Shape {
  /// `m×n` under a size-symbol table, `3×2` otherwise (the same as `description`).
  public var symbolicDescription: String { "\(SizeSymbols.factor(rows))×\(SizeSymbols.factor(cols))" }
}

extension SizeSymbols {
  /// A size as a factor of `rows \times cols` in LaTeX: parenthesized when it is a sum.
  public static func latexFactor(_ n: Int) -> String {
    let t = latexText(n)
    return t.contains("+") || t.contains("-") ? "(\(t))" : t
  }

  /// A size as a factor of `rows×cols`: parenthesized when it is a sum (`(n+1)×1`).
  public static func factor(_ n: Int) -> String {
    let t = text(n)
    return t.contains("+") || t.contains("−") ? "(\(t))" : t
  }
}
