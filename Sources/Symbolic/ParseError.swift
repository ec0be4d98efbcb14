/// An expression that does not parse: what is wrong, where, and (in `hint`) what to do.
///
/// `offset` counts characters (grapheme clusters) from 0; messages say "position" and count
/// from 1, as people do. `rendered()` shows the source line with a caret under the culprit:
///
/// ```
/// unexpected ')' at position 5: it closes no '('
///   X'*A)
///       ^
/// ```
public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What is wrong, naming the culprit: `"unexpected ')'"`, `"malformed number '1e'"`.
  public let message: String
  /// Why, or what to do next (`"the '(' at position 1 is never closed"`); may be empty.
  public let hint: String
  /// The character offset (0-based) of the culprit; `source.count` means the end of the input.
  public let offset: Int
  /// The whole input that was parsed.
  public let source: String

  public init(message: String, hint: String = "", offset: Int, source: String) {
    self.message = message
    self.hint = hint
    self.offset = offset
    self.source = source
  }

  /// One sentence: `"unexpected ')' at position 5: it closes no '('"`.
  public var description: String {
    let isBlank = source.allSatisfy { $0.isWhitespace }
    var text = isBlank ? message : "\(message) at position \(offset + 1)"
    if !hint.isEmpty { text += ": \(hint)" }
    return text
  }

  /// The description, then the source line that holds the culprit and a caret under it, each
  /// line of source indented by `indent`:
  ///
  /// ```
  /// unexpected ')' at position 5: it closes no '('
  ///   X'*A)
  ///       ^
  /// ```
  public func rendered(indent: String = "  ") -> String {
    let characters = Array(source)
    let position = min(max(offset, 0), characters.count)
    var lineStart = position
    while lineStart > 0, !characters[lineStart - 1].isNewline { lineStart -= 1 }
    var lineEnd = position
    while lineEnd < characters.count, !characters[lineEnd].isNewline { lineEnd += 1 }
    if characters[lineStart..<lineEnd].allSatisfy({ $0.isWhitespace }) && characters.allSatisfy({ $0.isWhitespace }) {
      return description
    }
    // A long line is shown as a window around the culprit, with "…" where it is cut.
    let (before, after) = (60, 20)
    let cutStart = position - lineStart > before + 1
    let cutEnd = lineEnd - position > after + 1
    let shownStart = cutStart ? position - before : lineStart
    let shownEnd = cutEnd ? position + after : lineEnd
    let line = (cutStart ? "…" : "") + String(characters[shownStart..<shownEnd]) + (cutEnd ? "…" : "")
    // Keep tabs in the caret line so that the caret stays under its character.
    let padding =
      (cutStart ? " " : "") + String(characters[shownStart..<position].map { $0 == "\t" ? "\t" : " " })
    return "\(description)\n\(indent)\(line)\n\(indent)\(padding)^"
  }
}
