// One derivative, every layout.
//
// The Jacobian of F(X) = XᵀX for X 3×2, given the way JAX returns it (a (2,2,3,2) tensor
// T[p,q,i,j] = ∂F[p,q]/∂X[i,j], shipped as jax_XtX.npy and made by NumPy from the closed form; see
// make_tensor.py), is converted to numerator layout over column-major vec, checked against the
// structured Jacobian (I₂ ⊗ Xᵀ) + (Xᵀ ⊗ I₂)·K(3,2), and then shown in every layout.
//
// Usage: Layouts [DIR]   (DIR holds X.npy and jax_XtX.npy; default: this example's folder)
import Foundation
import Jacobians
import MatrixCore

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("Layouts: \(message)\n".utf8))
  exit(2)
}

let defaultDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
let dir = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : defaultDir

do {
  let x = try Matrix(npyFile: dir + "/X.npy")
  let tensor = try NPYArray(contentsOf: dir + "/jax_XtX.npy")
  let out = Shape(x.cols, x.cols)
  let inp = x.shape
  print("F(X) = XᵀX, X \(inp), F \(out); JAX tensor read with shape \(tensor.shape.map(String.init).joined(separator: "×"))")

  // 1. JAX tensor → numerator layout (NumPy: T.reshape(m*n, a*b, order='F')).
  let numerator = try JacobianLayout.convert(tensor, from: .tensor, to: .numerator, output: out, input: inp).matrix()

  // 2. The structured Jacobian from Kronecker and commutation factors.
  let structured = Jacobian.gram(x)
  print("structured Jacobian: \(structured.structure.text)   (\(structured.matrix.rows)×\(structured.matrix.cols))")
  let comparison = JacobianComparison(
    expected: try structured.materialized(), actual: numerator, output: out, input: inp)
  print("JAX tensor in numerator layout vs structured Jacobian: \(comparison)")
  guard comparison.passes(relativeTolerance: 1e-12) else { fail("the layouts disagree") }

  // 3. The same derivative in every layout.
  func show(_ title: String, _ m: Matrix) {
    print("\n\(title)  [\(m.rows)×\(m.cols)]")
    for i in 0..<m.rows {
      print("  " + (0..<m.cols).map { String(format: "%6.2f", m[i, $0]) }.joined(separator: " "))
    }
  }
  show("numerator  J[p+q·m, i+j·a] = ∂F[p,q]/∂X[i,j]  (column-major vec)", numerator)
  show("denominator  Jᵀ", try structured.matrix(in: .denominator).materialized())
  show(
    "numerator-rowmajor  K(m,n)·J·K(b,a)  (NumPy ravel order; what T.reshape(m*n, a*b) gives)",
    try structured.matrix(in: .numeratorRowMajor).materialized())
  let back = try JacobianLayout.convert(
    try structured.denseArray(in: .tensor), from: .tensor, to: .numerator, output: out, input: inp)
  print("\ntensor (m,n,a,b) round trip back to numerator is exact: \(try back.matrix() == numerator)")
  print("\nthe gradient of the scalar F[0,1] shaped like X (shape convention):")
  let g = try structured.gradient(ofOutput: 0, 1)
  for i in 0..<g.rows { print("  " + (0..<g.cols).map { String(format: "%6.2f", g[i, $0]) }.joined(separator: " ")) }
} catch {
  fail("\(error)")
}
