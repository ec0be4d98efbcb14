import Foundation

/// A parsed notebook: its lines and the `jac` blocks with their output blocks.
///
/// A fenced block tagged `jac` holds one or more `jac` command lines (blank lines and `#`
/// comments are skipped); the fenced block tagged `output` right after it (blank lines between
/// are allowed) holds what they print. The output fence may carry comparison options,
/// ```` ```output rtol=1e-6 ```` (see `OutputTolerance`). Lines may end in LF or CRLF; a
/// rewritten notebook keeps the file's line ending.
struct NotebookFile {
  struct Block {
    /// 0-based line index of the opening fence of the jac block.
    let fenceLine: Int
    let commands: [String]
    /// The line range of the following output block's content (between its fences), if any.
    let output: Range<Int>?
    /// How this block's output is compared.
    let tolerance: OutputTolerance
    /// Index of the line after the block (after the output block when there is one).
    let afterBlock: Int
  }

  let path: String
  let lines: [String]
  let blocks: [Block]
  /// "\r\n" when the file's lines end so, else "\n".
  let lineEnding: String

  /// The folder the notebook's commands run in and name their files relative to.
  var folder: String {
    let dir = (path as NSString).deletingLastPathComponent
    return dir.isEmpty ? "." : dir
  }

  init(path: String) throws {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CLIError("cannot read the notebook \(path)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw CLIError("the notebook \(path) is not UTF-8 text")
    }
    try self.init(path: path, text: text)
  }

  init(path: String, text: String) throws {
    self.path = path
    // Split on the byte "\n" (a Swift Character "\r\n" is one grapheme and never equals "\n").
    let raw = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    let crlf = raw.dropLast().filter { $0.last == UInt8(ascii: "\r") }.count
    lineEnding = crlf > 0 && crlf * 2 >= raw.count - 1 ? "\r\n" : "\n"
    var lines = raw.map { line in
      String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
    }
    if lines.last == "" { lines.removeLast() }
    self.lines = lines
    blocks = try NotebookFile.blocks(in: lines, path: path)
  }

  /// The words after ```` ``` ```` on a fence line, or nil when the line is not a fence.
  static func fence(_ line: String) -> [String]? {
    let t = line.trimmingCharacters(in: .whitespaces)
    guard t.hasPrefix("```") else { return nil }
    return t.dropFirst(3).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
  }

  private static func blocks(in lines: [String], path: String) throws -> [Block] {
    func closing(from start: Int) -> Int? {
      (start..<lines.count).first { fence(lines[$0]) == [] }
    }
    var blocks: [Block] = []
    var i = 0
    while i < lines.count {
      guard let words = fence(lines[i]), let tag = words.first else {
        i += 1
        continue
      }
      guard let end = closing(from: i + 1) else {
        throw CLIError("\(path):\(i + 1): the fenced block opened here is never closed")
      }
      guard tag == "jac" else {
        i = end + 1
        continue
      }
      let commands = lines[(i + 1)..<end].map { $0.trimmingCharacters(in: .whitespaces) }.filter {
        !$0.isEmpty && !$0.hasPrefix("#")
      }
      var j = end + 1
      while j < lines.count && lines[j].trimmingCharacters(in: .whitespaces).isEmpty { j += 1 }
      var output: Range<Int>? = nil
      var tolerance = OutputTolerance()
      var after = end + 1
      if j < lines.count, let outputWords = fence(lines[j]), outputWords.first == "output" {
        guard let oend = closing(from: j + 1) else {
          throw CLIError("\(path):\(j + 1): the output block opened here is never closed")
        }
        do {
          tolerance = try OutputTolerance(fenceWords: Array(outputWords.dropFirst()))
        } catch {
          throw CLIError("\(path):\(j + 1): \(error)")
        }
        output = (j + 1)..<oend
        after = oend + 1
      }
      blocks.append(Block(fenceLine: i, commands: commands, output: output, tolerance: tolerance, afterBlock: after))
      i = after
    }
    return blocks
  }
}

/// The recorded and the fresh output of one `jac` block.
struct NotebookBlockResult {
  let block: NotebookFile.Block
  let expected: [String]
  let actual: [String]

  /// Whether every line agrees under the block's tolerance (see `OutputTolerance`).
  var matches: Bool {
    let e = trimmed(expected)
    let a = trimmed(actual)
    return block.output != nil && e.count == a.count
      && zip(e, a).allSatisfy { block.tolerance.mismatch(expected: $0, actual: $1) == nil }
  }

  /// A diff naming the file and line with the first difference explained, or nil when the
  /// output matches.
  func diff(file: String) -> String? {
    if matches { return nil }
    let line = (block.output?.lowerBound ?? block.afterBlock) + 1
    var s = "\(file):\(line): output of `\(block.commands.joined(separator: "; "))` differs"
    if block.output == nil { s += " (no output block recorded)" }
    let e = trimmed(expected)
    let a = trimmed(actual)
    s += "\n" + lineDiff(e, a, firstLine: line) { block.tolerance.mismatch(expected: $0, actual: $1) == nil }
    if e.count == a.count,
      let (k, reason) = zip(e, a).enumerated().lazy.compactMap({ k, pair in
        block.tolerance.mismatch(expected: pair.0, actual: pair.1).map { (k, $0) }
      }).first
    {
      s += "\n  line \(line + k): \(reason)"
    }
    return s
  }
}

/// Lines without trailing blanks (or carriage returns), without trailing empty lines.
func trimmed(_ lines: [String]) -> [String] {
  var l = lines.map { s -> String in
    var t = s
    while let c = t.last, c == " " || c == "\t" || c == "\r" { t.removeLast() }
    return t
  }
  while l.last == "" { l.removeLast() }
  return l
}
