import ArgumentParser
import Foundation
import Jacobians
import MatrixCore

/// The records `jac derive|check|chain … --format json` print, computed without printing to
/// stdout, for a program (a server) that answers with the same JSON as the command line. Each
/// takes the subcommand's arguments (without `jac` and the subcommand's name) as the tool reads
/// them, forces `--format json`, and returns the record; encode it with `JacJSON.data`.
///
/// Bad input throws an error whose sentence is `JacRecords.sentence(for:)` (the command line's
/// exit status 2). A check that ran and failed is not an error: the record says so (`passed`,
/// `holds`). Flags that write files (`--jacobian-out`) still write them: a server should not
/// pass them. Each call runs on a thread with a 1 GiB stack (`LargeStack.run`), as the command line
/// does, so the deepest expression the parser accepts is safe from any caller's thread (the call
/// waits for that thread; on a thread that already has such a stack it runs in place).
public enum JacRecords {
  /// `jac derive ARGS --format json`.
  public static func derive(_ arguments: [String]) throws -> DeriveOutput {
    try LargeStack.run {
      var command: Derive = try parse("derive", arguments)
      command.format = .json
      guard let output = try command.execute().json else { throw CLIError("jac derive printed no JSON record") }
      return output
    }
  }

  /// `jac check ARGS --format json`.
  public static func check(_ arguments: [String]) throws -> CheckOutput {
    try LargeStack.run {
      var command: Check = try parse("check", arguments)
      command.format = .json
      guard let output = try command.execute().json else { throw CLIError("jac check printed no JSON record") }
      return output
    }
  }

  /// `jac chain ARGS --format json`.
  public static func chain(_ arguments: [String]) throws -> ChainReportRecord {
    try LargeStack.run {
      let command: Chain = try parse("chain", arguments)
      return try command.record()
    }
  }

  /// The one sentence the command line prints for `error` (without the `jac: ` prefix).
  public static func sentence(for error: Error) -> String {
    if isLibraryError(error) { return "\(error)" }
    let reason = Jac.message(for: error).split(separator: "\n").first.map(String.init)
    return reason ?? "\(error)"
  }

  private static func parse<C: ParsableCommand>(_ name: String, _ arguments: [String]) throws -> C {
    let command = try Jac.parse([name] + arguments)
    guard let c = command as? C else { throw CLIError("'\(name)' is not a jac subcommand") }
    return c
  }
}
