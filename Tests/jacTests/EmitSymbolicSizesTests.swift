import Foundation
import Testing

/// `--emit numpy` with size symbols (docs/export.md, "Size-generic exports"): one exported module,
/// from a derive without numeric sizes, run by python3 at two different numeric sizes and compared
/// with jac's own numbers at those sizes (`--jacobian-out` at the same values, 1e-10 relative).
@Suite struct EmitSymbolicSizesTests {
  struct Case: Sendable {
    /// The derive arguments (expression or program, --wrt, maybe --dims with symbols).
    let emit: [String]
    /// F as one expression, for jac's numeric derivative.
    let expression: String
    /// The exported function's arguments in order (inputs sorted by name).
    let inputs: [String]
    /// Variables of --wrt, in order.
    let wrt: [String]
    /// Each input's shape at a size assignment.
    let shapes: @Sendable ([String: Int]) -> [String: (Int, Int)]
    /// Two size assignments.
    let sizes: [[String: Int]]
    /// Whether F is 1×1 (gradients) or not (a JVP along tangents).
    let scalar: Bool
  }

  static let cases: [Case] = [
    Case(
      emit: ["norm(W*X + b)^2", "--wrt", "W,b"], expression: "norm(W*X + b)^2", inputs: ["W", "X", "b"], wrt: ["W", "b"],
      shapes: { s in ["W": (s["m"]!, s["n"]!), "X": (s["n"]!, s["p"]!), "b": (s["m"]!, 1)] },
      sizes: [["m": 2, "n": 3, "p": 4], ["m": 5, "n": 2, "p": 3]], scalar: true),
    Case(
      emit: ["R'*R", "--wrt", "R", "--dims", "R=mxn"], expression: "R'*R", inputs: ["R"], wrt: ["R"],
      shapes: { s in ["R": (s["m"]!, s["n"]!)] }, sizes: [["m": 4, "n": 3], ["m": 2, "n": 5]], scalar: false),
    Case(
      emit: ["h1 = W1*X + b1; z1 = tanh(h1); s = W2*z1 + b2; f = sum(s.*s)/2", "--wrt", "W1,b1"],
      expression: "sum((W2*tanh(W1*X + b1) + b2).*(W2*tanh(W1*X + b1) + b2))/2", inputs: ["W1", "W2", "X", "b1", "b2"],
      wrt: ["W1", "b1"],
      shapes: { s in
        ["W1": (s["m"]!, s["n"]!), "W2": (s["p"]!, s["m"]!), "X": (s["n"]!, s["q"]!), "b1": (s["m"]!, 1), "b2": (s["p"]!, 1)]
      },
      sizes: [["m": 3, "n": 2, "p": 4, "q": 5], ["m": 2, "n": 4, "p": 1, "q": 3]], scalar: true),
    Case(
      emit: ["[x; 1]'*A*[x; 1]", "--wrt", "x"], expression: "[x; 1]'*A*[x; 1]", inputs: ["A", "x"], wrt: ["x"],
      shapes: { s in ["A": (s["n"]! + 1, s["n"]! + 1), "x": (s["n"]!, 1)] }, sizes: [["n": 2], ["n": 4]], scalar: true),
    // Sizes m² and n² (the JVP of a Kronecker square), through reshapes written with the symbols.
    Case(
      emit: ["kron(X,X)", "--wrt", "X"], expression: "kron(X,X)", inputs: ["X"], wrt: ["X"],
      shapes: { s in ["X": (s["m"]!, s["n"]!)] }, sizes: [["m": 2, "n": 3], ["m": 3, "n": 2]], scalar: false),
  ]

  @Test(arguments: 0..<5)
  func exportRunsAtTwoSizesAgainstJac(_ index: Int) throws {
    try exportAndRun(index, target: "numpy")
  }

  /// Whether python3 can import jax (the JAX export is run only then; `make test` does not install it).
  static let jaxInstalled: Bool = {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", "import jax"]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return false }
    p.waitUntilExit()
    return p.terminationStatus == 0
  }()

  /// The JAX export of a gradient and of a JVP, the same way (skipped where jax is not installed).
  @Test(.enabled(if: jaxInstalled, "jax is not installed for python3: the size-generic JAX export is not executed"), arguments: [0, 1])
  func jaxExportRunsAtTwoSizesAgainstJac(_ index: Int) throws {
    try exportAndRun(index, target: "jax")
  }

  func exportAndRun(_ index: Int, target: String) throws {
    let c = Self.cases[index]
    let r = try JacRunner.run(["derive"] + c.emit + ["--emit", target])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("Size-generic"), "\(r.stdout)")
    let folder = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(folder) }
    try r.stdout.write(toFile: folder + "/exported.py", atomically: true, encoding: .utf8)
    for (k, sizes) in c.sizes.enumerated() {
      let shapes = c.shapes(sizes)
      // Values (and tangents for a JVP) drawn by NumPy, saved for jac.
      let draws = c.inputs.map { "np.save('\(folder)/\($0).npy', rng.standard_normal((\(shapes[$0]!.0), \(shapes[$0]!.1))))" }
      let tangents = c.scalar ? [] : c.wrt.map { "np.save('\(folder)/d\($0).npy', rng.standard_normal((\(shapes[$0]!.0), \(shapes[$0]!.1))))" }
      try JacRunner.python("import numpy as np\nrng = np.random.default_rng(\(11 + k))\n" + (draws + tangents).joined(separator: "\n"))
      let dims = c.inputs.map { "\($0)=\(shapes[$0]!.0)x\(shapes[$0]!.1)" }.joined(separator: ",")
      let values = c.inputs.map { "\($0)=\(folder)/\($0).npy" }.joined(separator: ",")
      for v in c.wrt {
        let numeric = try JacRunner.run([
          "derive", c.expression, "--wrt", v, "--dims", dims, "--values", values, "--layout", c.scalar ? "shape" : "numerator",
          "--jacobian-out", "\(folder)/J\(v).npy",
        ])
        #expect(numeric.status == 0, "\(numeric.stderr)")
      }
      let arguments = (c.inputs.map { "np.load('\(folder)/\($0).npy')" } + (c.scalar ? [] : c.wrt.map { "np.load('\(folder)/d\($0).npy')" }))
        .joined(separator: ", ")
      let compare: String
      if c.scalar {
        compare = c.wrt.enumerated().map { j, v in "errors.append(rel(out[\(j + 1)], np.load('\(folder)/J\(v).npy')))" }
          .joined(separator: "\n")
      } else {
        // vec dF = Σ J_v · vec(dv), vec stacking columns.
        let sum = c.wrt.map { "np.load('\(folder)/J\($0).npy') @ np.load('\(folder)/d\($0).npy').flatten('F')" }
          .joined(separator: " + ")
        compare = "errors.append(rel(out[1].flatten('F'), \(sum)))"
      }
      let worst = try JacRunner.python(
        """
        import sys; sys.path.insert(0, '\(folder)'); import numpy as np
        import importlib; exported = importlib.import_module('exported')
        out = exported.f(\(arguments))
        rel = lambda a, e: float(np.max(np.abs(np.asarray(a) - e)) / max(np.max(np.abs(e)), 1e-300))
        errors = []
        \(compare)
        print(max(errors))
        """)
      #expect((Double(worst) ?? .infinity) <= 1e-10, "\(target) case \(index) at \(sizes): \(worst)")
    }
  }

  @Test func swiftIsRefusedWithASentence() throws {
    let swift = try JacRunner.run(["derive", "R'*R", "--wrt", "R", "--dims", "R=mxn", "--emit", "swift"])
    #expect(swift.status == 2)
    #expect(swift.stderr.contains("--emit swift needs numeric sizes"), "\(swift.stderr)")
    #expect(swift.stdout.isEmpty)
  }
}
