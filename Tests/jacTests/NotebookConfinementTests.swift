import Foundation
import Testing

/// A notebook's commands run only `jac`, only on files inside the notebook's folder
/// (Sources/JacCommands/Notebook+Confinement.swift, Sources/JacCommands/Jac+Files.swift), on the built binary.
@Suite struct NotebookConfinementTests {
  /// A folder `nb` holding `j.npy` (2×2 ones) inside a fresh temporary folder; returns both.
  static func sandbox() throws -> (outer: String, folder: String) {
    let outer = try JacRunner.temporaryDirectory()
    let folder = outer + "/nb"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try JacRunner.python("import numpy as np; np.save('\(folder)/j.npy', np.ones((2, 2)))")
    return (outer, folder)
  }

  static func write(_ text: String, to path: String) throws {
    try text.write(toFile: path, atomically: false, encoding: .utf8)
  }

  @Test(arguments: [
    ("jac convert j.npy OUTER/evil.npy --from numerator --to denominator --output-shape 2,1 --input-shape 2,1",
      "OUTER/evil.npy (OUT), an absolute path"),
    ("jac spy \"x'*x\" --wrt x --dims x=2x1 -o ../evil.svg", "../evil.svg (-o), which leaves the notebook's folder"),
    ("jac derive \"x'*x\" --wrt x --dims x=2x1 --jacobian-out sub/../../evil.npy", "sub/../../evil.npy (--jacobian-out)"),
    ("jac check \"x'*x\" --wrt x --values x=../j.npy --claim \"2*x'\"", "../j.npy (--values x), which leaves"),
    ("jac check \"X\" --wrt X --dims X=2x2 --claim-file OUTER/nb/j.npy", "OUTER/nb/j.npy (--claim-file), an absolute path"),
    ("jac spy \"x'*x\" --wrt x --dims x=2x1 -o link/evil.svg", "link/evil.svg (-o), which leads out of the notebook's folder through a symbolic link"),
    ("jac convert ../j.npy t.npy --from numerator --to denominator --output-shape 2,1 --input-shape 2,1", "../j.npy (IN)"),
    ("jac derive --program ../p.txt --wrt x --dims x=2x1", "../p.txt (--program), which leaves"),
    // `..` after a link is the parent of the link's target, as the kernel reads it (lexically it stays inside).
    ("jac spy \"x'*x\" --wrt x --dims x=2x1 -o link/nb/../../evil.svg", "link/nb/../../evil.svg (-o), which leads out"),
    ("jac spy \"x'*x\" --wrt x --dims x=2x1 -o dangling.svg", "dangling.svg (-o), which goes through a symbolic link that leads nowhere"),
    ("jac check --program OUTER/p.txt --wrt x --dims x=2x1 --claim \"2*x'\"", "OUTER/p.txt (--program), an absolute path"),
  ])
  func pathsOutsideTheFolderAreRefusedBeforeAnythingRuns(command: String, message: String) throws {
    let (outer, folder) = try Self.sandbox()
    try FileManager.default.createSymbolicLink(atPath: folder + "/link", withDestinationPath: outer)
    try FileManager.default.createSymbolicLink(atPath: folder + "/dangling.svg", withDestinationPath: outer + "/evil.svg")
    let hostile = command.replacingOccurrences(of: "OUTER", with: outer)
    // A harmless block first: it must not run either.
    try Self.write(
      "```jac\njac spy \"x'*x\" --wrt x --dims x=2x1 -o first.svg\n```\n\n```jac\n\(hostile)\n```\n", to: folder + "/nb.md")
    for mode in ["test", "update"] {
      let run = try JacRunner.run(["notebook", mode, folder])
      #expect(run.status == 2, "\(mode): \(run.stdout)\(run.stderr)")
      let expected = "\(folder)/nb.md:6: the notebook block names the path \(message.replacingOccurrences(of: "OUTER", with: outer))"
      #expect(run.stderr.contains(expected), "\(run.stderr)")
    }
    let outside = try FileManager.default.contentsOfDirectory(atPath: outer).sorted()
    #expect(outside == ["nb"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["dangling.svg", "j.npy", "link", "nb.md"])
  }

  @Test func onlyJacRunsAndNeverJacNotebook() throws {
    let (_, folder) = try Self.sandbox()
    let path = folder + "/nb.md"
    try Self.write("```jac\nrm -rf j.npy\n```\n", to: path)
    var run = try JacRunner.run(["notebook", "test", path])
    #expect(run.status == 2)
    #expect(run.stderr.contains("only jac commands run in a jac block, not: rm -rf j.npy"))
    try Self.write("```jac\njac notebook test nb.md\n```\n", to: path)
    run = try JacRunner.run(["notebook", "test", path])
    #expect(run.status == 2)
    #expect(run.stderr.contains("a notebook block cannot run jac notebook"))
    // No shell: the words after ';' and inside $(...) are arguments that jac rejects.
    try Self.write("```jac\njac chain 2x3 ; touch pwned\njac chain \"$(touch pwned2)\"\n```\n", to: path)
    run = try JacRunner.run(["notebook", "update", path])
    #expect(run.status == 0)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["j.npy", "nb.md"])
    #expect(try String(contentsOfFile: path, encoding: .utf8).contains("[exit 2]"))
    // A notebook run refuses to start inside another one (no fork bomb, however started).
    run = try JacRunner.run(["notebook", "test", path], environment: ["JAC_NOTEBOOK_DEPTH": "1"])
    #expect(run.status == 2)
    #expect(run.stderr.contains("jac notebook cannot run inside a notebook run (JAC_NOTEBOOK_DEPTH=1"))
  }

  @Test func inlineValuesAreNotPaths() throws {
    let (_, folder) = try Self.sandbox()
    let path = folder + "/nb.md"
    try Self.write("```jac\njac check \"a*x'*x\" --wrt x --values \"x=[1;2],a=-2\" --claim \"2*a*x'\"\n```\n", to: path)
    let run = try JacRunner.run(["notebook", "update", path])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try String(contentsOfFile: path, encoding: .utf8).contains("verdict: the claim holds"))
  }

  @Test func testChangesNothingInTheFolderAndLaterBlocksSeeEarlierWrites() throws {
    let (_, folder) = try Self.sandbox()
    let path = folder + "/nb.md"
    try Self.write(
      """
      ```jac
      jac spy "x'*x" --wrt x --dims x=2x1 -o pic.svg
      jac convert j.npy out/t.npy --from numerator --to denominator --output-shape 2,1 --input-shape 2,1
      ```

      ```jac
      jac convert out/t.npy back.npy --from denominator --to numerator --output-shape 2,1 --input-shape 2,1
      ```

      """, to: path)
    try FileManager.default.createDirectory(atPath: folder + "/out", withIntermediateDirectories: true)
    #expect(try JacRunner.run(["notebook", "update", path]).status == 0)
    #expect(FileManager.default.fileExists(atPath: folder + "/back.npy"))
    // The folder as a user might leave it: an old picture, the intermediate file gone.
    try Self.write("old picture", to: folder + "/pic.svg")
    try FileManager.default.removeItem(atPath: folder + "/out/t.npy")
    try FileManager.default.removeItem(atPath: folder + "/back.npy")
    let before = try Self.snapshot(folder)
    let run = try JacRunner.run(["notebook", "test", path])
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    #expect(run.stdout.contains("2 of 2 notebook blocks match"))
    #expect(try Self.snapshot(folder) == before)
  }

  @Test func updateRewritesOnlyNotebooksWithJacBlocksKeepingModeAndLineEnding() throws {
    let (_, folder) = try Self.sandbox()
    let prose = folder + "/prose.md"
    try Self.write("# Only prose\r\n\r\n```python\r\nprint(1)\r\n```\r\n", to: prose)
    let notebook = folder + "/nb.md"
    try Self.write("# CRLF\r\n\r\n```jac\r\njac chain 2x3\r\n```\r\n\r\nEnd\r\n", to: notebook)
    for p in [prose, notebook] { try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: p) }
    let proseBefore = try Self.snapshot(folder)[prose]
    // A CRLF notebook has one block (not "0 of 0"), with no recorded output yet.
    let first = try JacRunner.run(["notebook", "test", notebook])
    #expect(first.status == 1)
    #expect(first.stdout.contains("0 of 1 notebook blocks match"), "\(first.stdout)")
    let update = try JacRunner.run(["notebook", "update", folder])
    #expect(update.status == 0, "\(update.stderr)")
    #expect(update.stdout.contains("prose.md: no jac blocks, left alone"))
    let text = try String(contentsOfFile: notebook, encoding: .utf8)
    #expect(text.hasPrefix("# CRLF\r\n\r\n```jac\r\njac chain 2x3\r\n```\r\n```output\r\nJ1 "), "\(text)")
    #expect(text.hasSuffix("```\r\n\r\nEnd\r\n"))
    #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    let attributes = try FileManager.default.attributesOfItem(atPath: notebook)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    #expect(try Self.snapshot(folder)[prose] == proseBefore)
    #expect(try JacRunner.run(["notebook", "test", folder]).stdout.contains("1 of 1 notebook blocks match"))
    // Nothing changed: update does not write the notebook again.
    let unchanged = try Self.snapshot(folder)
    #expect(try JacRunner.run(["notebook", "update", notebook]).status == 0)
    #expect(try Self.snapshot(folder) == unchanged)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["j.npy", "nb.md", "prose.md"])
  }

  @Test func childrenRunInTheRunnersProcessGroup() throws {
    let (_, folder) = try Self.sandbox()
    let path = folder + "/nb.md"
    try Self.write("```jac\n" + String(repeating: "jac chain 20x30 30x40 --format json\n", count: 40) + "```\n", to: path)
    let scratch = try JacRunner.temporaryDirectory()
    let runner = Process()
    runner.executableURL = JacRunner.executable
    runner.arguments = ["notebook", "test", path]
    runner.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": scratch]) { $1 }
    runner.standardOutput = FileHandle.nullDevice
    runner.standardError = FileHandle.nullDevice
    try runner.run()
    defer { if runner.isRunning { runner.terminate(); runner.waitUntilExit() } }
    let runnerGroup = try #require(Self.stat(runner.processIdentifier)?.pgrp)
    var child: (pid: Int32, pgrp: Int32)? = nil
    let deadline = Date().addingTimeInterval(60)
    while child == nil && runner.isRunning && Date() < deadline {
      for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
        guard let pid = Int32(name), let s = Self.stat(pid), s.ppid == runner.processIdentifier else { continue }
        child = (pid, s.pgrp)
      }
      usleep(500)
    }
    let found = try #require(child, "no child of the runner seen")
    #expect(found.pgrp == runnerGroup)
    // Ctrl-C at a terminal signals the foreground group: runner and child both stop.
    guard runnerGroup != getpgrp() else { return }
    kill(-runnerGroup, SIGINT)
    runner.waitUntilExit()
    // Stopped by SIGINT, or with status 130 when it inherited SIGINT ignored (as under `swift test`).
    #expect(runner.terminationReason == .uncaughtSignal || runner.terminationStatus == 130)
    var childGone = false
    for _ in 0..<2000 where !childGone {
      childGone = Self.stat(found.pid).map { $0.ppid != runner.processIdentifier } ?? true
      usleep(1000)
    }
    #expect(childGone)
    // The runner removed its scratch folder before stopping.
    #expect(try FileManager.default.contentsOfDirectory(atPath: scratch) == [])
  }

  /// ppid and process group of a process, from /proc/PID/stat.
  static func stat(_ pid: Int32) -> (ppid: Int32, pgrp: Int32)? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = text.lastIndex(of: ")")
    else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 3, let ppid = Int32(fields[1]), let pgrp = Int32(fields[2]) else { return nil }
    return (ppid, pgrp)
  }

  /// Every file under `folder` with its bytes and modification date.
  static func snapshot(_ folder: String) throws -> [String: String] {
    var out: [String: String] = [:]
    let fm = FileManager.default
    for name in fm.enumerator(atPath: folder)?.compactMap({ $0 as? String }) ?? [] {
      let path = folder + "/" + name
      let attributes = try fm.attributesOfItem(atPath: path)
      let date = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
      let bytes = fm.contents(atPath: path)?.base64EncodedString() ?? "dir"
      out[path] = "\(date) \(bytes)"
    }
    return out
  }
}
