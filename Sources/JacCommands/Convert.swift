import ArgumentParser
import Jacobians
import MatrixCore

struct Convert: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Convert a dense derivative between layouts.",
    discussion: """
      Layouts of a derivative of F (m×n) with respect to X (a×b):
        numerator           (mn)×(ab), J[p + q·m, i + j·a] = ∂F[p,q]/∂X[i,j] (column-major vec)
        denominator         (ab)×(mn), the transpose of numerator
        numerator-rowmajor  (mn)×(ab), rows and columns in row-major (NumPy ravel) order
        tensor              (m,n,a,b) row-major, T[p,q,i,j], as jax.jacfwd/jacrev and
                            torch.autograd.functional.jacobian return it (read and written 4-D)
        sympy               (a,b,m,n) row-major, as SymPy's derive_by_array orders it
        shape               a×b gradient, only for m = n = 1
      The output file is written whole or not at all.
      """
  )

  @Argument(help: "Input .npy file (float64).") var input: String
  @Argument(help: "Output .npy file.") var output: String
  @Option(help: "Layout of the input.") var from: LayoutName
  @Option(help: "Layout of the output.") var to: LayoutName
  @Option(name: .customLong("output-shape"), help: "Shape of F as m,n.") var outputShape: String
  @Option(name: .customLong("input-shape"), help: "Shape of X as a,b.") var inputShape: String
  @Option(help: "text or json (latex and mathml are refused: convert writes a file).") var format: OutputFormat = .text

  func run() throws {
    if format == .latex || format == .mathml {
      throw CLIError(
        "--format \(format.rawValue) does not apply to jac convert, which writes a matrix file and prints only where; use --format text or json")
    }
    let out = try parseShape(outputShape, flag: "--output-shape")
    let inp = try parseShape(inputShape, flag: "--input-shape")
    let array = try CommandFiles.array(input, origin: "IN")
    let converted = try JacobianLayout.convert(array, from: from.layout, to: to.layout, output: out, input: inp)
    try CommandFiles.write(converted, to: output)
    let dims = converted.shape.map(String.init).joined(separator: "×")
    switch format {
    case .text:
      print("wrote \(output): \(to.layout.rawValue) layout, shape \(dims) (from \(from.layout.rawValue), F \(out), X \(inp))")
    case .json, .latex, .mathml:
      print(
        try JacJSON.string(
          ConvertRecord(
            input: input, output: output, from: from.layout.rawValue, to: to.layout.rawValue, outputShape: .init(out),
            inputShape: .init(inp), shape: converted.shape)))
    }
  }
}

/// A layout name as given on the command line.
struct LayoutName: ExpressibleByArgument {
  let layout: JacobianLayout
  init?(argument: String) {
    guard let l = JacobianLayout(rawValue: argument) else { return nil }
    layout = l
  }
  static var allValueStrings: [String] { JacobianLayout.allCases.map(\.rawValue) }
  var defaultValueDescription: String { layout.rawValue }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text, latex, mathml, json
}

/// `m,n` (or `mxn`) into a shape, with a one-sentence error naming the flag. With `column`, a
/// single size `n` is the column n×1 (as `--dims x=n` is with a size symbol).
func parseShape(_ text: String, flag: String, column: Bool = false) throws -> Shape {
  let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "," || $0 == "x" || $0 == "×" }).map {
    Int($0.trimmingCharacters(in: .whitespaces))
  }
  let sizes = column && parts.count == 1 ? parts + [1] : parts
  guard sizes.count == 2, let r = sizes[0], let c = sizes[1], r > 0, c > 0, r <= 1 << 24, c <= 1 << 24 else {
    let form = column ? "3x2 or 3 (a column, 3×1)" : "3,2"
    throw CLIError("\(flag) '\(text)' is not a shape like \(form) (positive integers)")
  }
  return Shape(r, c)
}

import Foundation
