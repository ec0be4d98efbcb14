#if canImport(Glibc)
  import Glibc
#endif

/// Whole-or-nothing file writes for every file the toolkit writes (`.npy`, SVG, notebooks).
public enum AtomicFile {
  /// Writes `bytes` to `path` whole or not at all, leaving no temporary behind even when the
  /// process is killed while writing (the bytes go to an unnamed `O_TMPFILE` file that is named
  /// and renamed over `path` only once complete). An existing file keeps its permission bits;
  /// a new one gets the umask's.
  ///
  /// - Throws: `MatrixError.file` naming `path` and the system's reason.
  public static func write(_ bytes: [UInt8], to path: String) throws {
    var info = stat()
    let mode: mode_t? = stat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
    try POSIXFile.replace(path, with: bytes, mode: mode)
  }
}
