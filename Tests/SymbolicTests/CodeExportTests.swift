import Foundation
import Jacobians
import MatrixCore
import Symbolic
import XCTest

/// Exported code is executed and compared, as numbers, with jac's own numbers:
/// F from `Expression.evaluate` / `Program.value`, gradients as `uᵀJ` and JVPs as `J·vec dX` from
/// the structured Jacobian of `SymbolicDerivative` (forward rules evaluated by Jacobians; for
/// programs, of the inlined expression), never from the exported code's own formulas.
/// Tolerance: `max|E − A| ≤ 1e-10·max|E|` for every result. NumPy always runs (make test installs
/// it); JAX and PyTorch run when `python3` can import them, and the tests say when they skip.
final class CodeExportTests: XCTestCase {
  static let relativeTolerance = 1e-10

  /// Arguments (seeded, `seed` = 1000 + case index) and jac's results for one case.
  struct Prepared {
    let index: Int
    let export: CodeExport
    let arguments: [Matrix]
    let expected: [Matrix]
    var seed: UInt64 { UInt64(1000 + index) }
  }

  static func prepare(_ c: ExportCase, index: Int, target: ExportTarget) throws -> Prepared {
    var generator = SeededGenerator(seed: UInt64(1000 + index))
    let export: CodeExport
    let f: MatrixExpression
    var dims = c.dims
    if c.isProgram {
      let program = try Program(c.source)
      export = try CodeExport(program: program, wrt: c.wrt, dims: c.dims, target: target)
      f = try program.inlined()
      dims = c.dims.filter { program.inputs.contains($0.key) }
    } else {
      f = try MatrixExpression(c.source)
      export = try CodeExport(expression: f, wrt: c.wrt, dims: c.dims, target: target)
    }
    var values: [String: Matrix] = [:]
    var arguments: [Matrix] = []
    let inputNames = f.variables
    for name in inputNames {
      let s = dims[name]!
      let v = Matrix.randomNormal(s.rows, s.cols, using: &generator)
      values[name] = v
    }
    // The exported function's inputs are the variables in sorted order (program inputs the same).
    for a in export.arguments.prefix(inputNames.count) {
      XCTAssertTrue(inputNames.contains(a.name), "argument \(a.name) of \(c.source)")
      arguments.append(values[a.name]!)
    }
    var expected = [try f.evaluate(values)]
    switch export.kind {
    case .gradient:
      for w in c.wrt {
        let d = try SymbolicDerivative(of: f, wrt: w, dims: dims)
        expected.append(try d.jacobian(at: values).pullback(Matrix(rows: 1, cols: 1, columnMajor: [1])))
      }
    case .jvp:
      var total = Matrix.zeros(expected[0].rows, expected[0].cols)
      for w in c.wrt {
        let s = dims[w]!
        let tangent = Matrix.randomNormal(s.rows, s.cols, using: &generator)
        arguments.append(tangent)
        let d = try SymbolicDerivative(of: f, wrt: w, dims: dims)
        total = total + (try d.jacobian(at: values).pushforward(tangent))
      }
      expected.append(total)
    }
    return Prepared(index: index, export: export, arguments: arguments, expected: expected)
  }

  /// Runs every case's export in one python3 process and compares.
  func runExports(_ target: ExportTarget, cases: [ExportCase]) throws -> Int {
    let prepared = try cases.enumerated().map { try Self.prepare($0.element, index: $0.offset, target: target) }
    let results = try PythonExportRunner.run(target: target, exports: prepared.map { ($0.export.code, $0.arguments) })
    var compared = 0
    for (p, result) in zip(prepared, results) {
      let c = cases[p.index]
      switch result {
      case .failure(let message):
        XCTFail("\(target.rawValue) export of \(c.source) (wrt \(c.wrt), seed \(p.seed)) failed in Python: \(message)")
      case .success(let actual):
        XCTAssertEqual(actual.count, p.expected.count, "results of \(c.source)")
        for (k, (e, a)) in zip(p.expected, actual).enumerated() {
          guard e.shape == a.shape else {
            XCTFail("\(target.rawValue) \(c.source): result \(k) is \(a.shape), jac's is \(e.shape)")
            continue
          }
          let difference = e.maxAbsDifference(a)
          let bound = Self.relativeTolerance * e.maxAbs
          if !(difference <= bound) {
            XCTFail(
              "\(target.rawValue) export of \(c.source) (wrt \(c.wrt), seed \(p.seed)): result "
                + "\(p.export.results[k].name) differs from jac's by \(difference), above 1e-10·max|E| = \(bound)")
          }
          compared += 1
        }
      }
    }
    return compared
  }

  func testNumPyExportsMatchJacOnExpressionsAndPrograms() throws {
    XCTAssertGreaterThanOrEqual(ExportCase.all.count, 50)
    let compared = try runExports(.numpy, cases: ExportCase.all)
    XCTAssertGreaterThanOrEqual(compared, 2 * ExportCase.all.count)
  }

  /// JAX and PyTorch run every eighth case (expressions, JVPs and programs among them; JAX's
  /// eager dispatch compiles each operation, about two seconds per case), so that `make test`
  /// stays quick where they are installed.
  static var pythonFrameworkCases: [ExportCase] {
    ExportCase.all.enumerated().filter { $0.offset % 8 == 0 }.map(\.element)
  }

  func testJAXExportsMatchJac() throws {
    try PythonExportRunner.requireModule("jax", for: "JAX")
    let compared = try runExports(.jax, cases: Self.pythonFrameworkCases)
    XCTAssertGreaterThanOrEqual(compared, 2 * Self.pythonFrameworkCases.count)
  }

  func testPyTorchExportsMatchJac() throws {
    try PythonExportRunner.requireModule("torch", for: "PyTorch")
    let compared = try runExports(.torch, cases: Self.pythonFrameworkCases)
    XCTAssertGreaterThanOrEqual(compared, 2 * Self.pythonFrameworkCases.count)
  }

  /// The vec trick: a JVP through `A*X*B` and through `X'*A*X` applies `Bᵀ ⊗ A` and `K` without
  /// building them; nothing in the function body is a dense Kronecker product or identity.
  func testKroneckerFactorsAreAppliedNotMaterialised() throws {
    for (source, dims) in [("A*X*B", "A=2x3,X=3x4,B=4x2"), ("X'*A*X", "X=3x2,A=3x3")] {
      let e = try CodeExport(
        expression: try MatrixExpression(source), wrt: ["X"], dims: MatrixIdentity.parseDims(dims), target: .numpy)
      let body = e.code.components(separatedBy: "def f(").last ?? ""
      XCTAssertFalse(body.contains("kron"), "\(source):\n\(e.code)")
      XCTAssertFalse(body.contains("eye"), "\(source):\n\(e.code)")
    }
  }

  /// JVPs are differentials in F's own terms, simplified: no reshaped `vec(dX)`, no Kronecker
  /// factor, no swapped axes, no `-(-…)`, and what F computed is reused (their values are
  /// checked by the execution tests).
  func testJVPsAreDifferentialsNotReshapedJacobians() throws {
    let cases: [(String, String, String, [String])] = [
      ("A*X*B", "X", "A=2x3,X=3x4,B=4x2", ["dF = ((A @ dX) @ B)"]),
      ("X'*A*X", "X", "X=3x2,A=3x3", ["_t1 = (X.T @ A)", "dF = (((dX.T @ A) @ X) + (_t1 @ dX))"]),
      ("R'*R", "R", "R=3x2", ["dF = ((dR.T @ R) + (R.T @ dR))"]),
      ("inv(X)", "X", "X=3x3", ["_t1 = np.linalg.inv(X)", "dF = (((-_t1) @ dX) @ _t1)"]),
      // Simplified as `jac derive` prints: the tangents were -(-dX), (2.0 * dX) - dX and (-(-dX)) @ A.
      ("-(A-X)", "X", "A=2x2,X=2x2", ["dF = dX"]),
      ("2*X-X", "X", "X=2x3", ["dF = dX"]),
      ("-(-X)*A", "X", "X=2x3,A=3x3", ["dF = (dX @ A)"]),
    ]
    for (source, wrt, dims, lines) in cases {
      let e = try CodeExport(
        expression: try MatrixExpression(source), wrt: [wrt], dims: MatrixIdentity.parseDims(dims), target: .numpy)
      let body = e.code.components(separatedBy: "\"\"\"").last ?? ""
      for word in ["reshape(", "swapaxes", "kron", "eye"] { XCTAssertFalse(body.contains(word), "\(source):\n\(e.code)") }
      for line in lines { XCTAssertTrue(body.contains("    " + line + "\n"), "\(source): \(line)\n\(e.code)") }
    }
    // softmax(z) is computed once for F and dF.
    let s = try CodeExport(
      expression: try MatrixExpression("softmax(z)"), wrt: ["z"], dims: MatrixIdentity.parseDims("z=4x1"),
      target: .numpy)
    XCTAssertEqual(s.code.components(separatedBy: "_softmax(z)").count - 1, 1, s.code)
  }

  /// A subexpression that F and the gradient share, or that a gradient uses twice, is computed once.
  func testSharedSubexpressionsAreComputedOnce() throws {
    let e = try CodeExport(
      expression: try MatrixExpression("u'*tanh(W*x+b)"), wrt: ["W", "b"],
      dims: MatrixIdentity.parseDims("u=5x1,W=5x3,x=3x1,b=5x1"), target: .numpy)
    let body = e.code.components(separatedBy: "def f(").last ?? ""
    XCTAssertEqual(body.components(separatedBy: "np.tanh(").count - 1, 1, e.code)
  }

  /// Reserved names are renamed, with the docstring and signature saying so.
  func testReservedNamesAreRenamed() throws {
    let e = try CodeExport(
      expression: try MatrixExpression("sum(lambda .* np)"), wrt: ["lambda"],
      dims: MatrixIdentity.parseDims("lambda=2x2,np=2x2"), target: .numpy)
    XCTAssertEqual(e.arguments.map(\.name), ["lambda_", "np_"])
    XCTAssertEqual(e.results.map(\.name), ["F", "dlambda_"])
  }

  func testLayoutIsStatedInTheDocstring() throws {
    let e = try CodeExport(
      expression: try MatrixExpression("R'*R"), wrt: ["R"], dims: MatrixIdentity.parseDims("R=3x2"), target: .numpy)
    XCTAssertEqual(e.kind, .jvp)
    XCTAssertTrue(e.code.contains("J[p + q·m, i + j·a] = ∂F[p, q]/∂X[i, j]"), e.code)
    XCTAssertTrue(e.code.contains("dR: (3, 2), tangent of R"), e.code)
  }
}

/// Runs exported Python modules: writes each module and its arguments to a temporary folder,
/// runs one `python3` process that imports and calls each, and reads the results back.
enum PythonExportRunner {
  struct Unavailable: Error, CustomStringConvertible {
    let description: String
  }

  static func python(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
  }

  /// Skips the test (saying so) when python3 cannot import `module`.
  static func requireModule(_ module: String, for name: String) throws {
    let r = try python(["-c", "import \(module)"])
    if r.status != 0 {
      throw XCTSkip("\(name) is not installed for python3 (import \(module) failed): the \(name) exports were not executed")
    }
  }

  static let driver = """
    import importlib.util, json, sys, traceback
    import numpy as np
    target, folder = sys.argv[1], sys.argv[2]
    spec = json.load(open(folder + "/cases.json"))
    if target == "torch":
        import torch
        convert = lambda a: torch.tensor(a, dtype=torch.float64)
        back = lambda x: x.detach().cpu().numpy()
    elif target == "jax":
        import jax.numpy as jnp
        convert = lambda a: a
        back = lambda x: np.asarray(x)
    else:
        convert = lambda a: a
        back = lambda x: np.asarray(x)
    out = []
    for k, case in enumerate(spec):
        try:
            s = importlib.util.spec_from_file_location("export_%d" % k, folder + "/export_%d.py" % k)
            module = importlib.util.module_from_spec(s)
            s.loader.exec_module(module)
            # column-major values, as MatrixCore stores them
            args = [convert(np.array(v, dtype=np.float64).reshape(c, r).T) for r, c, v in case]
            results = module.f(*args)
            out.append({"results": [[int(x.shape[0]), int(x.shape[1]), back(x).T.reshape(-1).tolist()]
                                    for x in results]})
        except Exception:
            out.append({"error": traceback.format_exc(limit=3)})
    json.dump(out, open(folder + "/results.json", "w"))
    """

  static func run(target: ExportTarget, exports: [(code: String, arguments: [Matrix])]) throws -> [Result<[Matrix], Failure>] {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jac-export-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var cases: [[Any]] = []
    for (k, e) in exports.enumerated() {
      try e.code.write(toFile: "\(folder)/export_\(k).py", atomically: true, encoding: .utf8)
      cases.append(e.arguments.map { [$0.rows, $0.cols, $0.storage] as [Any] })
    }
    try JSONSerialization.data(withJSONObject: cases).write(to: URL(fileURLWithPath: "\(folder)/cases.json"))
    let r = try python(["-c", driver, target.rawValue, folder])
    guard r.status == 0 else {
      throw Unavailable(description: "python3 could not run the \(target.rawValue) exports (status \(r.status)): \(r.errors)")
    }
    let data = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/results.json"))
    guard let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
      throw Unavailable(description: "results.json is not a list")
    }
    return list.map { item in
      if let error = item["error"] as? String { return .failure(Failure(message: error)) }
      let results = (item["results"] as? [[Any]]) ?? []
      var matrices: [Matrix] = []
      for r in results {
        let rows = (r[0] as? NSNumber)?.intValue ?? 0
        let cols = (r[1] as? NSNumber)?.intValue ?? 0
        let values = (r[2] as? [NSNumber])?.map(\.doubleValue) ?? []
        guard let m = try? Matrix(rows: rows, cols: cols, checkedColumnMajor: values) else {
          return .failure(Failure(message: "a result of \(rows)×\(cols) came with \(values.count) values"))
        }
        matrices.append(m)
      }
      return .success(matrices)
    }
  }

  struct Failure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
  }
}
