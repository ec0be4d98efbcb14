import ArgumentParser
import Foundation
import MatrixCore
import Symbolic

/// A program given inline (an EXPR argument with `=`, `;` or a newline) or with `--program FILE`,
/// with its point: as `derive`, `check`, `spy` and `chain` start on programs.
struct PreparedProgram {
  let program: Program
  /// Where it came from, for reports: the file name, or "inline".
  let origin: String
  let shapes: [String: Shape]
  /// Inputs' values (given or drawn); empty under size symbols (the numbers are in `symbolic`).
  let inputs: [String: Matrix]
  var pointDescription: String
  /// With size symbols (given in `--dims` or inferred): `shapes` are the generic instantiation,
  /// printed through the symbols' table; numbers come from the program at small instantiations.
  var symbolic: SymbolicProgram? = nil

  /// A program's size symbols (docs/programs.md, "Sizes as symbols").
  struct SymbolicProgram {
    let sizes: SymbolicSizes
    /// The generic instantiation (distinct primes) and the table that prints it as symbols.
    let generic: (values: [String: Int], names: [Int: String])
    /// The program at two small instantiations (one when `--values` fix every symbol), each
    /// with its random point; `pointDescription` starts with the instantiation (`at m=2, n=3, …`).
    let instances: [PreparedProgram]
    /// The instantiations, in the order of `instances`.
    let at: [[String: Int]]
  }

  /// Runs `body` with the size symbols' table in effect (as it is without symbols).
  func named<T>(_ body: () throws -> T) rethrows -> T {
    try SizeSymbols.$names.withValue(symbolic?.generic.names ?? [:], operation: body)
  }

  /// The program of a command, or nil when the command got a single expression.
  /// Warnings (unused statements) go to stderr. Sizes left out of `--dims` are inferred from F
  /// written as one expression (docs/language.md); when they are size symbols, a command that
  /// does not take them (`symbolsRefused` names it) exits 2 saying so.
  static func resolve(
    argument: String, file: String?, output: String?, point: PointOptions, symbolsRefused: String? = nil
  ) throws -> PreparedProgram? {
    let source: String
    let origin: String
    if let file {
      guard argument.isEmpty else {
        throw CLIError("give either an expression or --program \(file), not both")
      }
      source = try readProgram(file)
      origin = file
    } else if Program.looksLikeProgram(argument) {
      source = argument
      origin = "inline"
    } else {
      if let output { throw CLIError("--output \(output) names a statement, but no program was given") }
      return nil
    }
    let program = try Program(source, output: output)
    for w in program.warnings { writeError("jac: warning: \(w)") }
    let given = try Set(SymbolicSizes.parseDims(point.dims).shapes.keys).union(point.loadValues().map(\.name))
    for name in given.sorted() where program.defines(name) {
      throw CLIError(
        "--dims or --values gives \(name) a shape, but \(name) is defined by line \(program.statement(named: name)!.line); only inputs take shapes")
    }
    // Sizes: all given as numbers (as before), completed by inference, or size symbols.
    let f: MatrixExpression
    do {
      f = try program.inlined(maximumNodes: 100_000)
    } catch {
      // Too large to write as one expression: sizes are not inferred, --dims must give them.
      return try prepare(program, origin: origin, point: point)
    }
    switch try SizeResolution.resolve(f, point: point) {
    case .concrete:
      return try prepare(program, origin: origin, point: point)
    case .completed(let dims, _):
      return try prepare(program, origin: origin, point: point.completing(dims: dims))
    case .symbolic(let sizes):
      let prepared = try symbolicProgram(program, origin: origin, sizes: sizes, point: point)
      if let command = symbolsRefused, let symbolic = prepared.symbolic {
        // For example the first small instantiation, the one other commands compute numbers at.
        let example = symbolic.sizes.dims(symbolic.at[0]).filter { program.inputs.contains($0.key) && point.values.isEmpty }
          .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rows)x\($0.value.cols)" }.joined(separator: ",")
        throw CLIError(
          "\(command) on a program needs numeric sizes, since the costs of the orders and which one is cheapest depend "
            + "on them, but its sizes are the symbols \(sizes.symbols.joined(separator: ", ")) "
            + "(\(sizes.describeShapes(program.inputs))); give every input's shape in numbers with --dims"
            + (example.isEmpty ? "" : ", for example --dims \(example)"))
      }
      return prepared
    }
  }

  /// The program under size symbols: shapes at the generic instantiation, numbers at two small ones.
  private static func symbolicProgram(_ program: Program, origin: String, sizes: SymbolicSizes, point: PointOptions) throws
    -> PreparedProgram
  {
    var literal = Set<Int>()
    for s in program.statements { literal.formUnion(s.expression.literalSizes) }
    for t in sizes.shapes.values.flatMap({ [$0.rows, $0.cols] }) {
      if case .number(let n) = t { literal.insert(n) }
    }
    let generic = sizes.generic(avoiding: literal)
    let at = sizes.instantiations(count: 2, seed: point.seed, generic: generic.values, literalSizes: literal)
    guard at.count == 2 || sizes.symbols.allSatisfy({ sizes.fixed[$0] != nil }) else {
      throw CLIError("cannot draw two different instantiations of the size symbols")
    }
    func dims(_ values: [String: Int]) -> String {
      sizes.dims(values).filter { program.inputs.contains($0.key) }.sorted { $0.key < $1.key }
        .map { "\($0.key)=\($0.value.rows)x\($0.value.cols)" }.joined(separator: ",")
    }
    let instances = try at.map { values -> PreparedProgram in
      var small = try prepare(program, origin: origin, point: point.completing(dims: dims(values)))
      small.pointDescription = "at \(SymbolicSizes.describe(values)), " + small.pointDescription
      return small
    }
    let shapes = try SizeSymbols.$names.withValue(generic.names) {
      try program.shapes(inputs: sizes.dims(generic.values).filter { program.inputs.contains($0.key) })
    }
    var prepared = PreparedProgram(
      program: program, origin: origin, shapes: shapes, inputs: [:],
      pointDescription: instances.map(\.pointDescription).joined(separator: " and "))
    prepared.symbolic = SymbolicProgram(sizes: sizes, generic: generic, instances: instances, at: at)
    return prepared
  }

  /// The program with every input's shape given in numbers, and its point.
  private static func prepare(_ program: Program, origin: String, point: PointOptions) throws -> PreparedProgram {
    // Shapes and values for the inputs; expressions of inputs only guide the random point
    // (inputs of inv/det/logdet drawn well conditioned).
    let inputOnly = program.statements.map(\.expression).filter { e in e.variables.allSatisfy { !program.defines($0) } }
    let (dims, values, description, _) = try point.resolve(for: program.inputs.map { .variable($0) } + inputOnly)
    for name in dims.keys.sorted() where program.defines(name) {
      throw CLIError(
        "--dims or --values gives \(name) a shape, but \(name) is defined by line \(program.statement(named: name)!.line); only inputs take shapes")
    }
    let shapes = try program.shapes(inputs: dims)
    var inputs: [String: Matrix] = [:]
    for i in program.inputs { inputs[i] = values[i] }
    return PreparedProgram(program: program, origin: origin, shapes: shapes, inputs: inputs, pointDescription: description)
  }

  /// The inputs named by `--wrt`: a comma-separated list, or `all` (every input not declared const).
  func wrtList(_ text: String) throws -> [String] {
    let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    if names == ["all"] {
      let all = program.variableInputs
      guard !all.isEmpty else { throw CLIError("--wrt all: every input of the program is declared const") }
      return all
    }
    guard !names.isEmpty else { throw CLIError("--wrt needs at least one input of the program, or all") }
    var seen = Set<String>()
    for n in names where !seen.insert(n).inserted { throw CLIError("--wrt names \(n) twice") }
    return names
  }

  /// A one-line summary: `F = f (1×1); inputs W1 5×4, x 4×1, y 2×1 (const)`.
  var summary: String {
    let inputs = program.inputs.map { "\($0) \(shapes[$0]!)" + (program.constants.contains($0) ? " (const)" : "") }
    return "program (\(origin), \(program.statements.count) statements): F = \(program.output) (\(shapes[program.output]!)); "
      + "inputs \(inputs.joined(separator: ", "))" + (symbolic.map { "   " + $0.sizes.headerNote } ?? "")
  }
}

/// Reads a program file, refusing files larger than the program limit before reading them.
func readProgram(_ path: String) throws -> String {
  try CommandFiles.refuseInProcess(path, origin: "--program")
  let attributes: [FileAttributeKey: Any]
  do {
    attributes = try FileManager.default.attributesOfItem(atPath: path)
  } catch {
    throw CLIError("cannot read the program file \(path): it does not exist or is not readable")
  }
  if let type = attributes[.type] as? FileAttributeType, type == .typeDirectory {
    throw CLIError("the program file \(path) is a directory")
  }
  if let size = attributes[.size] as? NSNumber, size.intValue > Program.maximumSourceLength {
    throw CLIError(
      "the program file \(path) is \(size.intValue) bytes; at most \(Program.maximumSourceLength) are accepted")
  }
  guard let data = FileManager.default.contents(atPath: path) else {
    throw CLIError("cannot read the program file \(path)")
  }
  guard data.count <= Program.maximumSourceLength else {
    throw CLIError("the program file \(path) is larger than \(Program.maximumSourceLength) bytes")
  }
  guard let text = String(data: data, encoding: .utf8) else {
    throw CLIError("the program file \(path) is not UTF-8 text")
  }
  return text
}

/// `--program FILE`, for the commands that take programs.
struct ProgramOptions: ParsableArguments {
  @Option(name: .customLong("program"), help: "Read a program (statements name = expr) from FILE.")
  var file: String?

  func resolve(argument: String, output: String?, point: PointOptions, symbolsRefused: String? = nil) throws -> PreparedProgram? {
    let program = try PreparedProgram.resolve(
      argument: argument, file: file, output: output, point: point, symbolsRefused: symbolsRefused)
    if program == nil && argument.isEmpty { throw CLIError("give an expression, or a program with --program FILE") }
    return program
  }
}

/// `--output NAME`: the statement of a program that is F.
struct ProgramOutputOption: ParsableArguments {
  @Option(name: .customLong("output"), help: "The statement of the program that is F (default: the last).")
  var name: String?
}

extension PreparedProgram {
  /// F as one expression of the inputs, for the commands that work on a single expression
  /// (`check --claim`, `spy`), and a claim whose program names are replaced by their definitions.
  func inlinedText(claim: String? = nil) throws -> (expression: String, claim: String?) {
    let f = try program.inlined(maximumNodes: 100_000)
    guard let claim else { return (f.plainText, nil) }
    let c = try parseExpression(claim, role: "claim")
    var definitions: [String: MatrixExpression] = [:]
    for name in c.variables where program.defines(name) { definitions[name] = try program.inlined(name, maximumNodes: 100_000) }
    return (f.plainText, c.substituting(definitions).plainText)
  }
}
