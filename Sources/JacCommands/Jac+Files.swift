import ArgumentParser
import Foundation

/// A file a subcommand reads or writes, as its command line names it.
struct NamedFile: Equatable {
  let path: String
  /// The option or argument that names it (`--claim-file`, `OUT`), for messages.
  let origin: String
}

/// Every file a subcommand reads or writes, declared here in one place. The notebook runner
/// confines them all to the notebook's folder (`NotebookConfinement`).
///
/// It fails closed: a subcommand that does not conform cannot run in a notebook, and neither can
/// one with an option or argument that takes a value (in swift-argument-parser's own description
/// of the command, `--experimental-dump-help`) but is listed in neither `fileArguments` nor
/// `otherArguments`. Whoever adds an option that takes a value classifies it here.
protocol NamesFiles {
  /// The files this invocation names.
  var namedFiles: [NamedFile] { get }
  /// Value names (`claim-file`, `output`) of the options and arguments that name files.
  static var fileArguments: Set<String> { get }
  /// Value names of the options and arguments that take a value naming no file.
  static var otherArguments: Set<String> { get }
}

extension PointOptions {
  /// The `.npy` files of `--values NAME=PATH,…` (not the inline literals such as `a=-2`).
  var namedFiles: [NamedFile] {
    ((try? parseAssignments(values, flag: "--values")) ?? []).filter { !isInlineValue($0.1) }.map {
      NamedFile(path: $0.1, origin: "--values \($0.0)")
    }
  }
  static let fileArguments: Set<String> = ["values"]
  static let otherArguments: Set<String> = ["dims", "seed", "assume"]
}

extension Derive: NamesFiles {
  var namedFiles: [NamedFile] {
    point.namedFiles + programOptions.namedFiles
      + [jacobianOut].compactMap { $0 }.map { NamedFile(path: $0, origin: "--jacobian-out") }
  }
  static let fileArguments = PointOptions.fileArguments.union(["jacobian-out", "program"])
  static let otherArguments = PointOptions.otherArguments.union(["expression", "wrt", "layout", "format", "output", "order", "emit"])
}

extension Check: NamesFiles {
  var namedFiles: [NamedFile] {
    point.namedFiles + programOptions.namedFiles
      + claimFile.map { NamedFile(path: $0, origin: "--claim-file") }
      + [claimProgramFile].compactMap { $0 }.map { NamedFile(path: $0, origin: "--claim-program-file") }
  }
  static let fileArguments = PointOptions.fileArguments.union(["claim-file", "program", "claim-program-file"])
  static let otherArguments = PointOptions.otherArguments.union([
    "expression", "wrt", "claim", "layout", "tolerance", "format", "output", "claim-program", "diagnosis-budget",
  ])
}

extension Convert: NamesFiles {
  var namedFiles: [NamedFile] { [NamedFile(path: input, origin: "IN"), NamedFile(path: output, origin: "OUT")] }
  static let fileArguments: Set<String> = ["input", "output"]
  static let otherArguments: Set<String> = ["from", "to", "output-shape", "input-shape", "format"]
}

extension Spy: NamesFiles {
  var namedFiles: [NamedFile] { point.namedFiles + programOptions.namedFiles + [NamedFile(path: output, origin: "-o")] }
  static let fileArguments = PointOptions.fileArguments.union(["output", "program"])
  static let otherArguments = PointOptions.otherArguments.union(["expression", "wrt", "order"])
}

extension Chain: NamesFiles {
  var namedFiles: [NamedFile] { [programFile].compactMap { $0 }.map { NamedFile(path: $0, origin: "--program") } }
  static let fileArguments: Set<String> = ["program"]
  static let otherArguments: Set<String> = ["factors", "order", "seed", "format", "wrt", "dims"]
}

/// The value names of the arguments that take a value, per subcommand name, from
/// swift-argument-parser's description of `jac` (flags take none).
enum ValueArguments {
  private struct Tree: Decodable {
    struct Command: Decodable {
      struct Argument: Decodable {
        let kind: String
        let valueName: String?
      }
      let commandName: String
      let arguments: [Argument]?
      let subcommands: [Command]?
    }
    let command: Command
  }

  static let bySubcommand: [String: [String]] = {
    guard let tree = try? JSONDecoder().decode(Tree.self, from: Data(Jac._dumpHelp().utf8)) else { return [:] }
    var out: [String: [String]] = [:]
    for sub in tree.command.subcommands ?? [] {
      out[sub.commandName] = (sub.arguments ?? []).filter { $0.kind != "flag" }.map { $0.valueName ?? "?" }
    }
    return out
  }()

  /// The value-taking arguments of `command` that `NamesFiles` does not classify.
  static func unclassified(_ command: NamesFiles, name: String) -> [String] {
    let type = Swift.type(of: command)
    guard let names = bySubcommand[name] else { return ["(its description)"] }
    return names.filter { !type.fileArguments.contains($0) && !type.otherArguments.contains($0) }
  }
}

extension ProgramOptions {
  /// The `--program FILE`.
  var namedFiles: [NamedFile] { [file].compactMap { $0 }.map { NamedFile(path: $0, origin: "--program") } }
}
