import ArgumentParser
import Foundation

/// `jac notebook test|update PATH...`: executable Markdown notebooks.
///
/// In a notebook, a fenced block tagged `jac` holds one or more `jac` command lines; the fenced
/// block tagged `output` right after it holds what they print (stdout, then stderr, of each
/// command in order; a command that exits with a non-zero status adds a line `[exit N]`).
/// Commands run in the notebook's folder, without a shell (words are split with shell-like
/// quoting). Every other block is left alone. When outputs are compared, numbers in scientific
/// notation below 1e-6 in magnitude (rounding noise such as `1.37e-11` in an error report, which
/// differs between CPUs and BLAS builds) compare equal to each other.
struct Notebook: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the jac blocks of Markdown notebooks and compare or update their recorded outputs.",
    subcommands: [NotebookTest.self, NotebookUpdate.self]
  )
}

struct NotebookTest: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "test",
    abstract: "Run every notebook and show a diff (file and line) for each output that changed; exit 1 if any did.")

  @Argument(help: "Notebook files (.md) or folders to search for them.") var paths: [String]

  func run() throws {
    var failed = 0
    var blocks = 0
    let files = try notebookFiles(paths)
    for (k, file) in files.enumerated() {
      progress("notebook \(k + 1)/\(files.count): \(file)")
      let notebook = try NotebookFile(path: file)
      for result in notebook.run() {
        blocks += 1
        if let diff = result.diff(file: file) {
          failed += 1
          print(diff)
        }
      }
    }
    print("\(blocks - failed) of \(blocks) notebook blocks match their recorded output")
    if failed > 0 { throw CheckFailed() }
  }
}

struct NotebookUpdate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "update", abstract: "Run every notebook and rewrite its output blocks from the fresh run.")

  @Argument(help: "Notebook files (.md) or folders to search for them.") var paths: [String]

  func run() throws {
    let files = try notebookFiles(paths)
    for (k, file) in files.enumerated() {
      progress("notebook \(k + 1)/\(files.count): \(file)")
      let notebook = try NotebookFile(path: file)
      let results = notebook.run()
      let changed = results.filter { $0.diff(file: file) != nil }.count
      try notebook.rewritten(with: results).writeAtomically(to: file)
      print("\(file): \(results.count) blocks, \(changed) updated")
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

/// A parsed notebook: its lines and the `jac` blocks with their output blocks.
struct NotebookFile {
  struct Block {
    /// 0-based line index of the opening fence of the jac block and its command lines.
    let fenceLine: Int
    let commands: [String]
    /// The line range of the following output block's content (between its fences), if any.
    let output: Range<Int>?
    /// Index of the line after the jac block's closing fence.
    let afterBlock: Int
  }

  let path: String
  let lines: [String]
  let blocks: [Block]

  init(path: String) throws {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
      throw CLIError("cannot read the notebook \(path)")
    }
    self.path = path
    var lines = text.components(separatedBy: "\n")
    if lines.last == "" { lines.removeLast() }
    self.lines = lines
    var blocks: [Block] = []
    var i = 0
    func fence(_ line: String) -> String? {
      let t = line.trimmingCharacters(in: .whitespaces)
      guard t.hasPrefix("```") else { return nil }
      return String(t.dropFirst(3)).trimmingCharacters(in: .whitespaces)
    }
    func closing(from start: Int) -> Int? {
      var k = start
      while k < lines.count {
        if fence(lines[k]) == "" { return k }
        k += 1
      }
      return nil
    }
    while i < lines.count {
      guard let tag = fence(lines[i]), !tag.isEmpty else {
        i += 1
        continue
      }
      guard let end = closing(from: i + 1) else {
        throw CLIError("\(path):\(i + 1): the fenced block opened here is never closed")
      }
      if tag == "jac" {
        let commands = lines[(i + 1)..<end].map { $0.trimmingCharacters(in: .whitespaces) }.filter {
          !$0.isEmpty && !$0.hasPrefix("#")
        }
        var j = end + 1
        while j < lines.count && lines[j].trimmingCharacters(in: .whitespaces).isEmpty { j += 1 }
        var output: Range<Int>? = nil
        var after = end + 1
        if j < lines.count, fence(lines[j]) == "output" {
          guard let oend = closing(from: j + 1) else {
            throw CLIError("\(path):\(j + 1): the output block opened here is never closed")
          }
          output = (j + 1)..<oend
          after = oend + 1
        }
        blocks.append(Block(fenceLine: i, commands: commands, output: output, afterBlock: after))
        i = after
      } else {
        i = end + 1
      }
    }
    self.blocks = blocks
  }

  struct Result {
    let block: Block
    let expected: [String]
    let actual: [String]

    /// A diff naming the file and line, or nil when the output matches.
    func diff(file: String) -> String? {
      if normalize(expected).map(maskNoise) == normalize(actual).map(maskNoise) { return nil }
      let line = (block.output?.lowerBound ?? block.afterBlock) + 1
      var s = "\(file):\(line): output of `\(block.commands.joined(separator: "; "))` differs"
      if block.output == nil { s += " (no output block recorded)" }
      s += "\n" + lineDiff(normalize(expected), normalize(actual), firstLine: line)
      return s
    }
  }

  func run() -> [Result] {
    let dir = (path as NSString).deletingLastPathComponent
    return blocks.map { block in
      var out: [String] = []
      for command in block.commands {
        out += runJacLine(command, in: dir.isEmpty ? "." : dir)
      }
      let expected = block.output.map { Array(lines[$0]) } ?? []
      return Result(block: block, expected: expected, actual: out)
    }
  }

  /// The notebook text with each output block replaced by the fresh output (inserted after a
  /// jac block that had none).
  func rewritten(with results: [Result]) -> String {
    var out: [String] = []
    var i = 0
    for r in results {
      let b = r.block
      let end = b.output.map { $0.lowerBound - 1 } ?? b.afterBlock
      // Copy up to the output block's opening fence (or the end of the jac block).
      while i < (b.output != nil ? end : b.afterBlock) {
        out.append(lines[i])
        i += 1
      }
      if b.output == nil {
        out.append("```output")
      } else {
        out.append(lines[i])  // the output fence
        i += 1
      }
      out += normalize(r.actual)
      if let o = b.output {
        i = o.upperBound
      } else {
        out.append("```")
      }
    }
    while i < lines.count {
      out.append(lines[i])
      i += 1
    }
    return out.joined(separator: "\n") + "\n"
  }
}

private func normalize(_ lines: [String]) -> [String] {
  var l = lines.map { s -> String in
    var t = s
    while let c = t.last, c == " " || c == "\t" || c == "\r" { t.removeLast() }
    return t
  }
  while l.last == "" { l.removeLast() }
  return l
}

/// The line with every number in scientific notation below 1e-6 in magnitude replaced by `≈0`.
func maskNoise(_ line: String) -> String {
  var out = ""
  var rest = Substring(line)
  let pattern = /[-+]?[0-9]+(?:\.[0-9]+)?e[-+][0-9]+/
  while let m = rest.firstMatch(of: pattern) {
    out += rest[..<m.range.lowerBound]
    let text = String(m.output)
    if let x = Double(text), abs(x) < 1e-6 { out += "≈0" } else { out += text }
    rest = rest[m.range.upperBound...]
  }
  return out + rest
}

/// A line diff (longest common subsequence), `-` expected and `+` actual, with notebook line numbers.
func lineDiff(_ a: [String], _ b: [String], firstLine: Int) -> String {
  let n = a.count
  let m = b.count
  var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
  for i in stride(from: n - 1, through: 0, by: -1) {
    for j in stride(from: m - 1, through: 0, by: -1) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
    }
  }
  var out: [String] = []
  var i = 0
  var j = 0
  while i < n || j < m {
    if i < n, j < m, a[i] == b[j] {
      i += 1
      j += 1
    } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
      out.append("  + \(b[j])")
      j += 1
    } else {
      out.append(String(format: "%5d - ", firstLine + i) + a[i])
      i += 1
    }
  }
  return out.joined(separator: "\n")
}

/// Splits a command line into words with shell-like quoting ('…', "…", backslash).
func shellWords(_ line: String) throws -> [String] {
  var words: [String] = []
  var current = ""
  var inWord = false
  var quote: Character? = nil
  var escape = false
  for c in line {
    if escape {
      current.append(c)
      escape = false
      continue
    }
    if let q = quote {
      if c == q {
        quote = nil
      } else if c == "\\" && q == "\"" {
        escape = true
      } else {
        current.append(c)
      }
      continue
    }
    switch c {
    case "'", "\"":
      quote = c
      inWord = true
    case "\\":
      escape = true
      inWord = true
    case " ", "\t":
      if inWord {
        words.append(current)
        current = ""
        inWord = false
      }
    default:
      current.append(c)
      inWord = true
    }
  }
  if quote != nil { throw CLIError("unbalanced quote in the notebook command: \(line)") }
  if inWord { words.append(current) }
  return words
}

/// Runs one `jac …` line with this very executable and returns its output lines.
func runJacLine(_ line: String, in directory: String) -> [String] {
  var words: [String]
  do {
    words = try shellWords(line)
  } catch {
    return ["notebook error: \(error)"]
  }
  if words.first == "$" { words.removeFirst() }
  guard words.first == "jac" else { return ["notebook error: only jac commands run in a jac block: \(line)"] }
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
  process.arguments = Array(words.dropFirst())
  process.currentDirectoryURL = URL(fileURLWithPath: directory)
  var env = ProcessInfo.processInfo.environment
  env["JAC_NOTEBOOK"] = "1"
  process.environment = env
  let stdout = Pipe()
  let stderr = Pipe()
  process.standardOutput = stdout
  process.standardError = stderr
  do {
    try process.run()
  } catch {
    return ["notebook error: cannot run jac: \(error)"]
  }
  // Read both pipes before waiting, so that a large output cannot block the child.
  let group = DispatchGroup()
  nonisolated(unsafe) var errData = Data()
  group.enter()
  DispatchQueue.global().async {
    errData = stderr.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  let outData = stdout.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  process.waitUntilExit()
  var lines: [String] = []
  for data in [outData, errData] {
    let text = String(decoding: data, as: UTF8.self)
    var l = text.components(separatedBy: "\n")
    if l.last == "" { l.removeLast() }
    lines += l
  }
  if process.terminationStatus != 0 { lines.append("[exit \(process.terminationStatus)]") }
  return lines
}

extension String {
  /// Writes the text to `path` whole or not at all (temporary file in the same folder, then rename).
  func writeAtomically(to path: String) throws {
    do {
      try Data(utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw CLIError("cannot write \(path): \(error.localizedDescription)")
    }
  }
}
