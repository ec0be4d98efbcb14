/// The operands of one level of `*`, `⊗`, implicit products, `.*`, `./` and `/` as the parser met
/// them: `1/2*norm(x)^2` is the operands `1`, `2`, `norm(x)^2` (character ranges of the source)
/// and the operators `/`, `*`.
struct OperatorChain: Sendable {
  enum Operator: Sendable {
    case product, implicitProduct, kronecker, hadamard, hadamardQuotient, divide

    /// The level of the contract (`shared/spec/expression-language.md`): `*` binds tighter than
    /// `.*` and `./`, which bind tighter than `/`. MATLAB and NumPy have one level for all of them.
    var level: Int {
      switch self {
      case .product, .implicitProduct, .kronecker: return 3
      case .hadamard, .hadamardQuotient: return 2
      case .divide: return 1
      }
    }

    /// The operator as it is named in a note.
    var symbol: String {
      switch self {
      case .product, .implicitProduct: return "*"
      case .kronecker: return "⊗"
      case .hadamard: return ".*"
      case .hadamardQuotient: return "./"
      case .divide: return "/"
      }
    }

    /// Two operators that build the same node (`A*B` and `A B`).
    func sameOperation(as other: Operator) -> Bool {
      symbol == other.symbol
    }
  }

  var operands: [Range<Int>] = []
  var operators: [Operator] = []
}

/// How a chain of operands is grouped: a leaf is an operand's index, a node the operator between
/// operands `split - 1` and `split`.
private indirect enum Grouping: Equatable {
  case leaf(Int)
  case node(Grouping, OperatorChain.Operator, Grouping, split: Int)

  static func == (a: Grouping, b: Grouping) -> Bool {
    switch (a, b) {
    case (.leaf(let i), .leaf(let j)): return i == j
    case (.node(let l1, let o1, let r1, let s1), .node(let l2, let o2, let r2, let s2)):
      return s1 == s2 && o1.sameOperation(as: o2) && l1 == l2 && r1 == r2
    default: return false
    }
  }

  var isLeaf: Bool {
    if case .leaf = self { return true }
    return false
  }

  var op: OperatorChain.Operator? {
    if case .node(_, let o, _, _) = self { return o }
    return nil
  }
}

/// A place where the contract reads an expression otherwise than MATLAB and NumPy, which read
/// `*`, `/`, `.*` and `./` at one level from left to right: the contract puts `/` below `.*`
/// and `./`, and those below `*`, so `1/2*norm(x)^2` is `1/(2*norm(x)^2)` there, and
/// `(1/2)*norm(x)^2` in MATLAB. The meaning is the contract's; the note says so
/// (docs/language.md, "How / and .* group").
///
/// ```swift
/// Expression.readingNotes(in: "1/2*norm(x)^2")[0].sentence
/// // "/ binds more loosely than * here, so 1/2*norm(x)^2 is read as 1/(2*norm(x)^2);
/// //  for the left-to-right reading of MATLAB and NumPy write (1/2)*norm(x)^2"
/// ```
public struct ReadingNote: Sendable, Equatable {
  /// The operands and operators as written: `1/2*norm(x)^2`.
  public let written: String
  /// The same text with the parentheses of the contract's reading: `1/(2*norm(x)^2)`.
  public let contractReading: String
  /// The same text with the parentheses that make the contract read it left to right:
  /// `(1/2)*norm(x)^2`.
  public let leftToRightReading: String
  /// The looser and the tighter operator at the first place the readings part: `/` and `*`.
  public let looser: String
  public let tighter: String

  /// One sentence: how it is read and how to write the other reading.
  public var sentence: String {
    "\(looser) binds more loosely than \(tighter) here, so \(written) is read as \(contractReading); "
      + "for the left-to-right reading of MATLAB and NumPy write \(leftToRightReading)"
  }
}

extension Expression {
  /// The places of `source` that the contract groups otherwise than a left-to-right reading of
  /// `*`, `/`, `.*`, `./` (MATLAB's and NumPy's), each quoted from `source` itself; empty when
  /// there are none or `source` does not parse.
  public static func readingNotes(in source: String) -> [ReadingNote] {
    guard let chains = try? chainsOf(source) else { return [] }
    return notes(of: chains, in: source)
  }

  /// The expression `source` parses to and its reading notes, from one parse (what a caller that
  /// needs both uses, rather than `Expression(source)` and `readingNotes(in:)`).
  /// - Throws: `ParseError`, as `Expression(source)`.
  public static func parsedWithReadingNotes(_ source: String) throws(ParseError) -> (Expression, [ReadingNote]) {
    var parser = try Parser(source)
    let e = try parser.parseComplete()
    return (e, notes(of: usableChains(parser.chains), in: source))
  }

  private static func notes(of chains: [OperatorChain], in source: String) -> [ReadingNote] {
    let characters = Array(source)
    return chains.compactMap { chain in
      let (contract, leftToRight) = (chain.contractGrouping, chain.leftToRightGrouping)
      guard contract != leftToRight, let (looser, tighter) = contract.firstRegrouping else { return nil }
      return ReadingNote(
        written: chain.text(contract, characters, parenthesize: { _, _, _ in false }),
        contractReading: chain.text(contract, characters, parenthesize: { child, isRight, _ in isRight && !child.isLeaf }),
        leftToRightReading: chain.text(leftToRight, characters, parenthesize: Self.contractNeedsParentheses),
        looser: looser.symbol, tighter: tighter.symbol)
    }
  }

  /// `source` read left to right as MATLAB and NumPy read `*`, `/`, `.*`, `./`: the text with the
  /// parentheses that make the contract read it so, or nil when the contract's reading is that
  /// already (or `source` does not parse).
  public static func leftToRightText(of source: String) -> String? {
    rewritten(source, leftToRight: true)
  }

  /// `source` with the parentheses of the contract's reading where a left-to-right reading
  /// would group otherwise (`x'*x + 1/(2*norm(x)^2)`), or nil when there is no such place.
  public static func contractText(of source: String) -> String? {
    rewritten(source, leftToRight: false)
  }

  /// Rewrites the first chain whose readings differ, parses again, and so on until none does.
  private static func rewritten(_ source: String, leftToRight: Bool) -> String? {
    var text = source
    var changed = false
    for _ in 0..<256 {
      guard let chains = try? chainsOf(text) else { return nil }
      let characters = Array(text)
      guard
        let chain = chains.first(where: { $0.contractGrouping != $0.leftToRightGrouping }),
        let first = chain.operands.first, let last = chain.operands.last
      else { return changed ? text : nil }
      let replacement =
        leftToRight
        ? chain.text(chain.leftToRightGrouping, characters, parenthesize: contractNeedsParentheses)
        : chain.text(chain.contractGrouping, characters, parenthesize: { child, isRight, _ in isRight && !child.isLeaf })
      text = String(characters[..<first.lowerBound]) + replacement + String(characters[last.upperBound...])
      changed = true
    }
    return nil
  }

  /// Whether a child of a left-to-right grouping needs parentheses for the contract to read it
  /// so: a left operand built with a looser operator than its parent's, or a right operand that is
  /// not a single operand.
  private static func contractNeedsParentheses(_ child: Grouping, _ isRight: Bool, _ parent: OperatorChain.Operator) -> Bool {
    guard let op = child.op else { return false }
    return isRight || op.level < parent.level
  }

  private static func chainsOf(_ source: String) throws(ParseError) -> [OperatorChain] {
    var parser = try Parser(source)
    let e = try parser.parseComplete()
    Expression.dismantle(consume e)
    return usableChains(parser.chains)
  }

  /// The chains with at least two operators (where groupings can differ), each whole.
  private static func usableChains(_ chains: [OperatorChain]) -> [OperatorChain] {
    chains.filter { $0.operands.count >= 3 && $0.operators.count == $0.operands.count - 1 }
  }
}

extension OperatorChain {
  /// The contract's grouping: levels from loosest to tightest, each left-associative.
  fileprivate var contractGrouping: Grouping { group(0..<operands.count, level: 1) }

  private func group(_ range: Range<Int>, level: Int) -> Grouping {
    if range.count == 1 { return .leaf(range.lowerBound) }
    if level > 3 { return leftFold(range) }
    var result: Grouping?
    var start = range.lowerBound
    var op: Operator?
    for k in range.lowerBound..<range.upperBound where k + 1 == range.upperBound || operators[k].level == level {
      let part = group(start..<(k + 1), level: level + 1)
      if let left = result, let o = op {
        result = .node(left, o, part, split: start)
      } else {
        result = part
      }
      if k + 1 < range.upperBound {
        op = operators[k]
        start = k + 1
      }
    }
    return result!
  }

  /// MATLAB's and NumPy's grouping: one level, left-associative.
  fileprivate var leftToRightGrouping: Grouping { leftFold(0..<operands.count) }

  private func leftFold(_ range: Range<Int>) -> Grouping {
    var result = Grouping.leaf(range.lowerBound)
    for k in (range.lowerBound + 1)..<range.upperBound {
      result = .node(result, operators[k - 1], .leaf(k), split: k)
    }
    return result
  }

  /// The text of `grouping` from the source's operands and what stands between them, with
  /// parentheses around the children `parenthesize` (child, is it the right one, the parent's
  /// operator) names.
  fileprivate func text(
    _ grouping: Grouping, _ characters: [Character], parenthesize: (Grouping, Bool, Operator) -> Bool
  ) -> String {
    switch grouping {
    case .leaf(let i):
      return String(characters[operands[i]])
    case .node(let l, let o, let r, let split):
      let between = String(characters[operands[split - 1].upperBound..<operands[split].lowerBound])
      let (left, right) = (parenthesize(l, false, o), parenthesize(r, true, o))
      let lt = text(l, characters, parenthesize: parenthesize)
      let rt = text(r, characters, parenthesize: parenthesize)
      return (left ? "(\(lt))" : lt) + between + (right ? "(\(rt))" : rt)
    }
  }
}

extension Grouping {
  /// The operators at the first node whose right operand is built with a tighter operator: the
  /// place where a left-to-right reading would group otherwise.
  fileprivate var firstRegrouping: (OperatorChain.Operator, OperatorChain.Operator)? {
    guard case .node(let l, let o, let r, _) = self else { return nil }
    if let found = l.firstRegrouping { return found }
    if let inner = r.op { return (o, inner) }
    return r.firstRegrouping
  }
}
