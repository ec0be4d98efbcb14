import Foundation
import Testing

/// Notebooks-md/10-newton-logistic.md: its Python block (Newton's method with the gradient and
/// Hessian that jac printed) is run with NumPy; what it prints must match the notebook's `text`
/// block (numbers to 1e-8 relative), its gradient and Hessian must agree with central
/// differences of its loss computed here, and its Hessian with the one jac writes with
/// --jacobian-out (1e-10 relative). Its second Python block runs Newton's method with the NumPy
/// code that `jac derive --emit numpy` printed (the recorded outputs of the two `--emit` blocks,
/// which `jac notebook test` keeps equal to what jac prints): the same iterates.
@Suite struct NewtonNotebookTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Notebooks-md").path

  /// The body of the first fenced block tagged `tag` after `marker`.
  static func block(_ text: String, tag: String, after marker: String = "") throws -> String {
    let start = marker.isEmpty ? text.startIndex : try #require(text.range(of: marker)).upperBound
    let open = try #require(text.range(of: "```\(tag)\n", range: start..<text.endIndex))
    let close = try #require(text.range(of: "```", range: open.upperBound..<text.endIndex))
    return String(text[open.upperBound..<close.lowerBound])
  }

  @Test func newtonBlockRunsConvergesAndMatchesJac() throws {
    let text = try String(contentsOfFile: Self.folder + "/10-newton-logistic.md", encoding: .utf8)
    let code = try Self.block(text, tag: "python", after: "## Newton's method in NumPy")
    let recorded = try Self.block(text, tag: "text", after: "It prints")
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    // jac's Hessian at w1, for the comparison below.
    let jac = try JacRunner.run(
      [
        "derive", "sum(log(1+exp(-y.*(X*w))))", "--wrt", "w", "--values",
        "X=data/logreg_X.npy,y=data/logreg_y.npy,w=data/logreg_w1.npy", "--order", "2", "--jacobian-out", "\(dir)/H.npy",
      ], in: Self.folder)
    #expect(jac.status == 0, "\(jac.stderr)")
    let printed = try JacRunner.python("import os\nos.chdir('\(Self.folder)')\n" + code)
    let (a, b) = (printed.split(separator: "\n"), recorded.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n"))
    #expect(a.count == b.count, "printed:\n\(printed)")
    for (x, y) in zip(a, b) { #expect(Self.sameNumbers(String(x), String(y)), "printed \(x), recorded \(y)") }
    // The block's formulas against central differences of its loss, and against jac's H.
    let report = try JacRunner.python(
      "import os\nos.chdir('\(Self.folder)')\n" + code + """

        rng = np.random.default_rng(10)
        v = rng.standard_normal(3)
        h = 1e-5
        E = np.eye(3)
        fd_g = np.array([(loss(v + h * E[i]) - loss(v - h * E[i])) / (2 * h) for i in range(3)])
        fd_h = np.array([(gradient(v + h * E[i]) - gradient(v - h * E[i])) / (2 * h) for i in range(3)]).T
        rel = lambda a, b: np.abs(a - b).max() / np.abs(b).max()
        w1 = np.load("data/logreg_w1.npy")[:, 0]
        print(rel(gradient(v), fd_g), rel(hessian(v), fd_h), rel(hessian(w1), np.load('\(dir)/H.npy')),
              np.linalg.norm(gradient(w)))
        """)
    let numbers = report.split(separator: "\n").last!.split(separator: " ").compactMap { Double($0) }
    #expect(numbers.count == 4, "\(report)")
    #expect(numbers.count == 4 && numbers[0] <= 1e-8 && numbers[1] <= 1e-8, "finite differences: \(report)")
    #expect(numbers.count == 4 && numbers[2] <= 1e-10, "jac's Hessian: \(report)")
    #expect(numbers.count == 4 && numbers[3] <= 1e-12, "not converged: \(report)")
  }

  @Test func newtonWithTheExportedCode() throws {
    let text = try String(contentsOfFile: Self.folder + "/10-newton-logistic.md", encoding: .utf8)
    let section = "## Newton's method with the exported NumPy code"
    let start = try #require(text.range(of: section)).upperBound
    let rest = String(text[start...])
    let gradientExport = try Self.block(rest, tag: "output", after: "--wrt w --dims X=12x3,y=12x1,w=3x1 --emit numpy")
    let hvpExport = try Self.block(rest, tag: "output", after: "sigmoid(-(y.*(X*w))))\" --wrt w --dims X=12x3,y=12x1,w=3x1 --emit numpy")
    #expect(gradientExport.contains("def f(X, w, y):") && hvpExport.contains("def f(X, w, y, dw):"))
    let code = try Self.block(rest, tag: "python")
    let recorded = try Self.block(rest, tag: "text", after: "It prints")
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    try gradientExport.write(toFile: dir + "/grad.py", atomically: true, encoding: .utf8)
    try hvpExport.write(toFile: dir + "/hvp.py", atomically: true, encoding: .utf8)
    let printed = try JacRunner.python("import os, sys\nsys.path.insert(0, '\(dir)')\nos.chdir('\(Self.folder)')\n" + code)
    let (a, b) = (printed.split(separator: "\n"), recorded.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n"))
    #expect(a.count == b.count && a.count >= 4, "printed:\n\(printed)")
    for (x, y) in zip(a, b) { #expect(Self.sameNumbers(String(x), String(y)), "printed \(x), recorded \(y)") }
    // The same iterates as the hand-transcribed formulas of the first block.
    let first = try Self.block(text, tag: "text", after: "It prints")
    #expect(first.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == b.count)
    for (x, y) in zip(first.split(separator: "\n"), b) { #expect(Self.sameNumbers(String(x), String(y)), "\(x) vs \(y)") }
  }

  /// Same words, numbers equal to 1e-8 relative.
  static func sameNumbers(_ a: String, _ b: String) -> Bool {
    let pattern = try! NSRegularExpression(pattern: "[-+]?[0-9]+\\.?[0-9]*(e[-+][0-9]+)?")
    func split(_ s: String) -> (String, [Double]) {
      let range = NSRange(s.startIndex..., in: s)
      let numbers = pattern.matches(in: s, range: range).compactMap { Double((s as NSString).substring(with: $0.range)) }
      return (pattern.stringByReplacingMatches(in: s, range: range, withTemplate: "#"), numbers)
    }
    let (ta, na) = split(a)
    let (tb, nb) = split(b)
    guard ta == tb, na.count == nb.count else { return false }
    return zip(na, nb).allSatisfy { abs($0 - $1) <= 1e-8 * max(abs($0), abs($1)) + 1e-300 }
  }
}
