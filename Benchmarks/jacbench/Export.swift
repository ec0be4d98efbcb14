import Foundation
import MatrixCore
import Symbolic

/// `export-numpy`: the gradient of the three-layer tanh network (Notebooks-md/data/three-layer.jac)
/// on a batch, exported with `CodeExport(program:…, target: .numpy)` to a temporary file and timed
/// by `Benchmarks/peers/export_numpy.py` against a hand-written NumPy gradient in the same run
/// (`ratio` = exported / hand-written; target ≤ 1.2). Needs python3 with NumPy.
let exportNumpyCase = BenchmarkCase(name: "export-numpy") {
  let program = """
    const y
    h1 = W1*x;  z1 = tanh(h1)
    h2 = W2*z1; z2 = tanh(h2)
    yhat = W3*z2
    f = norm(yhat - y)^2/2
    """
  let peers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("peers")
  for (d, h, b) in [(64, 128, 256), (256, 512, 512)] {
    let dims: [String: Shape] = [
      "x": Shape(d, b), "W1": Shape(h, d), "W2": Shape(h, h), "W3": Shape(10, h), "y": Shape(10, b),
    ]
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("jacbench-export-\(getpid()).py").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
      let export = try CodeExport(program: try Program(program), wrt: ["W1", "W2", "W3"], dims: dims, target: .numpy)
      try export.code.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
      fatalError("jacbench export-numpy: \(error)")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", peers.appendingPathComponent("export_numpy.py").path, path, "\(d)", "\(h)", "\(b)"]
    do {
      try process.run()
    } catch {
      fatalError("jacbench export-numpy: python3 cannot run: \(error)")
    }
    process.waitUntilExit()
    if process.terminationStatus != 0 { fatalError("jacbench export-numpy: the peer script failed") }
  }
}
