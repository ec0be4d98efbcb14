import ArgumentParser
import Foundation

/// `jac notebook test|update PATH...`: executable Markdown notebooks.
///
/// In a notebook, a fenced block tagged `jac` holds one or more `jac` command lines; the fenced
/// block tagged `output` right after it holds what they print (stdout, then stderr, of each
/// command in order; a command that exits with a non-zero status adds a line `[exit N]`).
/// The concerns live in their own files: parsing (`Notebook+Parse.swift`), confinement
/// (`Notebook+Confinement.swift`, `Jac+Files.swift`), running (`Notebook+Run.swift`), comparing
/// (`Notebook+Compare.swift`) and rewriting (`Notebook+Update.swift`).
struct Notebook: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the jac blocks of Markdown notebooks and compare or update their recorded outputs.",
    discussion: """
      Commands run without a shell; only jac commands run, never jac notebook, and every file a \
      command names must lie inside the notebook's folder (no absolute paths, no .. out of it). \
      test runs them in a scratch copy of the files they name, so it changes nothing; update runs \
      them in the notebook's folder and rewrites the output blocks of notebooks that have jac blocks.
      Outputs are compared as numbers: text exactly, integers exactly, other numbers within \
      rtol 1e-9 (a block may say ```output rtol=1e-6 atol=0), error magnitudes below 1e-6 (after \
      'error', 'relative', or JSON keys naming an error) within a factor of 10, JSON lines parsed.
      """,
    subcommands: [NotebookTest.self, NotebookUpdate.self]
  )
}

struct NotebookTest: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "test",
    abstract: "Run every notebook and show a diff (file and line) for each output that changed; exit 1 if any did.")

  @Argument(help: "Notebook files (.md) or folders to search for them.") var paths: [String]

  func run() throws {
    try NotebookRun.checkNesting()
    var failed = 0
    var blocks = 0
    let files = try notebookFiles(paths)
    let notebooks = try files.map { try NotebookFile(path: $0) }
    // Every command of every notebook is checked before any runs.
    for notebook in notebooks { _ = try NotebookRun(notebook: notebook, inScratchFolder: true).checkedCommands() }
    for (k, notebook) in notebooks.enumerated() {
      progress("notebook \(k + 1)/\(files.count): \(notebook.path)")
      let results: [NotebookBlockResult]
      do {
        results = try NotebookRun(notebook: notebook, inScratchFolder: true).run()
      } catch let interrupted as NotebookRun.Interrupted {
        interrupted.stop()
      }
      for result in results {
        blocks += 1
        if let diff = result.diff(file: notebook.path) {
          failed += 1
          print(diff)
        }
      }
    }
    guard blocks > 0 else {
      throw CLIError("no jac blocks in \(files.joined(separator: " ")): nothing was tested")
    }
    print("\(blocks - failed) of \(blocks) notebook blocks match their recorded output")
    if failed > 0 { throw CheckFailed() }
  }
}

struct NotebookUpdate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "update",
    abstract: "Run every notebook and rewrite its output blocks from the fresh run (only files with jac blocks).")

  @Argument(help: "Notebook files (.md) or folders to search for them.") var paths: [String]

  func run() throws {
    try NotebookRun.checkNesting()
    let files = try notebookFiles(paths)
    let notebooks = try files.map { try NotebookFile(path: $0) }
    for notebook in notebooks { _ = try NotebookRun(notebook: notebook, inScratchFolder: false).checkedCommands() }
    for (k, notebook) in notebooks.enumerated() {
      progress("notebook \(k + 1)/\(files.count): \(notebook.path)")
      guard !notebook.blocks.isEmpty else {
        print("\(notebook.path): no jac blocks, left alone")
        continue
      }
      let results: [NotebookBlockResult]
      do {
        results = try NotebookRun(notebook: notebook, inScratchFolder: false).run()
      } catch let interrupted as NotebookRun.Interrupted {
        interrupted.stop()
      }
      let changed = results.filter { !$0.matches }.count
      let text = notebook.rewritten(with: results)
      if FileManager.default.contents(atPath: notebook.path) != Data(text.utf8) {
        try text.writeAtomically(to: notebook.path)
      }
      print("\(notebook.path): \(results.count) blocks, \(changed) updated")
    }
  }
}

/// A progress line on stderr, only when stderr is a terminal (normal output stays clean).
func progress(_ line: String) {
  if isatty(2) != 0 { writeError(line) }
}

/// The Markdown files named or found (recursively, sorted) under the given paths.
func notebookFiles(_ paths: [String]) throws -> [String] {
  var files: [String] = []
  let fm = FileManager.default
  for path in paths {
    var isDir: ObjCBool = false
    guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
      throw CLIError("the notebook path \(path) does not exist")
    }
    if isDir.boolValue {
      let found = (fm.enumerator(atPath: path)?.compactMap { $0 as? String } ?? [])
        .filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }
        .sorted()
        .map { (path as NSString).appendingPathComponent($0) }
      files += found
    } else {
      files.append(path)
    }
  }
  if files.isEmpty { throw CLIError("no notebooks (.md files) found under \(paths.joined(separator: " "))") }
  return files
}
