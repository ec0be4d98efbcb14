import Foundation
import Symbolic

/// The notes `jac` gives where the contract reads an expression otherwise than MATLAB and NumPy
/// read it from left to right (`ReadingNote`, docs/language.md "How / and .* group"): one
/// sentence each on stderr, after `jac: note: `, once per run however often the command reads
/// the text. In process (`jac serve`) they join the run's warnings. Standard output, and so
/// `--format json`, is left as it is.
enum ReadingNotes {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var said: Set<String> = []

  static func say(about text: String) {
    for note in Expression.readingNotes(in: text) {
      let sentence = "note: " + note.sentence
      if let sink = CommandSink.current {
        _ = sink.warnOnce(sentence)
      } else if lock.withLock({ said.insert(sentence).inserted }) {
        writeError("jac: " + sentence)
      }
    }
  }
}
