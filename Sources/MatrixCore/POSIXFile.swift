import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// File access through POSIX calls, with `strerror` reasons in the errors.
enum POSIXFile {
  static func failure(_ path: String, _ verb: String, _ code: Int32) -> MatrixError {
    .file(path: path, reason: "cannot be \(verb): \(String(cString: strerror(code)))")
  }

  /// The bytes of the regular file at `path`, at most `limit` of them. The size comes from
  /// `fstat` before anything is allocated; devices (`/dev/zero`), pipes, sockets and directories
  /// are refused, as are files larger than `limit`. Opening does not block on a FIFO.
  static func contents(of path: String, limit: Int) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
    guard fd >= 0 else { throw failure(path, "read", errno) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw failure(path, "read", errno) }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      let kind: String
      switch info.st_mode & S_IFMT {
      case S_IFDIR: kind = "a directory"
      case S_IFCHR, S_IFBLK: kind = "a device"
      case S_IFIFO: kind = "a pipe"
      case S_IFSOCK: kind = "a socket"
      default: kind = "not a regular file"
      }
      throw MatrixError.file(path: path, reason: "cannot be read as a .npy file: it is \(kind), not a regular file")
    }
    let size = Int(info.st_size)
    guard size <= limit else {
      throw MatrixError.file(
        path: path, reason: "is too large to read: \(size) bytes, above the limit of \(limit) bytes")
    }
    var out = [UInt8](repeating: 0, count: size)
    var filled = 0
    while filled < size {
      let n = out.withUnsafeMutableBytes { buffer -> Int in
        guard let base = buffer.baseAddress else { return 0 }
        return read(fd, base + filled, size - filled)
      }
      if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
      guard n >= 0 else { throw failure(path, "read", errno) }
      if n == 0 { break }  // the file shrank while being read: decode what is there
      filled += n
    }
    if filled < size { out.removeSubrange(filled...) }
    return out
  }

  /// Writes `bytes` to `path` whole or not at all, and so that no temporary file lingers.
  ///
  /// The bytes go first to an unnamed file in the target's directory (Linux `O_TMPFILE`): a
  /// process killed while writing, even by SIGKILL, leaves nothing behind. The finished file is
  /// then linked as `.NAME.tmp-PID-RANDOM` and renamed over `path` at once. Only a kill in the
  /// instant between those two calls, or a file system without `O_TMPFILE` (where the named
  /// temporary is written directly), can leave a `.NAME.tmp-PID-*` file; every later write to
  /// the same `path` removes such files whose process no longer runs.
  /// `mode`, when given, is the file's permission bits (applied before it is named); otherwise
  /// the process's umask decides, as for a new file.
  static func replace(_ path: String, with bytes: [UInt8], mode: mode_t? = nil) throws {
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    guard !name.isEmpty else {
      throw MatrixError.file(path: path, reason: "cannot be written: the path names a directory")
    }
    let stem = String(decoding: name.utf8.prefix(100), as: UTF8.self)  // stay within NAME_MAX
    let prefix = ".\(stem).tmp-"
    removeStaleTemporaries(in: directory, prefix: prefix)
    let temporary =
      "\(directory)\(prefix)\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
    var code: Int32 = 0
    if let fd = openUnnamed(in: directory) {
      code = writeAll(fd, bytes)
      if code == 0, let mode, fchmod(fd, mode) != 0 { code = errno }
      if code == 0 && linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, temporary, AT_SYMLINK_FOLLOW) != 0 {
        code = errno
      }
      close(fd)
      if code == 0 {
        if rename(temporary, path) != 0 {
          code = errno
          unlink(temporary)
        }
        if code != 0 { throw failure(path, "written", code) }
        return
      }
      // Fall back to a named temporary (e.g. /proc is not mounted).
      unlink(temporary)
    }
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard fd >= 0 else { throw failure(path, "written", errno) }
    code = writeAll(fd, bytes)
    if code == 0, let mode, fchmod(fd, mode) != 0 { code = errno }
    if close(fd) != 0 && code == 0 { code = errno }
    if code == 0 && rename(temporary, path) != 0 { code = errno }
    if code != 0 {
      unlink(temporary)
      throw failure(path, "written", code)
    }
  }

  /// An unnamed, writable file in `directory` (`O_TMPFILE`), or nil where that is not supported.
  private static func openUnnamed(in directory: String) -> Int32? {
    #if os(Linux)
      let oTmpfile: Int32 = 0o20000000 | O_DIRECTORY  // __O_TMPFILE | O_DIRECTORY, as <fcntl.h>
      let fd = open(directory.isEmpty ? "." : directory, oTmpfile | O_WRONLY | O_CLOEXEC, 0o666)
      return fd >= 0 ? fd : nil
    #else
      return nil
    #endif
  }

  /// Writes every byte and syncs; 0 or the `errno` of the failure.
  private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32 {
    var code: Int32 = 0
    let written = bytes.withUnsafeBytes { buffer -> Bool in
      var offset = 0
      while offset < buffer.count {
        let n = write(fd, buffer.baseAddress?.advanced(by: offset), buffer.count - offset)
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else {
          code = n == 0 ? EIO : errno
          return false
        }
        offset += n
      }
      return true
    }
    if written && fsync(fd) != 0 { code = errno }
    return code
  }

  /// Removes `PREFIX<pid>-<random>` files in `directory` whose process `pid` has ended: what a
  /// write killed at the wrong instant left behind. Files of running processes, and names of
  /// any other form, are left alone.
  private static func removeStaleTemporaries(in directory: String, prefix: String) {
    guard let dir = opendir(directory.isEmpty ? "." : directory) else { return }
    defer { closedir(dir) }
    var stale: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      guard name.hasPrefix(prefix) else { continue }
      let rest = name.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
      guard rest.count == 2, let pid = Int32(rest[0]), pid > 0, pid != getpid(),
        !rest[1].isEmpty, rest[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
      else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH { stale.append(name) }
    }
    for name in stale { unlink(directory + name) }
  }
}
