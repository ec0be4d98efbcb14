import ArgumentParser
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What a notebook block may run: only `jac` itself (no shell), not `jac notebook`, and only
/// with files inside the notebook's folder.
enum NotebookConfinement {
  /// A refused block command: one sentence, exit status 2 for the runner.
  struct Refusal: Error, CustomStringConvertible {
    let description: String
  }

  /// The arguments of a block's command line (without `jac`), after checking that every file
  /// it names lies inside `folder`: no absolute path, no `..` that leaves the folder, no
  /// symbolic link inside the folder that leads out of it.
  static func arguments(of line: String, folder: String) throws -> (arguments: [String], files: [NamedFile]) {
    var words = try shellWords(line)
    if words.first == "$" { words.removeFirst() }
    guard words.first == "jac" else {
      throw Refusal(description: "only jac commands run in a jac block, not: \(line)")
    }
    let arguments = Array(words.dropFirst())
    let command: ParsableCommand
    do {
      command = try Jac.parse(arguments)
    } catch {
      // Help, or arguments jac itself rejects: the child prints that and touches no file.
      return (arguments, [])
    }
    if command is Notebook || command is NotebookTest || command is NotebookUpdate {
      throw Refusal(description: "a notebook block cannot run jac notebook: \(line)")
    }
    // ArgumentParser's own help command (`--help`, `help SUBCOMMAND`) only prints.
    if type(of: command).configuration.commandName == "help" && !(command is NamesFiles) { return (arguments, []) }
    guard let declared = command as? NamesFiles else {
      throw Refusal(
        description: "jac \(type(of: command)._commandName) declares no files (NamesFiles), "
          + "so a notebook cannot confine it: \(line)")
    }
    let name = type(of: command)._commandName
    let unclassified = ValueArguments.unclassified(declared, name: name)
    guard unclassified.isEmpty else {
      throw Refusal(
        description: "jac \(name) takes \(unclassified.joined(separator: ", ")), which Sources/JacCommands/Jac+Files.swift does not "
          + "declare as naming files or not, so a notebook cannot confine it: \(line)")
    }
    let files = declared.namedFiles
    for file in files { try check(file, folder: folder) }
    return (arguments, files)
  }

  /// Refuses a path that is absolute or leaves `folder` (lexically or through a symbolic link).
  static func check(_ file: NamedFile, folder: String) throws {
    let refuse = { (why: String) in
      Refusal(description: "the notebook block names the path \(file.path) (\(file.origin)), \(why)")
    }
    guard !file.path.isEmpty else { throw refuse("which is empty") }
    guard !file.path.hasPrefix("/") else { throw refuse("an absolute path; name files relative to the notebook's folder") }
    guard !file.path.hasPrefix("~") else { throw refuse("which starts with ~; name files relative to the notebook's folder") }
    var depth = 0
    for part in file.path.split(separator: "/") {
      if part == ".." { depth -= 1 } else if part != "." { depth += 1 }
      if depth < 0 { throw refuse("which leaves the notebook's folder through ..") }
    }
    // Symbolic links: follow the path component by component as the kernel will (a `..` after a
    // link goes to the parent of the link's target); every step must stay inside the folder.
    guard let root = realPath(folder) else { throw refuse("in a notebook folder that cannot be resolved") }
    let inside = { (p: String) in p == root || p.hasPrefix(root == "/" ? "/" : root + "/") }
    var current = root
    var existing = true
    for part in file.path.split(separator: "/").map(String.init) where part != "." {
      if part == ".." {
        current = (current as NSString).deletingLastPathComponent
      } else {
        current = current == "/" ? "/" + part : current + "/" + part
        var info = stat()
        if existing && lstat(current, &info) == 0 {
          if (info.st_mode & S_IFMT) == S_IFLNK {
            guard let target = realPath(current) else {
              throw refuse("which goes through a symbolic link that leads nowhere")
            }
            current = target
          }
        } else {
          existing = false
        }
      }
      guard inside(current) else { throw refuse("which leads out of the notebook's folder through a symbolic link") }
    }
  }

  /// The canonical absolute path of an existing file (links resolved), or nil.
  private static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}

/// Splits a command line into words with shell-like quoting ('…', "…", backslash); nothing is
/// expanded or run.
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
  if quote != nil { throw NotebookConfinement.Refusal(description: "unbalanced quote in the notebook command: \(line)") }
  if inWord { words.append(current) }
  return words
}
