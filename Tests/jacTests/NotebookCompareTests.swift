import Foundation
import Testing

/// Recorded outputs are compared as numbers (Sources/JacCommands/Notebook+Compare.swift): each test
/// records a notebook with `jac notebook update`, changes one recorded number, and runs
/// `jac notebook test` on the built binary.
@Suite struct NotebookCompareTests {
  /// A notebook of one block, recorded by `update`; returns the notebook's path.
  static func recorded(_ command: String, fence: String = "```output") throws -> String {
    let dir = try JacRunner.temporaryDirectory()
    let path = dir + "/nb.md"
    try "# t\n\n```jac\n\(command)\n```\n\n\(fence)\n```\n".write(toFile: path, atomically: true, encoding: .utf8)
    let update = try JacRunner.run(["notebook", "update", path])
    #expect(update.status == 0, "\(update.stdout)\(update.stderr)")
    return path
  }

  /// Replaces the one occurrence of `old` in the recorded notebook, then runs `notebook test`.
  static func testAfterReplacing(_ old: String, with new: String, in path: String) throws -> JacRun {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    try #require(text.components(separatedBy: old).count == 2, "'\(old)' once in:\n\(text)")
    try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    return try JacRunner.run(["notebook", "test", path])
  }

  @Test func lastDigitChangeInJSONPassesAndOnePercentFails() throws {
    let path = try Self.recorded("jac check \"x\" --wrt x --dims x=1x1 --claim 1.2345678901234 --format json")
    #expect(try JacRunner.run(["notebook", "test", path]).status == 0)
    let lastDigit = try Self.testAfterReplacing("\"claimed\":1.2345678901234", with: "\"claimed\":1.2345678901235", in: path)
    #expect(lastDigit.status == 0, "\(lastDigit.stdout)")
    // 1.2345678901235 · 1.01
    let onePercent = try Self.testAfterReplacing("\"claimed\":1.2345678901235", with: "\"claimed\":1.2469135690247", in: path)
    #expect(onePercent.status == 1)
    #expect(onePercent.stdout.contains("\(path):8: output of `jac check"), "\(onePercent.stdout)")
    #expect(onePercent.stdout.contains("worst[0].claimed: 1.2345678901234 differs from the recorded 1.2469135690247"))
  }

  @Test func onePercentChangeInTextFailsAndABlockMayStateItsOwnTolerance() throws {
    // Text output prints the claimed entry as 1.235 (4 significant digits).
    let cmd = "jac check \"x\" --wrt x --dims x=1x1 --claim 1.2345678901234"
    let strict = try Self.recorded(cmd)
    let text = try String(contentsOfFile: strict, encoding: .utf8)
    #expect(text.contains("expected 1, claimed 1.235"))
    let changed = try Self.testAfterReplacing("claimed 1.235", with: "claimed 1.247", in: strict)
    #expect(changed.status == 1, "\(changed.stdout)")
    let loose = try Self.recorded(cmd, fence: "```output rtol=0.02")
    #expect(try Self.testAfterReplacing("claimed 1.235", with: "claimed 1.247", in: loose).status == 0)
    // Integers (indices, sizes, exit statuses) compare exactly, whatever the tolerance.
    #expect(try Self.testAfterReplacing("[exit 1]", with: "[exit 2]", in: loose).status == 1)
  }

  @Test func anErrorThatGrowsByOrdersOfMagnitudeFails() throws {
    // The fresh run's largest absolute error is 9.00e-07; the recording says 1.00e-11.
    let path = try Self.recorded("jac check \"x\" --wrt x --dims x=1x1 --claim 1.0000009")
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.contains("largest absolute error 9.00e-07,"), "\(text)")
    let grown = try Self.testAfterReplacing("error 9.00e-07,", with: "error 1.00e-11,", in: path)
    #expect(grown.status == 1)
    #expect(grown.stdout.contains("the error magnitude 9.00e-07 is not within a factor of 10 of the recorded 1.00e-11"))
    // The same error within a factor of 10 (another CPU's rounding) passes.
    #expect(try Self.testAfterReplacing("error 1.00e-11,", with: "error 2.50e-07,", in: path).status == 0)
  }

  @Test func roundingNoiseInJSONErrorsPassesButARealErrorDoesNot() throws {
    let path = try Self.recorded("jac check \"x\" --wrt x --dims x=1x1 --claim 1 --format json")
    // Recorded 0 on this machine; 4.4e-16 on another is rounding noise.
    let noise = try Self.testAfterReplacing("\"maxAbsError\":0", with: "\"maxAbsError\":4.44089209850063e-16", in: path)
    #expect(noise.status == 0, "\(noise.stdout)")
    let real = try Self.testAfterReplacing(
      "\"maxAbsError\":4.44089209850063e-16", with: "\"maxAbsError\":9e-07", in: path)
    #expect(real.status == 1)
    #expect(real.stdout.contains("maxAbsError: the error magnitude"), "\(real.stdout)")
    // JSON structure is exact: a missing key fails.
    _ = try Self.testAfterReplacing("\"maxAbsError\":9e-07", with: "\"maxAbsError\":0", in: path)
    #expect(try Self.testAfterReplacing(",\"maxRelError\":0", with: "", in: path).status == 1)
  }

  @Test func jsonNumbersHaveAtMostFifteenSignificantDigits() throws {
    let run = try JacRunner.run(["check", "x", "--wrt", "x", "--dims", "x=1x1", "--claim", "0.1234567890123456789", "--format", "json"])
    #expect(run.status == 1)
    // The number as written (key order aside): 15 significant digits, then the end of the value.
    func written(_ text: String) -> Bool { run.stdout.contains(text + ",") || run.stdout.contains(text + "}") }
    #expect(written(#""claimed":0.123456789012346"#), "\(run.stdout)")
    #expect(written(#""maxAbsError":0.876543210987654"#), "\(run.stdout)")
  }

  @Test func badOutputOptionIsBadInputNamingTheLine() throws {
    let dir = try JacRunner.temporaryDirectory()
    let path = dir + "/nb.md"
    try "```jac\njac chain 2x3\n```\n```output rtol=abc\n```\n".write(toFile: path, atomically: true, encoding: .utf8)
    let run = try JacRunner.run(["notebook", "test", path])
    #expect(run.status == 2)
    #expect(run.stderr.contains("\(path):4: the output block option 'rtol=abc' is not KEY=NUMBER"), "\(run.stderr)")
  }
}
