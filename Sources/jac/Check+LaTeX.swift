import Symbolic

extension Check {
  /// The verdict and the diagnoses as a LaTeX fragment to paste into a document: the truth in
  /// display math, the verdict, and one `\item` per diagnosis with its mathematics in `$…$`.
  func printLaTeX(_ result: ClaimCheck, derivative d: SymbolicDerivative, pointDescription: String) {
    let x = MatrixExpression.variable(d.variable).latex
    print("% jac check: numerator layout over column-major vec")
    print(
      "\\[ \\frac{\\partial \\operatorname{vec} F}{\\partial (\\operatorname{vec} \(x))^{\\top}} = \(d.jacobian.latex) \\]")
    let point = Diagnosis.escapeLaTeX(pointDescription)
    print(result.holds ? "The claim holds \(point)." : "The claim is \\textbf{wrong} \(point).")
    guard !result.diagnoses.isEmpty else { return }
    print("\\begin{itemize}")
    for diagnosis in result.diagnoses { print("\\item \(diagnosis.latex)") }
    print("\\end{itemize}")
  }
}
