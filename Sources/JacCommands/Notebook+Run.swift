import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Runs the `jac` blocks of a notebook, each command as a child `jac` in the runner's process
/// group (Ctrl-C stops them all), without a shell.
///
/// `test` runs in a scratch folder: before each command, the files it names that exist in the
/// notebook's folder are copied there, so a block may write (`-o rtr.svg`) without changing the
/// notebook's folder and later blocks still see what earlier ones wrote. `update` runs in the
/// notebook's folder itself and so refreshes the files the blocks write.
struct NotebookRun {
  /// How deeply notebook runs are nested, passed to the children in the environment.
  static let depthVariable = "JAC_NOTEBOOK_DEPTH"
  /// A child of a notebook run may not run notebooks itself.
  static let depthLimit = 1

  /// Refuses to start when this process is already inside a notebook run.
  static func checkNesting() throws {
    let text = ProcessInfo.processInfo.environment[depthVariable] ?? "0"
    let depth = Int(text) ?? depthLimit
    if depth >= depthLimit {
      throw CLIError(
        "jac notebook cannot run inside a notebook run (\(depthVariable)=\(text); at most \(depthLimit) level)")
    }
  }

  let notebook: NotebookFile
  /// Run in a scratch copy (test) or in the notebook's folder (update).
  let inScratchFolder: Bool

  /// Every command of every block, checked before any runs (`NotebookConfinement`).
  func checkedCommands() throws -> [[(arguments: [String], files: [NamedFile])]] {
    try notebook.blocks.map { block in
      try block.commands.enumerated().map { k, command in
        do {
          return try NotebookConfinement.arguments(of: command, folder: notebook.folder)
        } catch {
          throw CLIError("\(notebook.path):\(block.fenceLine + 2 + k): \(error)")
        }
      }
    }
  }

  func run() throws -> [NotebookBlockResult] {
    let commands = try checkedCommands()
    let folder = notebook.folder
    var directory = folder
    var scratch: String? = nil
    if inScratchFolder {
      let s = NSTemporaryDirectory() + "jac-notebook-" + UUID().uuidString
      try FileManager.default.createDirectory(atPath: s, withIntermediateDirectories: true)
      scratch = s
      directory = s
    }
    defer { if let s = scratch { try? FileManager.default.removeItem(atPath: s) } }
    return try zip(notebook.blocks, commands).map { block, blockCommands in
      var out: [String] = []
      for command in blockCommands {
        if scratch != nil { try NotebookRun.stage(command.files, from: folder, into: directory) }
        out += try NotebookRun.runJac(command.arguments, in: directory)
      }
      let expected = block.output.map { Array(notebook.lines[$0]) } ?? []
      return NotebookBlockResult(block: block, expected: expected, actual: out)
    }
  }

  /// Copies the named files that exist in `folder` (and are not yet in `scratch`) into
  /// `scratch`, and creates the folders the named files lie in.
  static func stage(_ files: [NamedFile], from folder: String, into scratch: String) throws {
    let fm = FileManager.default
    for file in files {
      let target = (scratch as NSString).appendingPathComponent(file.path)
      let parent = (target as NSString).deletingLastPathComponent
      try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
      let source = (folder as NSString).appendingPathComponent(file.path)
      var isDir: ObjCBool = false
      guard !fm.fileExists(atPath: target), fm.fileExists(atPath: source, isDirectory: &isDir), !isDir.boolValue else {
        continue
      }
      guard let data = fm.contents(atPath: source) else { continue }
      try data.write(to: URL(fileURLWithPath: target))
    }
  }

  /// A child stopped by Ctrl-C (SIGINT) or SIGTERM: the run stops too, as a shell does, even
  /// when the runner itself ignores the signal.
  struct Interrupted: Error {
    let signal: Int32

    /// Ends this process by the same signal (exit status 128 + signal if it is ignored).
    func stop() -> Never {
      Glibc.signal(signal, SIG_DFL)
      kill(getpid(), signal)
      exit(128 + signal)
    }
  }

  /// Runs this very executable with `arguments` in `directory` and returns its output lines:
  /// stdout, then stderr, then `[exit N]` (or `[signal N]`) when it did not exit with 0.
  static func runJac(_ arguments: [String], in directory: String) throws -> [String] {
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    var environment = ProcessInfo.processInfo.environment
    let depth = Int(environment[depthVariable] ?? "0") ?? 0
    environment[depthVariable] = String(depth + 1)
    let spawned: (status: (exit: Int32, signal: Bool), out: Data, err: Data)
    do {
      spawned = try spawn(executable, arguments, environment: environment, directory: directory)
    } catch {
      return ["notebook error: cannot run jac: \(error)"]
    }
    let (status, out, err) = spawned
    if status.signal && (status.exit == SIGINT || status.exit == SIGTERM) { throw Interrupted(signal: status.exit) }
    var lines: [String] = []
    for data in [out, err] {
      var l = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
        String(decoding: $0, as: UTF8.self)
      }
      if l.last == "" { l.removeLast() }
      lines += l
    }
    if status.exit != 0 { lines.append(status.signal ? "[signal \(status.exit)]" : "[exit \(status.exit)]") }
    return lines
  }

  /// posix_spawn without a new process group or session (Foundation's `Process` puts the child
  /// in its own group, which Ctrl-C at the terminal does not reach).
  private static func spawn(
    _ path: String, _ arguments: [String], environment: [String: String], directory: String
  ) throws -> (status: (exit: Int32, signal: Bool), out: Data, err: Data) {
    let outPipe = Pipe()
    let errPipe = Pipe()
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe.fileHandleForWriting.fileDescriptor, 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe.fileHandleForWriting.fileDescriptor, 2)
    for fd in [outPipe, errPipe].flatMap({ [$0.fileHandleForReading.fileDescriptor, $0.fileHandleForWriting.fileDescriptor] }) {
      posix_spawn_file_actions_addclose(&actions, fd)
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for s in [SIGINT, SIGTERM, SIGPIPE, SIGQUIT] { sigaddset(&defaults, s) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var noMask = sigset_t()
    sigemptyset(&noMask)
    posix_spawnattr_setsigmask(&attributes, &noMask)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for p in argv + envp { free(p) } }
    // posix_spawn has no portable "change directory" action: change ours around the spawn (the
    // runner spawns from one thread only).
    let previous = FileManager.default.currentDirectoryPath
    guard FileManager.default.changeCurrentDirectoryPath(directory) else {
      throw CLIError("cannot enter the folder \(directory)")
    }
    // While a child runs, Ctrl-C is the child's to act on (it gets SIGINT's default action); the
    // runner sees it die of SIGINT, removes its scratch folder and stops the same way.
    let previousHandler = signal(SIGINT, SIG_IGN)
    defer { signal(SIGINT, previousHandler) }
    var pid = pid_t()
    let rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
    _ = FileManager.default.changeCurrentDirectoryPath(previous)
    try outPipe.fileHandleForWriting.close()
    try errPipe.fileHandleForWriting.close()
    guard rc == 0 else { throw CLIError("posix_spawn failed: \(String(cString: strerror(rc)))") }
    // Read both pipes before waiting, so that a large output cannot block the child.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errData = errPipe.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let signaled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
    let code = signaled ? status & 0x7f : (status >> 8) & 0xff
    return ((code, signaled), outData, errData)
  }
}
