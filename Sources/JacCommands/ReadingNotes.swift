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

  /// Says `notes` (found by `Expression.parsedWithReadingNotes` with the parse itself).
  static func say(_ notes: [ReadingNote]) {
    for note in notes {
      let sentence = "note: " + note.sentence
      if let sink = CommandSink.current {
        _ = sink.warnOnce(sentence)
      } else if lock.withLock({ said.insert(sentence).inserted }) {
        writeError("jac: " + sentence)
      }
    }
  }
}
