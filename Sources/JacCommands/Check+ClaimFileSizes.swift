import Foundation
import Jacobians
import MatrixCore
import Symbolic

extension Check {
  /// `jac check … --claim-file FILE.npy` with size symbols (docs/check.md): a file holds the
  /// claim at one size, so the check is made at that one instantiation, as with numeric `--dims`.
  /// The symbols come from `--values` (their shapes fix them) and, for the rest, from the claim
  /// files' shapes in layout L: the one assignment of sizes under which every file has the shape
  /// the derivative has in L. No assignment, or more than one, is bad input naming them.
  func runClaimFileAtItsSizes(_ sizes: SymbolicSizes) throws -> (json: CheckOutput?, holds: Bool) {
    let f = try parseExpression(expression, role: "expression")
    let variables = try parseVariableList(wrt)
    guard claimFile.count == variables.count else {
      let n = variables.count
      throw CLIError(
        "--wrt names \(n) variable\(n == 1 ? "" : "s") but \(claimFile.count) claim\(claimFile.count == 1 ? " was" : "s were") given: "
          + "give one claim per variable, in the order of --wrt")
    }
    for v in variables where sizes.shapes[v] == nil {
      throw CLIError("--wrt \(v) names no variable with a shape: give it with --dims \(v)=RxC")
    }
    var arrayShapes: [[Int]] = []
    for path in claimFile {
      let shape = try CommandFiles.array(path, origin: "--claim-file").shape
      arrayShapes.append(shape.count == 1 ? [shape[0], 1] : shape)
    }
    let open = sizes.symbols.filter { sizes.fixed[$0] == nil }
    // Every open symbol is at most the largest extent of a file (a size divides or is an extent).
    let largest = max(1, arrayShapes.flatMap { $0 }.max() ?? 1)
    let combinations = open.reduce(1.0) { p, _ in p * Double(largest) }
    guard combinations <= 200_000 else {
      throw CLIError(
        "the sizes \(open.joined(separator: ", ")) cannot be read off the claim file\(claimFile.count == 1 ? "" : "s") "
          + "(too many candidates); give them with --values or as numbers in --dims")
    }
    func fits(_ inst: [String: Int]) -> Bool {
      let dims = sizes.dims(inst)
      guard let output = try? f.shape(in: dims) else { return false }
      for (v, shape) in zip(variables, arrayShapes) {
        if layout.layout.arrayShape(output: output, input: dims[v]!) != shape { return false }
      }
      return true
    }
    var found: [[String: Int]] = []
    var inst = sizes.fixed
    func search(_ k: Int) {
      guard found.count < 2 else { return }
      guard k < open.count else {
        if fits(inst) { found.append(inst) }
        return
      }
      for value in 1...largest {
        inst[open[k]] = value
        search(k + 1)
      }
    }
    search(0)
    let files = claimFile.count == 1 ? "the claim file's shape" : "the claim files' shapes"
    let shapesText = arrayShapes.map { $0.map(String.init).joined(separator: "×") }.joined(separator: ", ")
    guard let chosen = found.first else {
      throw CLIError(
        "\(files) (\(shapesText)) fit\(claimFile.count == 1 ? "s" : "") no sizes of \(sizes.describeShapes(f.variables)) "
          + "in \(layout.layout.rawValue) layout; give the sizes with --values or as numbers in --dims")
    }
    guard found.count == 1 else {
      throw CLIError(
        "\(files) (\(shapesText)) fit\(claimFile.count == 1 ? "s" : "") more than one size: \(SymbolicSizes.describe(found[0])) "
          + "and \(SymbolicSizes.describe(found[1])); give the sizes with --values or as numbers in --dims")
    }
    let dims = sizes.dims(chosen).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rows)x\($0.value.cols)" }
    var concrete = self
    concrete.point = point.completing(dims: dims.joined(separator: ","))
    let read = open.isEmpty ? "--values" : (sizes.fixed.isEmpty ? files : "--values and " + files)
    let note = f.variables.map { (name: $0, shape: sizes.dims(chosen)[$0]!) }
    return try InferredSizesNote.$source.withValue("\(read) (\(SymbolicSizes.describe(chosen)))") {
      try InferredSizesNote.$shapes.withValue(note) { try concrete.execute() }
    }
  }
}
