import ArgumentParser
import Testing

@testable import JacCommands

/// `jac <command> --help` prints each command's discussion as paragraphs that the argument parser
/// wraps to the terminal: a line of the source text that ends mid-sentence must be continued
/// (`\` in the literal), or the help shows ragged lines ("…Jacobian, numerator" / "layout): …").
@Suite struct HelpTextTests {
  static let commands: [(String, ParsableCommand.Type)] = [
    ("jac", Jac.self), ("derive", Derive.self), ("check", Check.self), ("convert", Convert.self),
    ("chain", Chain.self), ("spy", Spy.self), ("notebook", Notebook.self),
  ]

  /// With the wrapping width out of the way (10,000 columns), every line break left is one of
  /// the source's: none may fall inside a sentence, i.e. between a line that ends without
  /// punctuation and a line at the same indentation that goes on in lowercase (rows of an aligned
  /// table, with runs of spaces between their columns, are left alone).
  @Test(arguments: commands.map(\.0))
  func discussionsBreakOnlyBetweenSentences(name: String) throws {
    let command = try #require(Self.commands.first { $0.0 == name }?.1)
    let help = command.helpMessage(columns: 10_000)
    let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for (line, next) in zip(lines, lines.dropFirst()) {
      let indent = line.prefix { $0 == " " }.count
      let nextIndent = next.prefix { $0 == " " }.count
      guard indent == nextIndent, let last = line.last, let first = next.dropFirst(nextIndent).first,
        !line.dropFirst(indent).contains("  ")  // rows of an aligned table are lines of their own
      else { continue }
      let endsSentence = ".:;)".contains(last) || line.hasSuffix("'") || line.hasSuffix("\"")
      #expect(
        endsSentence || !first.isLowercase,
        "jac \(name) --help breaks a sentence between \"\(line)\" and \"\(next)\"")
    }
  }
}
