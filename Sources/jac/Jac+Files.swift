import ArgumentParser

/// A file a subcommand reads or writes, as its command line names it.
struct NamedFile: Equatable {
  let path: String
  /// The option or argument that names it (`--claim-file`, `OUT`), for messages.
  let origin: String
}

/// Every file a subcommand reads or writes, declared here in one place. The notebook runner
/// confines them all to the notebook's folder (`NotebookConfinement`) and refuses to run a
/// subcommand that declares nothing: a subcommand that takes a path must conform.
protocol NamesFiles {
  var namedFiles: [NamedFile] { get }
}

extension PointOptions {
  /// The `.npy` files of `--values NAME=PATH,…` (not the inline literals such as `a=-2`).
  var namedFiles: [NamedFile] {
    ((try? parseAssignments(values, flag: "--values")) ?? []).filter { !isInlineValue($0.1) }.map {
      NamedFile(path: $0.1, origin: "--values \($0.0)")
    }
  }
}

extension Derive: NamesFiles {
  var namedFiles: [NamedFile] {
    point.namedFiles + [jacobianOut].compactMap { $0 }.map { NamedFile(path: $0, origin: "--jacobian-out") }
  }
}

extension Check: NamesFiles {
  var namedFiles: [NamedFile] {
    point.namedFiles + [claimFile].compactMap { $0 }.map { NamedFile(path: $0, origin: "--claim-file") }
  }
}

extension Convert: NamesFiles {
  var namedFiles: [NamedFile] { [NamedFile(path: input, origin: "IN"), NamedFile(path: output, origin: "OUT")] }
}

extension Spy: NamesFiles {
  var namedFiles: [NamedFile] { point.namedFiles + [NamedFile(path: output, origin: "-o")] }
}

extension Chain: NamesFiles {
  var namedFiles: [NamedFile] { [] }
}
