import ArgumentParser
import Foundation
import MatrixCore

/// `jac`: the command-line face of JacobianKit. Every subcommand parses its arguments, calls the
/// library once and prints; no mathematics lives here. Exit statuses (shared/spec/cli.md):
/// 0 success, 1 a check that ran and failed, 2 bad input.
public struct Jac: ParsableCommand {
  public init() {}

  public static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: "jac",
      abstract: "Matrix calculus in numerator layout over column-major vec.",
      discussion: """
        Jacobians are (mn)×(ab) for F m×n of X a×b, with J[p + q·m, i + j·a] = ∂F[p,q]/∂X[i,j] \
        (0-based; vec stacks columns). Exit status: 0 success, 1 a check failed, 2 bad input.
        """,
      subcommands: [Derive.self, Check.self, Convert.self, Chain.self, Spy.self, Notebook.self] + registered
    )
  }

  /// Subcommands that live outside this library (`jac serve`, in the JacServe target), registered
  /// by the executable before it starts.
  nonisolated(unsafe) private static var registered: [ParsableCommand.Type] = []

  /// Runs `jac` with further subcommands (`Jac.main(registering: [Serve.self])`); call it once,
  /// first thing in the executable.
  public static func main(registering subcommands: [ParsableCommand.Type]) {
    registered = subcommands
    main()
  }

  /// Everything runs on a thread with a 1 GiB stack (`LargeStack`), so that the deepest
  /// expressions the parser accepts are walked without overflowing the stack.
  public static func main() {
    do {
      try LargeStack.run { () throws -> Void in mainWithContractExitCodes() }
    } catch {  // unreachable: mainWithContractExitCodes exits the process
      Foundation.exit(2)
    }
  }

  /// The command that `arguments` (without the program name) select, read as the tool reads them
  /// (arguments that start with '-' are values, see `LeadingMinus`); the notebook runner uses it
  /// to see which files a block's command names.
  static func parse(_ arguments: [String]) throws -> ParsableCommand {
    var arguments = arguments
    if let spec = CommandSpec.jac { arguments = LeadingMinus.normalize(arguments, root: spec) }
    return try parseAsRoot(arguments)
  }

  /// Runs the tool with the contract's exit statuses: argument errors are bad input (2), not
  /// ArgumentParser's usual 64; our own errors print one sentence to stderr and exit 2.
  /// The most command-line arguments read (the argument parser's time grows with the square of
  /// their number: 3,000 take seconds). `jac chain` therefore takes at most about 1,000 factors;
  /// longer chains are planned through the library (`JacobianChain.maximumFactors`).
  static let maximumArguments = 1_024

  static func mainWithContractExitCodes() -> Never {
    let count = CommandLine.arguments.count - 1
    if count > maximumArguments {
      writeError("jac: \(count) arguments are more than the \(maximumArguments) jac reads; give a chain at most \(maximumArguments - 1) factors long")
      Foundation.exit(2)
    }
    do {
      var command = try parse(Array(CommandLine.arguments.dropFirst()))
      try command.run()
      Foundation.exit(0)
    } catch let failure as CheckFailed {
      Foundation.exit(failure.status)
    } catch let error as ExitCode {
      Foundation.exit(error.rawValue)
    } catch let error as CleanExit {
      let code = exitCode(for: error)
      print(fullMessage(for: error))
      Foundation.exit(code.rawValue)
    } catch {
      if !isLibraryError(error), exitCode(for: error) == .success {
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      writeError("jac: " + sentence(for: error))
      Foundation.exit(2)
    }
  }

  /// The one sentence `jac` prints (after `jac: `) for bad input: a toolkit error's description,
  /// or the argument parser's reason without its usage block, and where to read the usage.
  static func sentence(for error: Error) -> String {
    if isLibraryError(error) { return "\(error)" }
    let reason = message(for: error).split(separator: "\n").first.map(String.init) ?? fullMessage(for: error)
    return "\(reason) (see 'jac help')"
  }
}

/// Errors thrown by the toolkit's own modules (not by ArgumentParser): their description is the
/// one sentence to print.
func isLibraryError(_ error: Error) -> Bool {
  let typeName = String(reflecting: type(of: error))
  return ["MatrixCore.", "Jacobians.", "Symbolic.", "JacCommands.", "JacServe."].contains { typeName.hasPrefix($0) }
}

/// A bad-input error found by the command line itself.
struct CLIError: Error, CustomStringConvertible {
  let description: String
  init(_ message: String) { description = message }
}

/// A check that ran and did not hold: its report is already printed; exit with `status` (1).
struct CheckFailed: Error {
  var status: Int32 = 1
}

func writeError(_ s: String) {
  if let sink = CommandSink.current { return sink.warn(s.hasPrefix("jac: warning: ") ? String(s.dropFirst(14)) : s) }
  FileHandle.standardError.write(Data((s.hasSuffix("\n") ? s : s + "\n").utf8))
}
