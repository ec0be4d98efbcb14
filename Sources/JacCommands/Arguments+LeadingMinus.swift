import ArgumentParser
import Foundation

/// Arguments that start with `-` read as values: `jac derive "-x'*x" --wrt x ...` and
/// `--claim "-inv(X)'"` need neither `--` nor `=`.
///
/// swift-argument-parser reads every argument that starts with `-` as an option name. This
/// pre-pass runs before it and rewrites argv from the command definitions themselves (the
/// tool-info tree that `--experimental-dump-help` prints), so that it applies to every option that
/// takes a value and every positional argument of every subcommand, not to a list kept by hand:
/// - after an option that takes a value (`--claim`, `--values`, `--seed`, …), the next argument is
///   its value whatever it starts with, unless it is itself a name of that command (then the
///   option's value is missing, and the parser says so); `--claim -x` becomes `--claim=-x`;
/// - an argument that starts with a single `-` and is not a name of the command (`-x'*x`, `-2`)
///   is a positional value: every positional argument then moves, in order, behind a `--` at the
///   end, so that the parser reads them as values;
/// - an argument that starts with `--` and a letter is always an option name (a misspelt option
///   is reported as unknown, not read as an expression); an expression that starts with two signs
///   is written `- -x` or `-(-x)`. After a `--` of the user's own nothing is rewritten.
enum LeadingMinus {
  /// The rewritten arguments (without the program name) for the command tree rooted at `root`.
  static func normalize(_ arguments: [String], root: CommandSpec) -> [String] {
    var command = root
    var index = 0
    var prefix: [String] = []
    // Subcommand names come first (`jac derive …`, `jac help derive`).
    while index < arguments.count, let sub = command.subcommands.first(where: { $0.name == arguments[index] }) {
      prefix.append(arguments[index])
      command = sub
      index += 1
    }
    var options: [String] = []
    var positionals: [String] = []
    var needsTerminator = false
    var changed = false
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if argument == "--" {
        positionals += arguments[index...]
        needsTerminator = true
        break
      }
      let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
      if let kind = command.kind(ofName: name) {
        options.append(argument)
        guard kind == .option, !argument.contains("="), index < arguments.count else { continue }
        let value = arguments[index]
        // A name of the command or a `--` is not a value: the option's value is missing.
        guard value != "--", command.kind(ofName: value) == nil else { continue }
        index += 1
        if value.hasPrefix("-") {
          options[options.count - 1] = "\(argument)=\(value)"
          changed = true
        } else {
          options.append(value)
        }
        continue
      }
      if argument.hasPrefix("-") && !isOptionLike(argument) {
        positionals.append(argument)
        needsTerminator = true
        continue
      }
      if argument.hasPrefix("-") {
        options.append(argument)  // an unknown option: the parser reports it
      } else {
        positionals.append(argument)
      }
    }
    if needsTerminator { return prefix + options + ["--"] + positionals }
    // Nothing to move: keep the user's order, with `--name=value` where a value starts with `-`.
    return changed ? prefix + options + positionals : arguments
  }

  /// `--name` (two dashes and a letter) is an option name even when unknown.
  private static func isOptionLike(_ argument: String) -> Bool {
    guard argument.hasPrefix("--") else { return false }
    let rest = argument.dropFirst(2)
    return rest.first?.isLetter ?? false
  }
}

/// The part of swift-argument-parser's tool-info tree (`ToolInfoV0`) that `LeadingMinus` needs:
/// each command's name, subcommands, and the names of its options and flags.
struct CommandSpec: Decodable {
  enum ArgumentKind: String, Decodable { case positional, option, flag }
  struct Name: Decodable {
    let kind: String
    let name: String
    var spelled: String { kind == "long" ? "--" + name : "-" + name }
  }
  struct Argument: Decodable {
    let kind: ArgumentKind
    let names: [Name]?
  }

  let name: String
  let subcommands: [CommandSpec]
  let arguments: [Argument]

  enum CodingKeys: String, CodingKey { case commandName, subcommands, arguments }

  init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decode(String.self, forKey: .commandName)
    subcommands = try c.decodeIfPresent([CommandSpec].self, forKey: .subcommands) ?? []
    arguments = try c.decodeIfPresent([Argument].self, forKey: .arguments) ?? []
  }

  /// Whether `name` (`--claim`, `-h`) names an option or a flag of this command.
  func kind(ofName name: String) -> ArgumentKind? {
    if ["-h", "--help", "--version", "--experimental-dump-help"].contains(name) { return .flag }
    for argument in arguments where argument.kind != .positional {
      if argument.names?.contains(where: { $0.spelled == name }) ?? false { return argument.kind }
    }
    return nil
  }

  /// The tree of a root command, from swift-argument-parser's own description of it.
  /// `jac`'s own tree, read once (reading it takes the argument parser tens of milliseconds; the
  /// server parses a command line per request).
  static let jac: CommandSpec? = of(Jac.self)

  static func of(_ command: ParsableCommand.Type) -> CommandSpec? {
    struct Root: Decodable { let command: CommandSpec }
    return try? JSONDecoder().decode(Root.self, from: Data(command._dumpHelp().utf8)).command
  }
}
