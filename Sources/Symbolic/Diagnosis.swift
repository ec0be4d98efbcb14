import MatrixCore

/// What a wrong claim turned out to be, in plain words that name the sub-expression:
/// "the derivative of tanh at W*x+b is missing: the claim equals the truth without
/// diag(1 − tanh²(W x + b))".
///
/// `kind` is a stable machine word (`missing-derivative`, `transpose`, `assumption`, …; two slips
/// together are `kind1+kind2`), `where` the sub-expression of F in the expression language ("" when
/// the whole result is concerned), `text` the sentence in Unicode and `latex` the same sentence
/// with its mathematics in `$…$`.
public struct Diagnosis: Sendable, Equatable, Hashable {
  public let kind: String
  public let `where`: String
  public let text: String
  public let latex: String
  /// The pieces the sentence was made of, so that it can be said again at other sizes
  /// (`resized`); empty for a sentence given as text.
  let parts: [Part]
  /// Whether the sentence quotes a term of the true derivative ("the claim misses the term xᵀA
  /// of the derivative of …"): such a sentence gives part of the answer away, and an exercise
  /// (`jac check --hide-answer`) withholds it.
  public let quotesDerivativeTerm: Bool
  /// The other explanations of the same claim when several slips give the same mutant (each
  /// exact): the sentence names the most specific first and these after it (`DiagnosisSearch.grouped`);
  /// empty for a single explanation.
  public internal(set) var alternatives: [Diagnosis] = []
  /// The first explanation said alone (one element, for a grouped diagnosis): what an exercise
  /// (`jac check --hide-answer`) shows when the grouped sentence quotes part of the answer.
  public internal(set) var alone: [Diagnosis] = []
  /// The explanation in a few words, for the list of equal explanations after another one
  /// ("the transpose of the gradient"); empty: the whole sentence.
  var brief: [Part] = []

  public init(kind: String, where location: String, text: String, latex: String, quotesDerivativeTerm: Bool = false) {
    self.kind = kind
    self.where = location
    self.text = text
    self.latex = latex
    parts = []
    self.quotesDerivativeTerm = quotesDerivativeTerm
  }

  /// A sentence from words and mathematics, printed with the sizes as `SizeSymbols` says them now.
  init(kind: String, where location: String, _ parts: [Diagnosis.Part], quotesDerivativeTerm: Bool = false) {
    self.kind = kind
    self.where = location
    text = parts.map(\.text).joined()
    latex = parts.map(\.latex).joined()
    self.parts = parts
    self.quotesDerivativeTerm = quotesDerivativeTerm
  }

  public static func == (a: Diagnosis, b: Diagnosis) -> Bool {
    a.kind == b.kind && a.where == b.where && a.text == b.text && a.latex == b.latex
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(kind)
    hasher.combine(self.where)
    hasher.combine(text)
    hasher.combine(latex)
  }

  /// The text of the sentence (kept for callers of the former enum).
  public var sentence: String { text }

  /// The same sentence with every size in it (of the matrices it quotes, `I₆`, `K₃,₂`, and the
  /// shapes and counts it names) replaced by `size(n)`, printed with the sizes as `SizeSymbols`
  /// says them where this is called: a diagnosis found at a small instantiation of size symbols,
  /// said with the symbols (`Kₘ,ₙ`, `m×n`) under the generic instantiation's table. A sentence
  /// given as text is returned as it is.
  public func resized(_ size: (Int) -> Int) -> Diagnosis {
    guard !parts.isEmpty else { return self }
    var d = Diagnosis(kind: kind, where: self.where, parts.map { $0.resized(size) }, quotesDerivativeTerm: quotesDerivativeTerm)
    d.alternatives = alternatives.map { $0.resized(size) }
    d.alone = alone.map { $0.resized(size) }
    d.brief = brief.map { $0.resized(size) }
    return d
  }

  /// The same diagnosis with `brief` set.
  func withBrief(_ parts: [Part]) -> Diagnosis {
    var d = self
    d.brief = parts
    return d
  }

  /// `brief`, or the whole sentence.
  var briefParts: [Part] { brief.isEmpty ? sentenceParts : brief }
  /// Whether `briefParts` quotes a term of the true derivative (a brief form never does).
  var briefQuotes: Bool { brief.isEmpty && quotesDerivativeTerm }

  /// The pieces of the sentence (its words when it was given as text).
  var sentenceParts: [Part] { parts.isEmpty ? [.words(text)] : parts }

  /// Two diagnoses that hold together.
  func combined(with other: Diagnosis) -> Diagnosis {
    let location = [self.where, other.where].filter { !$0.isEmpty }.joined(separator: "; ")
    guard !parts.isEmpty, !other.parts.isEmpty else {
      return Diagnosis(
        kind: kind + "+" + other.kind, where: location,
        text: "two slips: " + text + "; and " + other.text,
        latex: "two slips: " + latex + "; and " + other.latex,
        quotesDerivativeTerm: quotesDerivativeTerm || other.quotesDerivativeTerm)
    }
    return Diagnosis(
      kind: kind + "+" + other.kind, where: location, [.words("two slips: ")] + parts + [.words("; and ")] + other.parts,
      quotesDerivativeTerm: quotesDerivativeTerm || other.quotesDerivativeTerm
    ).withBrief([.words("two slips: ")] + briefParts + [.words(" and ")] + other.briefParts)
  }

  /// A piece of a diagnosis sentence.
  enum Part: Sendable {
    case words(String)
    case math(Expression)
    /// Mathematics with its own Unicode and LaTeX spellings.
    case symbol(String, latex: String)
    /// A size (a count of entries, rows or columns): `6`, or `mn` under size symbols.
    case size(Int)
    /// A shape: `3×2`, or `m×n` under size symbols.
    case shape(Shape)

    var text: String {
      switch self {
      case .words(let w): return w
      case .math(let e): return e.unicodeText
      case .symbol(let s, _): return s
      case .size(let n): return SizeSymbols.text(n)
      case .shape(let s): return s.description
      }
    }

    var latex: String {
      switch self {
      case .words(let w): return Diagnosis.escapeLaTeX(w)
      case .math(let e): return "$" + e.latex + "$"
      case .symbol(_, let l): return "$" + l + "$"
      case .size(let n): return "$" + SizeSymbols.latexText(n) + "$"
      case .shape(let s): return "$" + SizeSymbols.latexFactor(s.rows) + " \\times " + SizeSymbols.latexFactor(s.cols) + "$"
      }
    }

    func resized(_ size: (Int) -> Int) -> Part {
      switch self {
      case .words, .symbol: return self
      case .math(let e): return .math(e.resized(size))
      case .size(let n): return .size(size(n))
      case .shape(let s): return .shape(Shape(size(s.rows), size(s.cols)))
      }
    }
  }

  /// Words escaped for LaTeX text mode.
  public static func escapeLaTeX(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "\\": out += "\\textbackslash{}"
      case "_", "%", "&", "#", "$", "{", "}": out += "\\" + String(c)
      case "~": out += "\\textasciitilde{}"
      case "^": out += "\\textasciicircum{}"
      default: out.append(c)
      }
    }
    return out
  }
}

extension Diagnosis {
  /// The whole-result slips, named as they always were.
  static let transpose = Diagnosis(
    kind: "transpose", where: "",
    [
      .words("the claim is the transpose of the Jacobian: it is in denominator layout ("),
      .symbol("(∂vec F/∂(vec X)ᵀ)ᵀ", latex: "(\\partial \\operatorname{vec} F / \\partial (\\operatorname{vec} X)^{\\top})^{\\top}"),
      .words("); read it with --layout denominator, or transpose it"),
    ]
  ).withBrief([.words("the transpose of the Jacobian (denominator layout)")])
  /// For F m×n of X a×b: the claim is `K(m,n)·J·K(b,a)`, said with F's and X's sizes.
  static func rowMajor(output f: Shape, input x: Shape, variable: String) -> Diagnosis {
    Diagnosis(
      kind: "row-major", where: "",
      [
        .words("the claim is the Jacobian under row-major flattening (NumPy ravel, C order), "),
        .math(.product(.product(.commutation(f.rows, f.cols), .variable("J")), .commutation(x.cols, x.rows))),
        .words(" where J is the Jacobian (F "), .shape(f), .words(", \(variable) "), .shape(x),
        .words("); with vec stacking columns the commutation matrices belong elsewhere"),
      ]
    ).withBrief([.words("the Jacobian under row-major flattening")])
  }
  static let rowMajorTranspose = Diagnosis(
    kind: "row-major-transpose", where: "",
    [.words("the claim is the transpose of the Jacobian under row-major flattening (denominator layout and NumPy ravel order)")]
  ).withBrief([.words("the transpose of the Jacobian under row-major flattening")])
  static let gradientTranspose = Diagnosis(
    kind: "gradient-transpose", where: "",
    [.words("the claim is the transpose of the gradient: a gradient in the shape convention has the shape of the variable")]
  ).withBrief([.words("the transpose of the gradient")])

  /// The claim is c times the truth, at `points` points (two when confirmed, one for a claim
  /// about one point).
  static func scaled(_ c: Double, points: Int = 2) -> Diagnosis {
    let at = points > 1 ? "at two points" : "at the point"
    if c == -1 {
      return Diagnosis(kind: "sign", where: "", [.words("the claim has the wrong sign: it is −1 times the Jacobian \(at)")])
    }
    let n = ClaimCheck.format(c)
    let same = points > 1 ? "the same ratio at two points" : "at the point"
    // A small whole factor: say which.
    var which = ""
    if let k = Diagnosis.smallWhole(1 / c) {
      which = ", a factor \(k) is missing"
    } else if let k = Diagnosis.smallWhole(c) {
      which = ", a factor \(k) too many (or a factor 1/\(k) lost)"
    } else if let k = Diagnosis.smallWhole(-1 / c) {
      which = ", a factor \(k) is missing and the sign is wrong"
    } else if let k = Diagnosis.smallWhole(-c) {
      which = ", a factor \(k) too many (or a factor 1/\(k) lost) and the sign is wrong"
    }
    return Diagnosis(
      kind: "scaled", where: "",
      [.words("the whole claim is \(n) times the truth (\(same)): a constant factor is off\(which)")]
    ).withBrief([.words("the whole claim \(n) times the truth")])
  }

  /// x when it is a whole number from 2 to 10 (within rounding).
  static func smallWhole(_ x: Double) -> Int? {
    let r = x.rounded()
    guard r >= 2, r <= 10, abs(x - r) <= 1e-6 * r else { return nil }
    return Int(r)
  }

  /// A factor on the entries that belong to the diagonal of X (or off it).
  static func diagonalFactor(_ factor: Double, onDiagonal: Bool, variable: String) -> Diagnosis {
    let part = onDiagonal ? "on the diagonal" : "off the diagonal"
    let what = factor == 2 ? "twice" : "half"
    return Diagnosis(
      kind: "diagonal-factor", where: variable,
      [
        .words(
          "the entries that belong to \(variable)'s \(onDiagonal ? "diagonal" : "off-diagonal") entries are \(what) what they should be: "
            + "the claim equals the truth with a factor \(ClaimCheck.format(factor)) \(part)")
      ])
  }
}
