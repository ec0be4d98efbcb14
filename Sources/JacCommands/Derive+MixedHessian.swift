import Foundation
import Jacobians
import MatrixCore
import Symbolic

/// `jac derive EXPR --wrt X,Y --order 2` (docs/hessians.md): the blocks of mixed second
/// derivatives `∂vec(∇_X F)/∂(vec Y)ᵀ` of a 1×1 F, which make up the Hessian over the stacked
/// vector (vec X; vec Y), numerator layout over column-major vec.
extension Derive {
  func runMixedHessian(
    _ f: MatrixExpression, variables: [String], dims: [String: Shape], values: [String: Matrix], pointDescription: String
  ) throws -> (MixedHessianRecord?, Bool) {
    let h = try SymbolicHessianBlocks(of: f, wrt: variables, dims: dims)
    let n = h.size
    let k = variables.count
    let blockOperators = try (0..<k).map { i in try (0..<k).map { j in try h.block(i, j, at: values) } }
    let offsets = h.offsets
    let bytes = n.multipliedReportingOverflow(by: n * 8)
    func dense() throws -> Matrix {
      guard !bytes.overflow, bytes.partialValue <= StructuredMatrix.defaultMaterializationLimit else {
        throw CLIError(
          "the stacked Hessian is \(n)×\(n), too large to write densely: use smaller --dims or one variable at a time")
      }
      return try h.hessian(at: values)
    }
    let symmetry = try HessianSymmetry(
      size: n, dense: dense,
      apply: { column in
        var out = Matrix.zeros(n, 1)
        for i in 0..<k {
          for j in 0..<k {
            let slice = Matrix(
              rows: h.shapes[j].count, cols: 1,
              columnMajor: Array(column.storage[offsets[j]..<(offsets[j] + h.shapes[j].count)]))
            let part = blockOperators[i][j].matrix.apply(slice)
            for r in 0..<part.rows { out[offsets[i] + r, 0] += part[r, 0] }
          }
        }
        return out
      }, seed: point.seed)
    // One check per block whose gradient depends on the column variable; the others are 0 exactly.
    var checks: [DerivativeCheck] = []
    var zeroBlocks: [String] = []
    if check {
      for i in 0..<k {
        for j in 0..<k {
          let b = h.block(i, j)
          if h.gradients[i].variables.contains(b.column) {
            checks.append(try DerivativeCheck(b.derivative, at: values, seed: point.seed &+ UInt64(i * k + j)))
          } else {
            zeroBlocks.append("(\(b.row), \(b.column))")
          }
        }
      }
    }
    let checked = checks.isEmpty ? nil : HessianCheck(checks)
    let noCheckReason = check && checks.isEmpty ? "no gradient depends on \(wrt), so H = 0 exactly" : nil
    let derivation: [HessianSteps.Stage] =
      steps ? try HessianSteps.stages(first: h.firstDerivatives, second: h.blocks.map(\.derivative)) : []
    if let path = jacobianOut { try CommandFiles.write(NPYArray(matrix: dense()), to: path) }
    let shapes = variables.enumerated().map { "\($0.element) \(h.shapes[$0.offset])" }.joined(separator: ", ")
    switch format {
    case .latex, .mathml:
      let markup = HessianMarkup(
        expression: f, variables: Array(zip(variables, h.shapes)),
        blocks: h.blocks.map { b in
          .init(
            row: b.row, column: b.column, rows: b.derivative.outputShape.count, cols: b.derivative.inputShape.count,
            hessian: b.hessian, directional: b.directional, direction: b.direction)
        },
        rowDirectional: h.rowDirectional, gradients: h.gradients, symmetry: symmetry, check: checked,
        noCheckReason: noCheckReason, jacobianOut: jacobianOut, steps: derivation)
      print(format == .latex ? markup.latex : markup.mathML)
    case .text:
      print("F = \(expression)   (1×1),  \(shapes)")
      print(
        "Hessian over (\(variables.map { "vec \($0)" }.joined(separator: "; "))) [numerator layout over column-major vec, "
          + "\(n)×\(n)], by blocks ∂²F/∂vec X ∂(vec Y)ᵀ = ∂vec(∇_X F)/∂(vec Y)ᵀ; block (Y, X) = block (X, Y)ᵀ:")
      for b in h.blocks {
        print("  (\(b.row), \(b.column)) \(b.derivative.outputShape.count)×\(b.derivative.inputShape.count):  \(b.hessian.unicodeText)")
      }
      print(
        "H[V] along V = (\(h.directions.joined(separator: "; "))), each Vⱼ shaped like its variable; block (X, Y) applied "
          + "to V_Y is the derivative of ∇_X F along V_Y, shaped like X:")
      for b in h.blocks { print("  (\(b.row), \(b.column)) H[\(b.direction)]:  \(b.directional.unicodeText)") }
      for (i, r) in h.rowDirectional.enumerated() {
        print("  row \(variables[i]), the sum (\(h.shapes[i])):  \(r.unicodeText)")
      }
      print("gradients (shape convention):")
      for (i, g) in h.gradients.enumerated() { print("  ∇_\(variables[i]) F (\(h.shapes[i])):  \(g.unicodeText)") }
      print("structure \(pointDescription):")
      for i in 0..<k {
        for j in 0..<k { print("  (\(variables[i]), \(variables[j])) \(blockOperators[i][j].matrix)") }
      }
      for stage in derivation { print(stage.textLines.joined(separator: "\n")) }
      print(symmetry.textLine)
      if let reason = noCheckReason { print("check: \(reason): nothing to compare") }
      if let c = checked {
        print(
          c.textLine(of: "the gradients, block by block")
            + (zeroBlocks.isEmpty ? "" : " (blocks \(zeroBlocks.joined(separator: ", ")) are 0 exactly)"))
      }
      if let path = jacobianOut { print("wrote \(path)") }
    case .json:
      func forms(_ v: String, _ e: MatrixExpression) -> MixedHessianRecord.VariableForms {
        .init(variable: v, text: e.unicodeText, latex: e.latex, plain: e.plainText)
      }
      let blocks = h.blocks.enumerated().map { index, b in
        MixedHessianRecord.Block(
          row: b.row, column: b.column, text: b.hessian.unicodeText, latex: b.hessian.latex, plain: b.hessian.plainText,
          rows: b.derivative.outputShape.count, cols: b.derivative.inputShape.count, rowOffset: offsets[index / k],
          colOffset: offsets[index % k], structure: blockOperators[index / k][index % k].matrix.structure.text,
          directional: .init(
            text: b.directional.unicodeText, latex: b.directional.latex, plain: b.directional.plainText,
            direction: b.direction))
      }
      let record = MixedHessianRecord(
        expression: expression, wrt: variables, order: 2, outputShape: [1, 1], inputShapes: h.shapes.map { [$0.rows, $0.cols] },
        gradients: zip(variables, h.gradients).map(forms),
        hessian: .init(
          rows: n, cols: n, layout: "numerator", stacking: variables.map { "vec \($0)" }, blocks: blocks,
          directional: zip(variables, h.rowDirectional).map(forms), directions: h.directions, symmetry: symmetry.record),
        check: !check
          ? nil
          : checked?.record(of: "the gradients, block by block")
            ?? DerivativeCheckRecord(method: "none: " + (noCheckReason ?? ""), passed: true),
        steps: derivation.isEmpty ? nil : derivation.map(\.record), jacobianOut: jacobianOut)
      return (record, record.passed)
    }
    return (nil, (checked?.passed ?? true) && symmetry.symmetric)
  }
}
