import MatrixCore

extension String {
  /// Writes the text to `path` whole or not at all, keeping the mode of the file it replaces and
  /// leaving no temporary file behind (`AtomicFile.write`, shared with the `.npy` writer).
  /// - Throws: `MatrixError.file`, whose sentence names `path`.
  func writeAtomically(to path: String) throws {
    try AtomicFile.write(Array(utf8), to: path)
  }
}
