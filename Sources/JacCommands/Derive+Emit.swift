import Foundation
import MatrixCore
import Symbolic

/// `jac derive EXPR --wrt X --dims … --emit numpy|jax|torch|swift`: the derivative as a
/// self-contained function (docs/export.md) printed on stdout, instead of the report.
extension Derive {
  func runEmit(_ targetName: String) throws {
    guard let target = ExportTarget(rawValue: targetName) else {
      throw CLIError(
        "--emit \(targetName) is not a target jac exports to; choose one of \(ExportTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let clashes: [(Bool, String)] = [
      (order != 1, "--order \(order)"), (check, "--check"), (steps, "--steps"), (jacobianOut != nil, "--jacobian-out"),
      (format != .text, "--format \(format.rawValue)"), (layoutOption != nil, "--layout"),
      (!point.assume.isEmpty, "--assume"),
    ]
    if let clash = clashes.first(where: { $0.0 }) {
      throw CLIError(
        "--emit prints code only, so \(clash.1) cannot go with it; the exported function computes F and its gradients (or its JVP) as docs/export.md says")
    }
    let export: CodeExport
    if let prepared = try programOptions.resolve(argument: expression, output: programOutput.name, point: point) {
      let wrt = try prepared.wrtList(self.wrt)
      let program = prepared.program
      func exported(_ values: [String: Int], _ symbols: [String: Int]) throws -> CodeExport {
        let shapes = prepared.symbolic.map { $0.sizes.dims(values) } ?? prepared.shapes
        var inputShapes: [String: Shape] = [:]
        for i in program.inputs { inputShapes[i] = shapes[i] }
        return try CodeExport(program: program, wrt: wrt, dims: inputShapes, target: target, sizeSymbols: symbols)
      }
      if let symbolic = prepared.symbolic {
        export = try Derive.sizeGeneric(symbolic.sizes, first: symbolic.generic.values, literal: program.literalSizes, exported)
      } else {
        export = try exported([:], [:])
      }
    } else {
      let f = try parseExpression(expression, role: "expression")
      // Sizes left out of --dims are inferred (docs/language.md); with size symbols the exported
      // Python is size-generic.
      var point = self.point
      var symbolic: SymbolicSizes? = nil
      switch try SizeResolution.resolve(f, point: point) {
      case .symbolic(let sizes): symbolic = sizes
      case .completed(let dims, _): point = point.completing(dims: dims)
      case .concrete: break
      }
      let wrt = try parseVariableList(self.wrt)
      if let sizes = symbolic {
        for v in wrt where sizes.shapes[v] == nil {
          throw CLIError("--wrt \(v) names no variable with a shape: give it with --dims \(v)=RxC")
        }
        var literal = f.literalSizes
        for t in sizes.shapes.values.flatMap({ [$0.rows, $0.cols] }) {
          if case .number(let n) = t { literal.insert(n) }
        }
        let first = sizes.generic(avoiding: literal).values
        export = try Derive.sizeGeneric(sizes, first: first, literal: literal) { values, symbols in
          try CodeExport(expression: f, wrt: wrt, dims: sizes.dims(values), target: target, source: expression, sizeSymbols: symbols)
        }
      } else {
        let (dims, _, _, _) = try point.resolve(for: [f])
        for v in wrt where dims[v] == nil {
          throw CLIError("--wrt \(v) names no variable with a shape: give it with --dims \(v)=RxC")
        }
        export = try CodeExport(expression: f, wrt: wrt, dims: dims, target: target, source: expression)
      }
    }
    print(export.code, terminator: "")
  }
}

extension Derive {
  /// A size-generic export (docs/export.md): exported at the generic instantiation `first` and
  /// again at a second one (other primes); the two must be the same code, so that no size was
  /// written as a number or read back as the wrong product of symbols.
  static func sizeGeneric(
    _ sizes: SymbolicSizes, first: [String: Int], literal: Set<Int>,
    _ export: (_ values: [String: Int], _ symbols: [String: Int]) throws -> CodeExport
  ) throws -> CodeExport {
    let second = sizes.generic(avoiding: literal.union(first.values)).values
    guard first.count == sizes.symbols.count, second.count == sizes.symbols.count else {
      throw CLIError("too many size symbols (\(sizes.symbols.count)) for a size-generic export; give some sizes as numbers in --dims")
    }
    let code: CodeExport
    let again: CodeExport
    do {
      code = try export(first, first)
      again = try export(second, second)
    } catch let e as ExportError {
      throw CLIError(e.description)
    }
    guard code.code == again.code else {
      throw CLIError(
        "the exported code depends on the sizes in a way jac cannot write with the symbols \(sizes.symbols.joined(separator: ", ")); "
          + "give numeric sizes in --dims")
    }
    return code
  }
}

extension Program {
  /// Every size written in the program's statements (`I(3)`, `ones(2,1)`).
  var literalSizes: Set<Int> { statements.reduce(into: Set<Int>()) { $0.formUnion($1.expression.literalSizes) } }
}
