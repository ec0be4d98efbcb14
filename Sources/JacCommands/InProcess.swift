import ArgumentParser
import Foundation
import MatrixCore

/// Running a `jac` subcommand inside another process (the `jac serve` server) instead of as the
/// `jac` executable: the command's output goes into a per-run ``CommandSink`` (never the
/// process's stdout), the files it names live only in the sink's in-memory table (never the
/// file system), and the sink's limits bound the sizes it computes with.
///
/// ``InProcess/run(_:files:limits:cancellation:)`` runs on a thread with a 1 GiB stack
/// (`LargeStack.run`), as `jac` itself runs, since deep expressions recurse deeply: in place when
/// the calling thread has such a stack (the server starts one per computation), else on a new one
/// that it waits for (the task-local sink and cancellation token are set on that thread).
public enum InProcess {
  /// The subcommands that can run in process; `notebook` reads and writes folders and cannot.
  public static let subcommands: Set<String> = ["derive", "check", "chain", "convert", "spy"]

  /// Runs `jac ARGUMENTS` in this process.
  ///
  /// - Parameters:
  ///   - arguments: the command line without the program name, e.g. `["derive", "R'*R", "--wrt", "R", …]`.
  ///   - files: the in-memory files the command may read, by the name its arguments use.
  ///   - limits: the largest sizes the command may compute with.
  ///   - cancellation: a token another thread may cancel to make the command stop at its next
  ///     checkpoint (`Cancellation`: the long loops of finite differences, evaluation, claim
  ///     search, simplification, differentiation and chain planning look at it).
  /// - Returns: what the command printed, its warnings, the files it wrote (in memory) and its
  ///   status (0, or 1 for a check that ran and did not hold).
  /// - Throws: ``InProcessError`` with the sentence `jac` prints for the same bad input (without
  ///   the `jac: ` prefix); `CancellationError` when `cancellation` was cancelled before the
  ///   command ended (whatever it had computed or thrown by then is dropped).
  public static func run(
    _ arguments: [String], files: [String: [UInt8]] = [:], limits: InProcessLimits = InProcessLimits(),
    cancellation: Cancellation? = nil
  ) throws -> InProcessRun {
    guard let name = arguments.first, subcommands.contains(name) else {
      throw InProcessError(description: "only \(subcommands.sorted().joined(separator: ", ")) run in process")
    }
    return try LargeStack.run {
      let sink = CommandSink(files: files, limits: limits)
      var status: Int32 = 0
      try Cancellation.$current.withValue(cancellation) {
        try CommandSink.$current.withValue(sink) {
          do {
            var command = try Jac.parse(arguments)
            try command.run()
          } catch let failure as CheckFailed {
            status = failure.status
          } catch {
            // A cancelled command may surface its cancellation as another error (a check that
            // could not evaluate, a search that found nothing): the token decides.
            if cancellation?.isCancelled == true { throw CancellationError() }
            throw InProcessError(description: Jac.sentence(for: error))
          }
        }
      }
      if cancellation?.isCancelled == true { throw CancellationError() }
      return sink.result(status: status)
    }
  }
}

/// The largest sizes an in-process command computes with.
public struct InProcessLimits: Sendable {
  /// The most entries of any variable and of any dense Jacobian (mn·ab for F m×n of X a×b).
  public var maximumEntries: Int
  public init(maximumEntries: Int = 1_000_000) { self.maximumEntries = maximumEntries }
}

/// What an in-process command produced.
public struct InProcessRun: Sendable {
  /// Everything it printed (what `jac` prints on stdout).
  public let output: String
  /// Its warnings (what `jac` prints on stderr after `jac: warning: `).
  public let warnings: [String]
  /// The files it wrote, in memory, by the name its arguments gave them.
  public let writtenFiles: [String: [UInt8]]
  /// 0, or 1 when a check ran and did not hold (the exit status `jac` would have).
  public let status: Int32
}

/// Bad input to an in-process command: the one sentence `jac` prints (without `jac: `).
public struct InProcessError: Error, CustomStringConvertible, Sendable {
  public let description: String
}

/// Where the commands' output, warnings and files go while they run in process. Outside
/// ``InProcess`` there is no current sink and the commands print and touch files as `jac` does.
final class CommandSink: @unchecked Sendable {
  @TaskLocal static var current: CommandSink?

  private let lock = NSLock()
  private var output = ""
  private var warnings: [String] = []
  private let readable: [String: [UInt8]]
  private var written: [String: [UInt8]] = [:]
  let limits: InProcessLimits

  init(files: [String: [UInt8]], limits: InProcessLimits) {
    readable = files
    self.limits = limits
  }

  func write(_ text: String) { lock.withLock { output += text } }
  func warn(_ text: String) { lock.withLock { warnings.append(text) } }
  /// Adds `text` to the warnings unless it is there already (a note about the input, which the
  /// command may read more than once); whether it was added.
  func warnOnce(_ text: String) -> Bool {
    lock.withLock {
      guard !warnings.contains(text) else { return false }
      warnings.append(text)
      return true
    }
  }
  func store(_ bytes: [UInt8], as name: String) { lock.withLock { written[name] = bytes } }

  /// The bytes of an in-memory file, or the sentence that there are no others.
  func contents(of name: String, origin: String) throws -> [UInt8] {
    if let bytes = lock.withLock({ written[name] ?? readable[name] }) { return bytes }
    throw CLIError("\(origin) names the file '\(name)', but the server reads no files: upload it with the request")
  }

  /// Refuses `entries` beyond the limit, naming what has them.
  func checkEntries(_ entries: Int?, of what: String) throws {
    let limit = limits.maximumEntries
    guard let n = entries, n <= limit else {
      throw CLIError("\(what) has \(entries.map(String.init) ?? "too many") entries, more than the \(limit) this server computes with")
    }
  }

  func result(status: Int32) -> InProcessRun {
    lock.withLock { InProcessRun(output: output, warnings: warnings, writtenFiles: written, status: status) }
  }
}

/// `print` for the commands: into the current sink when they run in process, else to stdout.
/// (It shadows the standard library's `print` inside this module, so every command's output
/// goes through it.)
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
  let text = items.map { "\($0)" }.joined(separator: separator) + terminator
  if let sink = CommandSink.current {
    sink.write(text)
  } else {
    Swift.print(text, terminator: "")
  }
}

/// File access of the commands: the in-memory table when they run in process, else the disk.
enum CommandFiles {
  static func matrix(_ path: String, origin: String) throws -> Matrix {
    guard let sink = CommandSink.current else { return try Matrix(npyFile: path) }
    return try Matrix(npyBytes: sink.contents(of: path, origin: origin), name: path)
  }

  static func array(_ path: String, origin: String) throws -> NPYArray {
    guard let sink = CommandSink.current else { return try NPYArray(contentsOf: path) }
    return try NPYArray(data: sink.contents(of: path, origin: origin), name: path)
  }

  static func write(_ array: NPYArray, to path: String) throws {
    guard let sink = CommandSink.current else { return try array.write(to: path) }
    sink.store(array.encoded(), as: path)
  }

  static func write(_ text: String, to path: String) throws {
    guard let sink = CommandSink.current else { return try text.writeAtomically(to: path) }
    sink.store(Array(text.utf8), as: path)
  }

  /// A program's text from a file: in process there are none.
  static func refuseInProcess(_ path: String, origin: String) throws {
    if CommandSink.current != nil {
      throw CLIError("\(origin) names the file '\(path)', but the server reads no files: give the program inline")
    }
  }
}
