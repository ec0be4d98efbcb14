import ArgumentParser
import Foundation
import MatrixCore
import Symbolic

/// `--dims`, `--values`, `--seed`: the variables' shapes and the point.
struct PointOptions: ParsableArguments {
  @Option(help: "Variable shapes, e.g. X=3x2,A=4x3.") var dims: String = ""
  @Option(
    help: """
      Variable values: .npy files or MATLAB literals, e.g. X=x.npy,a=-2,A=[1 2; 3 4],b=[1;2;3] \
      (a shape missing from --dims is taken from the value).
      """)
  var values: String = ""
  @Option(help: "Seed of the standard normal values of variables without --values.") var seed: UInt64 = 1
  @Option(
    help: ArgumentHelp(
      "What variables are, e.g. A=symmetric,S=spd,y=onehot (symmetric, spd, diagonal, orthogonal, onehot, probability, positive).",
      discussion: "Random values are drawn to satisfy them, --values are checked against them, and results may use them (Aᵀ = A)."))
  var assume: String = ""

  /// The parsed `--assume`.
  func assumptions() throws -> Assumptions {
    do { return try Assumptions(parsing: assume) } catch let e as AssumptionError { throw CLIError(e.description) }
  }

  /// Shapes and values for every variable of `expressions`; missing values drawn from `--seed`.
  /// The `--assume` assumptions are checked against the shapes and the given values (exit 2 naming
  /// the variable), used to draw the others, and named in the description.
  func resolve(for expressions: [MatrixExpression]) throws -> (
    dims: [String: Shape], values: [String: Matrix], description: String, assumptions: Assumptions
  ) {
    let assumptions = try assumptions()
    var shapes: [String: Shape] = [:]
    for (name, text) in try parseAssignments(dims, flag: "--dims") {
      shapes[name] = try parseShape(text, flag: "--dims \(name)", column: true)
    }
    var point: [String: Matrix] = [:]
    for (name, m, source) in try loadValues() {
      if let s = shapes[name], s != m.shape {
        throw CLIError("--values gives \(name) the shape \(m.shape) from \(source), but --dims says \(s)")
      }
      shapes[name] = m.shape
      point[name] = m
    }
    let variables = Set(expressions.flatMap { $0.variables }).sorted()
    for e in expressions {
      if let sentence = e.caretTransposeSentence(given: Set(shapes.keys)) { throw CLIError(sentence) }
    }
    for v in variables where shapes[v] == nil {
      throw CLIError("the variable \(v) has no shape: give it with --dims \(v)=RxC")
    }
    for (name, s) in shapes where (s.checkedCount ?? .max) > 50_000_000 {
      throw CLIError("the variable \(name) (\(s)) is too large for jac: at most 5·10⁷ entries")
    }
    for (name, s) in shapes.sorted(by: { $0.key < $1.key }) {
      try CommandSink.current?.checkEntries(s.checkedCount, of: "the variable \(name) (\(s))")
    }
    do {
      try assumptions.validate(shapes: shapes)
      try assumptions.validate(values: point)
    } catch let e as AssumptionError {
      throw CLIError(e.description)
    }
    let description = pointDescription(drewRandomValues: variables.contains { point[$0] == nil })
      + (assumptions.isEmpty ? "" : " under the assumption\(assumptions.byVariable.count > 1 ? "s" : "") \(assumptions.description)")
    var generator = SeededGenerator(seed: seed)
    let constraints = RandomPoint.constraints(in: expressions)
    for v in variables where point[v] == nil {
      guard let s = shapes[v] else { continue }
      point[v] = RandomPoint.draw(s, constraint: constraints[v], assumption: assumptions[v], using: &generator)
    }
    return (shapes, point, description, assumptions)
  }

  /// The matrices of `--values` (`.npy` files and literals), each with where it came from.
  func loadValues() throws -> [(name: String, value: Matrix, source: String)] {
    try parseAssignments(values, flag: "--values").map { name, given in
      let m: Matrix
      let source: String
      if isInlineValue(given) {
        do {
          m = try Matrix(literal: given)
        } catch {
          throw CLIError("--values \(name): \(error)")
        }
        source = "the literal \(given)"
      } else {
        m = try CommandFiles.matrix(given, origin: "--values \(name)")
        source = given
      }
      guard m.count > 0 else {
        throw CLIError("--values \(name) (\(source)) is an empty \(m.shape) array; a variable needs at least one entry")
      }
      return (name, m, source)
    }
  }

  /// How the point was chosen, for reports, given whether some variable was drawn at random.
  func pointDescription(drewRandomValues: Bool) -> String {
    if values.isEmpty { return "at a random point (seed \(seed))" }
    return "at the point of --values" + (drewRandomValues ? " (the other variables from seed \(seed))" : "")
  }
}

/// A parsed expression, its derivative with respect to `wrt`, and the point, as `derive`,
/// `check` and `spy` all start.
struct PreparedDerivative {
  let expression: MatrixExpression
  /// One derivative per variable of `--wrt`, in its order.
  let derivatives: [SymbolicDerivative]
  let values: [String: Matrix]
  /// How the point was chosen ("at a random point (seed 1)"), with the assumptions it satisfies.
  let pointDescription: String
  /// The `--assume` assumptions.
  let assumptions: Assumptions

  /// The derivative with respect to the first (or only) variable.
  var derivative: SymbolicDerivative { derivatives[0] }

  /// - Parameters:
  ///   - wrt: `--wrt` as given: one variable, or several separated by commas (`W1,W2,W3`).
  ///   - extra: further expressions whose variables need shapes and values (claims).
  init(_ text: String, wrt: String, point: PointOptions, extra: [MatrixExpression] = []) throws {
    expression = try parseExpression(text, role: "expression")
    let (dims, values, description, assumptions) = try point.resolve(for: [expression] + extra)
    pointDescription = description
    self.assumptions = assumptions
    let f = expression
    derivatives = try parseVariableList(wrt).map { v in
      guard dims[v] != nil else {
        throw CLIError("--wrt \(v) names no variable with a shape: give it with --dims \(v)=RxC")
      }
      let d = try SymbolicDerivative(of: f, wrt: v, dims: dims, assumptions: assumptions)
      let (mn, ab) = (d.outputShape.count, d.inputShape.count)
      try CommandSink.current?.checkEntries(
        mn.multipliedReportingOverflow(by: ab).overflow ? nil : mn * ab, of: "the Jacobian with respect to \(v) (\(mn)×\(ab))")
      return d
    }
    self.values = values
  }
}

/// `--wrt W1,W2,W3` as names, each once; one sentence naming the flag when malformed.
func parseVariableList(_ text: String) throws -> [String] {
  let names = text.split(separator: ",", omittingEmptySubsequences: false).map {
    $0.trimmingCharacters(in: .whitespaces)
  }
  for name in names {
    guard let first = name.first, first.isLetter || first == "_",
      name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
    else {
      throw CLIError("--wrt expects variable names separated by commas (W1,W2), but got '\(text)'")
    }
  }
  if let repeated = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
    throw CLIError("--wrt names \(repeated) twice; give each variable once")
  }
  return names
}

/// `A=1,B=2` into ordered pairs, with a one-sentence error naming the flag. Commas inside
/// brackets belong to a matrix literal (`A=[1, 2; 3, 4],b=2` is two pairs).
func parseAssignments(_ text: String, flag: String) throws -> [(String, String)] {
  guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
  var items: [String] = []
  var current = ""
  var depth = 0
  for c in text {
    if c == "[" { depth += 1 }
    if c == "]" { depth -= 1 }
    if c == "," && depth <= 0 {
      items.append(current)
      current = ""
    } else {
      current.append(c)
    }
  }
  items.append(current)
  var seen = Set<String>()
  return try items.map { item in
    let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
      throw CLIError("\(flag) expects NAME=VALUE pairs separated by commas, but got '\(item)'")
    }
    guard seen.insert(parts[0]).inserted else {
      throw CLIError("\(flag) gives \(parts[0]) more than once; give each name one value")
    }
    return (parts[0], parts[1])
  }
}

/// Whether a `--values` entry is a literal (`-2`, `0.5`, `[1 2; 3 4]`) rather than a path: it
/// starts with `[`, or it is a number. (A file whose name is a number is written `./2`.)
func isInlineValue(_ text: String) -> Bool {
  text.hasPrefix("[") || Double(text) != nil
}

/// Parses an expression, turning a parse error into the caret rendering.
/// Notes on stderr where the contract groups `*`, `/`, `.*`, `./` otherwise than MATLAB
/// (`ReadingNotes.say`).
func parseExpression(_ text: String, role: String) throws -> MatrixExpression {
  do {
    let (expression, notes) = try Expression.parsedWithReadingNotes(text)
    ReadingNotes.say(notes)
    return expression
  } catch {
    throw CLIError("cannot parse the \(role): \(error.rendered())")
  }
}

func sci(_ x: Double) -> String { String(format: "%.2e", x) }
