import Foundation
import MatrixCore

/// A run of a printed expression, LaTeX and MathML side by side, with where a line may break.
struct PrintPiece {
  enum Break { case none, beforeSign, betweenFactors }
  var latex: String
  var mathML: String
  /// Width in characters of `unicodeText`, which tracks the rendered width.
  var width: Int
  /// `.beforeSign`: the piece is `+` or `−` and may begin a new line; `.betweenFactors`: the piece
  /// is the juxtaposition of a product, which becomes `·` at the start of a new line.
  var kind: Break = .none
  /// How many parentheses or function arguments enclose the piece: lines break at the
  /// shallowest point that fits.
  var depth = 0

  static func token(_ latex: String, _ mathML: String, width: Int = 1, kind: Break = .none) -> PrintPiece {
    PrintPiece(latex: latex, mathML: mathML, width: width, kind: kind)
  }
}

extension Expression {
  /// The terms of the outermost sum, with their signs, left to right:
  /// `a - b + (c - d)` → `[(+, a), (−, b), (+, c − d)]`. An expression that is no sum is one
  /// positive term.
  public var signedTerms: [(negative: Bool, term: Expression)] {
    switch self {
    case .add(let a, let b): return a.signedTerms + [(false, b)]
    case .subtract(let a, let b): return a.signedTerms + [(true, b)]
    default: return [(false, self)]
    }
  }

  /// The expression as pieces whose concatenation is `latex` (and, as MathML, `mathML`), with
  /// break points before the signs of sums at any depth (inside parentheses and function
  /// arguments too) and between the factors of products. Fractions, roots, superscripts and
  /// subscripts stay whole.
  func printPieces() -> [PrintPiece] {
    switch self {
    case .add, .subtract:
      var out: [PrintPiece] = []
      for (k, t) in signedTerms.enumerated() {
        if k == 0 {
          out += t.term.operandPieces(parenthesized: t.term.needsDisplayParentheses(atLeast: .sum))
        } else {
          out.append(.token(t.negative ? " - " : " + ", MathML.op(t.negative ? "−" : "+"), width: 3, kind: .beforeSign))
          let wrap: Bool
          switch t.term {
          case .add, .subtract, .kronecker: wrap = true
          default: wrap = false
          }
          out += t.term.operandPieces(parenthesized: wrap)
        }
      }
      return out
    case .product(let a, let b):
      let dot = b.latex(aboveProduct: true).first.map { $0.isASCIIDigit || $0 == "-" } ?? false
      return a.operandPieces(parenthesized: a.lineBreakParentheses(atLeast: .product))
        + [.token(dot ? " \\cdot " : " ", MathML.op(dot ? "⋅" : "\u{2062}"), kind: .betweenFactors)]
        + b.operandPieces(parenthesized: b.lineBreakParentheses(above: .product))
    case .divide(let a, let b) where a.unicodeText.count > Expression.longNumerator:
      // A long numerator goes after its fraction, where it can break: 1/‖r‖ · (rᵀ dr).
      let reciprocal = PrintPiece.token(
        "\\frac{1}{\(b.latex)}", "<mfrac><mn>1</mn>\(b.mathML)</mfrac>", width: max(3, b.unicodeText.count))
      let dot = a.latex(aboveProduct: true).first.map { $0.isASCIIDigit || $0 == "-" } ?? false
      return [reciprocal, .token(dot ? " \\cdot " : " ", MathML.op(dot ? "⋅" : "\u{2062}"), kind: .betweenFactors)]
        + a.operandPieces(parenthesized: a.lineBreakParentheses(above: .product))
    case .hadamard(let a, let b), .hadamardQuotient(let a, let b):
      let (l, m): (String, String) = {
        if case .hadamard = self { return (" \\odot ", "⊙") } else { return (" \\oslash ", "⊘") }
      }()
      return a.operandPieces(parenthesized: a.lineBreakParentheses(atLeast: .hadamard))
        + [.token(l, MathML.op(m), width: 3, kind: .betweenFactors)]
        + b.operandPieces(parenthesized: b.lineBreakParentheses(above: .hadamard))
    case .kronecker(let a, let b):
      return a.operandPieces(parenthesized: a.lineBreakParentheses(above: .product))
        + [.token(" \\otimes ", MathML.op("⊗"), width: 3, kind: .betweenFactors)]
        + b.operandPieces(parenthesized: b.lineBreakParentheses(above: .product))
    case .negate(let a):
      return [.token("-", MathML.op("−"))] + a.operandPieces(parenthesized: a.lineBreakParentheses(atLeast: .unary))
    case .transpose(let a):
      var inner: [PrintPiece]
      switch a {
      case .vec: inner = a.printPieces()
      case .transpose, .inverse, .logDeterminant, .divide: return [atomicPiece]
      default:
        guard a.displayPrecedence < .postfix else { return [atomicPiece] }
        inner = a.operandPieces(parenthesized: true)
      }
      guard inner.count > 1, let last = inner.popLast() else { return [atomicPiece] }
      return inner + [.token(last.latex + "^{\\top}", "<msup>\(last.mathML)\(MathML.op("⊤"))</msup>", width: 2)]
    case .vec(let a): return callPieces("\\operatorname{vec}", "vec", a)
    case .diag(let a): return callPieces("\\operatorname{diag}", "diag", a)
    case .trace(let a): return callPieces("\\operatorname{tr}", "tr", a)
    case .sum(let a): return callPieces("\\operatorname{sum}", "sum", a)
    case .diagonal(let a): return callPieces("\\operatorname{diagonal}", "diagonal", a)
    case .softmax(let a): return callPieces("\\operatorname{softmax}", "softmax", a)
    case .logSumExp(let a): return callPieces("\\operatorname{logsumexp}", "logsumexp", a)
    case .determinant(let a): return callPieces("\\det", "det", a)
    case .reshape(let a, let m, let n):
      // The sizes stay with the closing parenthesis: `reshape(… + …, 8, 2)`.
      let sizes = (
        latex: ", \(SizeSymbols.latexText(m)), \(SizeSymbols.latexText(n)))",
        mathML: MathML.op(",") + MathML.int(m) + MathML.op(",") + MathML.int(n) + MathML.op(")"),
        width: 4 + SizeSymbols.text(m).count + SizeSymbols.text(n).count
      )
      return callPieces("\\operatorname{reshape}", "reshape", a, closing: sizes)
    case .elementwise(let f, let a):
      switch f {
      case .exp, .log, .sin, .cos, .tanh, .tan, .arcsin, .arccos, .arctan: return callPieces("\\\(f.name)", f.name, a)
      case .relu, .softplus, .heaviside, .sign: return callPieces("\\operatorname{\(f.name)}", f.name, a)
      case .sigmoid: return callPieces("\\sigma", "σ", a, mathMLName: "<mi>σ</mi>")
      case .sqrt, .abs: return [atomicPiece]
      }
    default:
      return [atomicPiece]
    }
  }

  /// Numerators longer than this many characters are printed after their fraction (`1/b · a`)
  /// when lines are broken.
  static let longNumerator = 30

  private var atomicPiece: PrintPiece { .token(latex, mathML, width: unicodeText.count) }

  /// `name(` argument pieces `)`, the argument one level deeper; `closing` replaces the
  /// closing parenthesis (with further arguments before it).
  private func callPieces(
    _ latexName: String, _ name: String, _ argument: Expression, mathMLName: String? = nil,
    closing: (latex: String, mathML: String, width: Int) = (")", MathML.op(")"), 1)
  ) -> [PrintPiece] {
    let inner = argument.printPieces().map { p -> PrintPiece in
      var p = p
      p.depth += 1
      return p
    }
    guard inner.count > 1 else { return [atomicPiece] }
    let head = (mathMLName ?? MathML.functionName(name)) + MathML.op("\u{2061}") + MathML.op("(")
    return [.token(latexName + "(", head, width: name.count + 1)]
      + inner + [.token(closing.latex, closing.mathML, width: closing.width)]
  }

  private func operandPieces(parenthesized: Bool) -> [PrintPiece] {
    guard parenthesized else { return printPieces() }
    let inner = printPieces().map { p -> PrintPiece in
      var p = p
      p.depth += 1
      return p
    }
    return [.token("(", MathML.op("("))] + inner + [.token(")", MathML.op(")"))]
  }

  /// Whether the printers parenthesize this operand at `level` (LaTeX's rule: a fraction binds
  /// like a product; a Kronecker product is always parenthesized).
  private func lineBreakParentheses(atLeast level: Precedence) -> Bool {
    if case .kronecker = self { return true }
    if case .divide = self { return Precedence.product < level }
    return displayPrecedence < level
  }

  private func lineBreakParentheses(above level: Precedence) -> Bool {
    lineBreakParentheses(atLeast: Precedence(rawValue: level.rawValue + 1) ?? .atom)
  }

  /// The printed LaTeX of a right operand of a product (to choose `\cdot` as the printer does).
  private func latex(aboveProduct: Bool) -> String {
    lineBreakParentheses(above: .product) ? "(" + latex + ")" : latex
  }

  /// The expression cut into lines of at most `width` characters of `unicodeText` where break
  /// points allow (the first line has `firstLineWidth`): each line is a run of pieces. A break
  /// before a sign keeps the sign at the start of the new line; a break between factors puts
  /// `·` there.
  /// - Parameter extraWidth: characters to add to a piece's width for every occurrence of a
  ///   LaTeX text in it (names that are printed wider than they are, e.g. replaced later).
  func printLines(width: Int, firstLineWidth: Int, extraWidth: [String: Int] = [:]) -> [[PrintPiece]] {
    var lines: [[PrintPiece]] = []
    var remaining = printPieces()
    if !extraWidth.isEmpty {
      for i in remaining.indices {
        for (text, extra) in extraWidth {
          remaining[i].width += extra * remaining[i].latex.components(separatedBy: text).count - extra
        }
      }
    }
    while !remaining.isEmpty {
      let room = lines.isEmpty ? firstLineWidth : width
      // Break points of this line that fit, with the width before each.
      var candidates: [(index: Int, before: Int)] = []
      var total = 0
      var k = 0
      while k < remaining.count {
        if k > 0, remaining[k].kind != .none { candidates.append((k, total)) }
        total += remaining[k].width
        if total > room, !candidates.isEmpty { break }
        k += 1
      }
      guard k < remaining.count else {
        lines.append(remaining)
        break
      }
      // The shallowest point (signs before factors), the latest among equals; lines not
      // shorter than 40% of the room where possible.
      let long = candidates.filter { Double($0.before) >= 0.4 * Double(room) }
      let pool = long.isEmpty ? candidates : long
      let chosen = pool.min { l, r in
        let (pl, pr) = (remaining[l.index], remaining[r.index])
        if pl.depth != pr.depth { return pl.depth < pr.depth }
        if pl.kind != pr.kind { return pl.kind == .beforeSign }
        return l.index > r.index
      }!.index
      lines.append(Array(remaining[..<chosen]))
      // The new line starts with the sign, or with `·` for a product's juxtaposition.
      var lead = remaining[chosen]
      if lead.kind == .betweenFactors {
        let juxtaposition = lead.latex == " " || lead.latex == " \\cdot "
        lead.latex = juxtaposition ? "\\cdot " : lead.latex.trimmingLeadingSpaces
        lead.mathML = juxtaposition ? MathML.op("⋅") : lead.mathML
      }
      lead.kind = .none
      remaining = [lead] + remaining[(chosen + 1)...]
    }
    return lines
  }
}

extension String {
  fileprivate var trimmingLeadingSpaces: String { String(drop { $0 == " " }) }
}

extension Expression {
  /// `lhs &= … \\ &\quad + …`: rows of an `align*` environment, broken (see `printLines`) so
  /// that each row stays within `width` characters of `unicodeText`.
  public static func latexRows(lhs: String, rhs: Expression, width: Int = 50) -> [String] {
    latexRows(lhs: lhs, rhs: rhs, width: width, extraWidth: [:])
  }

  /// Every row of an `align*` starts where the right-hand sides start, after the widest
  /// left-hand side: `width` is calibrated for a fraction-wide left side (12 characters), so a
  /// wider one takes its excess off every row, continuation rows included.
  /// - Parameters:
  ///   - lhsWidth: the printed width of the left-hand side (a fraction is about 12).
  ///   - alone: the rows are an `align*` of their own. A left-hand side wider than
  ///     `longLeftHandSide` then goes into the right column with its equation
  ///     (`&\mathrm{d}(…) = … \\ &\quad …`), so that continuation rows start at the margin
  ///     rather than after it; one longer than half the line leaves the first row to
  ///     itself (`&\mathrm{d}(…) = {} \\ &\quad …`).
  static func latexRows(
    lhs: String, rhs: Expression, width: Int, extraWidth: [String: Int], lhsWidth: Int = 12, alone: Bool = false
  ) -> [String] {
    func body(_ pieces: [PrintPiece]) -> String {
      var body = pieces.map(\.latex).joined()
      while body.hasPrefix(" ") { body.removeFirst() }
      return body
    }
    if alone && lhsWidth > longLeftHandSide {
      if lhsWidth > width / 2 {
        let lines = rhs.printLines(width: width, firstLineWidth: width, extraWidth: extraWidth)
        return ["&\(lhs) = {}"] + lines.map { "&\\quad " + body($0) }
      }
      let lines = rhs.printLines(width: width, firstLineWidth: width - lhsWidth, extraWidth: extraWidth)
      return lines.enumerated().map { index, pieces in (index == 0 ? "&\(lhs) = " : "&\\quad ") + body(pieces) }
    }
    let lines = rhs.printLines(
      width: max(12, width - max(0, lhsWidth - 12)), firstLineWidth: max(12, width - lhsWidth), extraWidth: extraWidth)
    return lines.enumerated().map { index, pieces in (index == 0 ? "\(lhs) &= " : "&\\quad ") + body(pieces) }
  }

  /// Left-hand sides up to this many characters stay in the left column of their `align*`.
  static let longLeftHandSide = 20

  /// `lhs = rhs` as one `<math display="block">`, in `<mtable>` rows when it is long (broken
  /// as `latexRows`).
  public static func mathMLEquation(lhs: String, rhs: Expression, width: Int = 50) -> String {
    mathMLEquation(lhs: lhs, rhs: rhs, width: width, extraWidth: [:], lhsWidth: 12)
  }

  /// - Parameters: as `latexRows`.
  static func mathMLEquation(lhs: String, rhs: Expression, width: Int, extraWidth: [String: Int], lhsWidth: Int)
    -> String
  {
    let lines = rhs.printLines(
      width: max(12, width - max(0, lhsWidth - 12)), firstLineWidth: max(8, width - lhsWidth), extraWidth: extraWidth)
    if lines.count <= 1 {
      return MathML.math("<mrow>\(lhs)\(MathML.op("="))\(rhs.mathML)</mrow>")
    }
    var rows = ""
    for (index, pieces) in lines.enumerated() {
      let left = index == 0 ? lhs : ""
      let right = (index == 0 ? MathML.op("=") : "<mspace width=\"1em\"/>") + pieces.map(\.mathML).joined()
      rows += "<mtr><mtd columnalign=\"right\">\(left)</mtd><mtd columnalign=\"left\"><mrow>\(right)</mrow></mtd></mtr>"
    }
    return MathML.math("<mtable displaystyle=\"true\">\(rows)</mtable>")
  }
}
