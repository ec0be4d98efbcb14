import Foundation

/// Runs the built `jac` executable (beside the test bundle) and captures what it prints.
struct JacRun {
  let status: Int32
  let stdout: String
  let stderr: String
}

enum JacRunner {
  static let executable: URL = {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent("jac")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: "/proc/self/exe").deletingLastPathComponent().appendingPathComponent("jac")
  }()

  static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws
    -> JacRun
  {
    let p = Process()
    p.executableURL = executable
    p.arguments = arguments
    if !environment.isEmpty {
      p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errData = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return JacRun(
      status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  /// Removes a directory made by `temporaryDirectory()` and everything in it; every test that
  /// makes one calls this in a `defer`, so a test run leaves no folders behind.
  static func removeTemporaryDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
  }

  /// A fresh temporary directory; remove it with `removeTemporaryDirectory` (in a `defer`).
  static func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "jac-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  /// Runs a Python snippet with NumPy; fails the test run loudly when NumPy is missing.
  @discardableResult
  static func python(_ code: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", code]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else {
      throw NSError(domain: "python3 with numpy failed (status \(p.terminationStatus))", code: 1)
    }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
