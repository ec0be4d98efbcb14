import Foundation

#if canImport(Glibc)
  import Glibc
#endif

extension String {
  /// Writes the text to `path` whole or not at all: a temporary file in the same folder with
  /// the mode of the file it replaces (0644 for a new file), flushed, then renamed over it.
  func writeAtomically(to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent().path
    let temporary = (dir as NSString).appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
    var info = stat()
    let mode: mode_t = stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0o644
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard fd >= 0 else {
      throw CLIError("cannot write \(path): \(String(cString: strerror(errno)))")
    }
    var failure: Int32 = 0
    let bytes = Array(utf8)
    var written = 0
    while written < bytes.count {
      let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        failure = errno
        break
      }
      written += n
    }
    if failure == 0 && fchmod(fd, mode) != 0 { failure = errno }
    if failure == 0 && fsync(fd) != 0 { failure = errno }
    if close(fd) != 0 && failure == 0 { failure = errno }
    if failure == 0 && rename(temporary, path) != 0 { failure = errno }
    if failure != 0 {
      unlink(temporary)
      throw CLIError("cannot write \(path): \(String(cString: strerror(failure)))")
    }
  }
}
