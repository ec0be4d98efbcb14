import Foundation


extension NotebookFile {
  /// The notebook text with each output block's content replaced by the fresh output (an output
  /// block inserted after a jac block that had none); every other line, the output fences with
  /// their options and the file's line ending kept.
  func rewritten(with results: [NotebookBlockResult]) -> String {
    var out: [String] = []
    var i = 0
    for r in results {
      let b = r.block
      if let o = b.output {
        // Up to and including the output block's opening fence.
        while i < o.lowerBound {
          out.append(lines[i])
          i += 1
        }
        out += trimmed(r.actual)
        i = o.upperBound
      } else {
        while i < b.afterBlock {
          out.append(lines[i])
          i += 1
        }
        out.append("```output")
        out += trimmed(r.actual)
        out.append("```")
      }
    }
    out += lines[i...]
    return out.joined(separator: lineEnding) + lineEnding
  }
}
