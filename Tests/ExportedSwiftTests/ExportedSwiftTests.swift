import Jacobians
import MatrixCore
import Symbolic
import XCTest

/// Runs the Swift exports in `Generated/` (compiled into this target; kept current by
/// `CodeExportSwiftSourceTests`) and compares their results, as numbers, with jac's: F from
/// `evaluate`, gradients as `uᵀJ` and JVPs as `J·vec dX` from the structured Jacobian of
/// `SymbolicDerivative` (for programs, of the inlined expression). Tolerance `1e-10·max|E|`;
/// arguments seeded (seed = 2000 + case index, printed on failure).
final class ExportedSwiftTests: XCTestCase {
  static func parseDims(_ text: String) -> [String: Shape] {
    var dims: [String: Shape] = [:]
    for item in text.split(separator: ",") {
      let parts = item.split(separator: "=")
      let sizes = parts.count == 2 ? parts[1].split(separator: "x").compactMap { Int($0) } : []
      if sizes.count == 2 { dims[String(parts[0])] = Shape(sizes[0], sizes[1]) }
    }
    return dims
  }

  func testSwiftExportsMatchJac() throws {
    XCTAssertGreaterThanOrEqual(ExportedFunctions.all.count, 15)
    for (k, entry) in ExportedFunctions.all.enumerated() {
      let seed = UInt64(2000 + k)
      var generator = SeededGenerator(seed: seed)
      var dims = Self.parseDims(entry.dims)
      let f: MatrixExpression
      if entry.isProgram {
        let program = try Program(entry.source)
        f = try program.inlined()
        dims = dims.filter { program.inputs.contains($0.key) }
      } else {
        f = try MatrixExpression(entry.source)
      }
      var values: [String: Matrix] = [:]
      for name in f.variables {
        values[name] = Matrix.randomNormal(dims[name]!.rows, dims[name]!.cols, using: &generator)
      }
      var arguments = f.variables.map { values[$0]! }
      XCTAssertEqual(Array(entry.arguments.prefix(arguments.count)), f.variables, entry.source)
      let fValue = try f.evaluate(values)
      var expected = [fValue]
      if fValue.shape.isScalar {
        for w in entry.wrt {
          let d = try SymbolicDerivative(of: f, wrt: w, dims: dims)
          expected.append(try d.jacobian(at: values).pullback(Matrix(rows: 1, cols: 1, columnMajor: [1])))
        }
      } else {
        var total = Matrix.zeros(fValue.rows, fValue.cols)
        for w in entry.wrt {
          let tangent = Matrix.randomNormal(dims[w]!.rows, dims[w]!.cols, using: &generator)
          arguments.append(tangent)
          total = total + (try SymbolicDerivative(of: f, wrt: w, dims: dims).jacobian(at: values).pushforward(tangent))
        }
        expected.append(total)
      }
      let actual = try entry.call(arguments)
      XCTAssertEqual(actual.count, expected.count, entry.source)
      for (r, (e, a)) in zip(expected, actual).enumerated() {
        XCTAssertEqual(e.shape, a.shape, "\(entry.source): result \(r)")
        guard e.shape == a.shape else { continue }
        let difference = e.maxAbsDifference(a)
        XCTAssertLessThanOrEqual(
          difference, 1e-10 * e.maxAbs,
          "Swift export of \(entry.source) (wrt \(entry.wrt), seed \(seed)): result \(r) differs from jac's")
      }
    }
  }
}
