import MatrixCore

/// A staged computation: a straight-line program of assignments in the expression language,
/// the way the lecture notes and CS231n write a forward pass.
///
/// ```
/// # three-layer network, squared-error loss
/// const y
/// h1 = W1*x; z1 = tanh(h1)
/// h2 = W2*z1; z2 = tanh(h2)
/// yhat = W3*z2
/// f = norm(yhat - y)^2/2
/// ```
///
/// Syntax (`docs/programs.md`):
/// - statements `name = expr` separated by newlines or `;`; `#` starts a comment that runs to the
///   end of the line; blank statements are ignored; in a program written on one line, the
///   statements are numbered as lines (1, 2, 3, …) in messages and reports;
/// - `const a, b` declares inputs that are constants (not differentiated by `--wrt all`);
/// - every name a statement uses is an input (a variable defined by no statement: its shape comes
///   from the caller) or a name defined on an earlier line;
/// - the last statement is the output F, unless `output` names another one.
///
/// Errors name the line: a name used before its definition (this covers cycles), a name defined
/// twice, a name that is a function (`tanh = …`), an expression that does not parse. A statement
/// whose value is never used is a warning (`warnings`), not an error.
///
/// Limits, so that hostile input is refused in bounded memory: at most `maximumStatements`
/// statements, `maximumLineLength` characters per line and `maximumSourceLength` characters.
public struct Program: Sendable {
  /// One assignment `name = expression` (or `name += expression` in a claimed backward pass).
  public struct Statement: Sendable, Hashable {
    public let name: String
    public let expression: Expression
    /// 1-based line of the source.
    public let line: Int
    /// `name += expression`: allowed only in backward passes (`Program.init(backward:)`).
    public let accumulates: Bool
    /// The statement as written (after the comment is removed), for reports.
    public let text: String
  }

  public static let maximumStatements = 10_000
  public static let maximumLineLength = 100_000
  public static let maximumSourceLength = 2_000_000

  public let statements: [Statement]
  /// Inputs declared with `const`.
  public let constants: Set<String>
  /// The name of F.
  public let output: String
  /// Variables used but defined by no statement, sorted.
  public let inputs: [String]
  /// One sentence per unused statement: `line 3: z is never used`.
  public let warnings: [String]

  /// The index of each defined name in `statements`.
  let index: [String: Int]

  /// Whether a command-line argument is a program rather than a single expression: it contains
  /// `=`, a newline, or a `;` outside brackets (the `;` of a block matrix `[x; 1]` belongs to the
  /// expression, docs/language.md).
  public static func looksLikeProgram(_ text: String) -> Bool {
    text.contains { $0 == "=" || $0.isNewline } || splitOutsideBrackets(Substring(text)).count > 1
  }

  /// The pieces of a line between the `;` that stand outside `[ ]`.
  static func splitOutsideBrackets(_ code: Substring) -> [Substring] {
    var pieces: [Substring] = []
    var depth = 0
    var start = code.startIndex
    for i in code.indices {
      switch code[i] {
      case "[": depth += 1
      case "]": depth = max(0, depth - 1)
      case ";" where depth == 0:
        pieces.append(code[start..<i])
        start = code.index(after: i)
      default: break
      }
    }
    pieces.append(code[start...])
    return pieces
  }

  /// Parses a forward program.
  /// - Parameters:
  ///   - source: the statements `name = expression`, separated by `;` or newlines.
  ///   - output: the statement that is F (default: the last).
  /// - Throws: `ProgramError` naming the line.
  public init(_ source: String, output: String? = nil) throws(ProgramError) {
    try self.init(source: source, output: output, allowsAccumulation: false)
  }

  /// Parses a backward pass (a claim): like a program, but `name += expr` accumulates, a name may
  /// be assigned more than once, and names may be used before they are assigned (they then refer
  /// to forward names or inputs).
  public init(backward source: String) throws(ProgramError) {
    try self.init(source: source, output: nil, allowsAccumulation: true)
  }

  private init(source: String, output: String?, allowsAccumulation: Bool) throws(ProgramError) {
    guard source.utf8.count <= Program.maximumSourceLength else {
      throw ProgramError(
        line: nil,
        "the program is \(source.utf8.count) bytes long; at most \(Program.maximumSourceLength) are accepted")
    }
    var statements: [Statement] = []
    var constants: Set<String> = []
    var constantLines: [String: Int] = [:]
    var index: [String: Int] = [:]
    var lineNumber = 0
    // A program on one line (`h = W*x; f = sum(h)`, as typed on a command line) numbers its
    // statements as lines, so that messages and reports can point at each.
    let oneLine = !source.contains(where: \.isNewline)
    for rawLine in source.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
      if !oneLine { lineNumber += 1 }
      guard rawLine.utf8.count <= Program.maximumLineLength else {
        throw ProgramError(
          line: max(lineNumber, 1),
          "the line is \(rawLine.utf8.count) bytes long; at most \(Program.maximumLineLength) are accepted")
      }
      let code = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
      for piece in Program.splitOutsideBrackets(code) {
        let text = piece.trimmedWhitespace
        if text.isEmpty { continue }
        if oneLine { lineNumber += 1 }
        if let names = Program.constDeclaration(text) {
          for name in names {
            guard Program.isIdentifier(name) else {
              throw ProgramError(line: lineNumber, "'\(name)' in the const declaration is not a name")
            }
            if index[name] != nil {
              throw ProgramError(line: lineNumber, "\(name) is defined by a statement, so it cannot be a const input")
            }
            constants.insert(name)
            constantLines[name] = lineNumber
          }
          continue
        }
        guard statements.count < Program.maximumStatements else {
          throw ProgramError(
            line: lineNumber, "the program has more than \(Program.maximumStatements) statements, the most accepted")
        }
        let statement = try Program.statement(text, line: lineNumber, allowsAccumulation: allowsAccumulation)
        if !allowsAccumulation {
          if let first = index[statement.name] {
            throw ProgramError(
              line: lineNumber,
              "\(statement.name) is defined twice (first on line \(statements[first].line)); give the second value another name")
          }
          if constants.contains(statement.name) {
            throw ProgramError(line: lineNumber, "\(statement.name) is declared const, so a statement cannot define it")
          }
        }
        index[statement.name] = statements.count
        statements.append(statement)
      }
    }
    guard let last = statements.last else {
      throw ProgramError(line: nil, "the program has no statement: write assignments such as h = W*x; f = sum(tanh(h))")
    }
    if !allowsAccumulation {
      // Every name used must be an input or defined earlier.
      for (k, s) in statements.enumerated() {
        for v in s.expression.variables {
          if let definition = index[v], definition >= k {
            let what = definition == k ? "its own definition" : "line \(statements[definition].line), later"
            throw ProgramError(
              line: s.line,
              "\(v) is used before it is defined (it is defined on \(what)); a program runs top to bottom and cannot be cyclic")
          }
        }
      }
    }
    let outputName = output ?? last.name
    guard index[outputName] != nil else {
      throw ProgramError(line: nil, "--output \(outputName) names no statement of the program")
    }
    var used = Set<String>()
    for s in statements { used.formUnion(s.expression.variables) }
    let inputs = used.subtracting(index.keys).sorted()
    for c in constants.sorted() where !used.contains(c) {
      throw ProgramError(line: constantLines[c], "the const input \(c) is not used by any statement")
    }
    var warnings: [String] = []
    if !allowsAccumulation, let o = index[outputName] {
      var needed: Set<String> = [outputName]
      for s in statements[...o].reversed() where needed.contains(s.name) { needed.formUnion(s.expression.variables) }
      for s in statements where !needed.contains(s.name) {
        warnings.append(
          used.contains(s.name)
            ? "line \(s.line): \(s.name) does not affect the output \(outputName)"
            : "line \(s.line): \(s.name) is never used")
      }
    }
    self.statements = statements
    self.constants = constants
    self.output = outputName
    self.inputs = inputs
    self.warnings = warnings
    self.index = index
  }

  /// The statement that defines `name`, if any.
  public func statement(named name: String) -> Statement? { index[name].map { statements[$0] } }

  /// Whether `name` is defined by a statement (rather than an input).
  public func defines(_ name: String) -> Bool { index[name] != nil }

  /// The statements that F depends on, in program order.
  public var relevantStatements: [Statement] {
    guard let o = index[output] else { return [] }
    var needed: Set<String> = [output]
    for s in statements[...o].reversed() where needed.contains(s.name) {
      needed.formUnion(s.expression.variables)
    }
    return statements[...o].filter { needed.contains($0.name) }
  }

  // MARK: Parsing one statement

  private static func constDeclaration(_ text: String) -> [String]? {
    guard text.hasPrefix("const"), !text.contains("=") else { return nil }
    let rest = text.dropFirst(5)
    guard let first = rest.first, first.isWhitespace else { return nil }
    return rest.split(separator: ",").map { String($0).trimmedWhitespace }
  }

  static func isIdentifier(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, first.isASCII, first == "_" || first.properties.isAlphabetic
    else { return false }
    return name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
  }

  private static func statement(_ text: String, line: Int, allowsAccumulation: Bool) throws(ProgramError) -> Statement {
    guard let equals = text.firstIndex(of: "=") else {
      throw ProgramError(line: line, "'\(text.abbreviated)' is not an assignment: write name = expression")
    }
    var lhs = text[..<equals]
    var accumulates = false
    if lhs.hasSuffix("+") {
      guard allowsAccumulation else {
        throw ProgramError(line: line, "+= is only for backward passes; a forward program defines each name once")
      }
      accumulates = true
      lhs = lhs.dropLast()
    }
    let name = String(lhs).trimmedWhitespace
    let body = String(text[text.index(after: equals)...])
    guard isIdentifier(name) else {
      throw ProgramError(
        line: line, "'\(name.abbreviated)' cannot be assigned: the left of = must be a name such as h1")
    }
    if Expression.functionNames.contains(name) {
      throw ProgramError(line: line, "\(name) is a function of the language, so it cannot be a name; choose another")
    }
    if body.contains("=") {
      throw ProgramError(line: line, "a statement has one '=': separate statements with ';' or a new line")
    }
    let expression: Expression
    do {
      expression = try Expression(body)
    } catch {
      throw ProgramError(line: line, "in \(name) = \(body.trimmedWhitespace.abbreviated): \(error.description)")
    }
    return Statement(name: name, expression: expression, line: line, accumulates: accumulates, text: text)
  }
}

/// A program that cannot be read or used: one sentence, naming the line when there is one.
public struct ProgramError: Error, Equatable, Sendable, CustomStringConvertible {
  /// 1-based line of the program, when the error belongs to one.
  public let line: Int?
  public let message: String

  public init(line: Int?, _ message: String) {
    self.line = line
    self.message = message
  }

  public var description: String { line.map { "line \($0): \(message)" } ?? message }
}

extension StringProtocol {
  var trimmedWhitespace: String {
    guard let start = firstIndex(where: { !$0.isWhitespace }), let end = lastIndex(where: { !$0.isWhitespace }) else {
      return ""
    }
    return String(self[start...end])
  }

  /// At most 60 characters, for quoting in messages.
  var abbreviated: String { count <= 60 ? String(self) : String(prefix(57)) + "…" }
}
