import Foundation
import Testing

@Suite struct NotebookCommandTests {
  static let notebook = """
    # A notebook

    Prose is left alone.

    ```jac
    jac convert j.npy t.npy --from numerator --to tensor --output-shape 1,2 --input-shape 2,1
    jac convert j.npy t.npy --from numerator --to shape --output-shape 1,2 --input-shape 2,1
    ```

    ```output
    wrote t.npy: tensor layout, shape 1×2×2×1 (from numerator, F 1×2, X 2×1)
    jac: the shape layout exists only for a scalar function (1×1), but F 1×2; use numerator or denominator
    [exit 2]
    ```

    ```python
    print("not run")
    ```
    """

  @Test func changedOutputFailsWithADiffNamingFileAndLineAndUpdateRestoresIt() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    try JacRunner.python("import numpy as np; np.save('\(dir)/j.npy', np.ones((2, 2)))")
    let path = dir + "/nb.md"
    try NotebookCommandTests.notebook.write(toFile: path, atomically: false, encoding: .utf8)
    // The recorded output has a deliberate one-character error ("F 1×2" lacks "is").
    let failing = try JacRunner.run(["notebook", "test", path])
    #expect(failing.status == 1)
    #expect(failing.stdout.contains("\(path):11:"), "\(failing.stdout)")
    #expect(failing.stdout.contains("12 - jac: the shape layout exists only for a scalar function (1×1), but F 1×2;"))
    #expect(failing.stdout.contains("+ jac: the shape layout exists only for a scalar function (1×1), but F is 1×2;"))
    let update = try JacRunner.run(["notebook", "update", dir])
    #expect(update.status == 0)
    let passing = try JacRunner.run(["notebook", "test", dir])
    #expect(passing.status == 0, "\(passing.stdout)")
    #expect(passing.stdout.contains("1 of 1 notebook blocks match"))
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.contains("but F is 1×2"))
    #expect(text.contains("print(\"not run\")"))
    #expect(text.hasPrefix("# A notebook\n\nProse is left alone."))
  }

  @Test func missingOutputBlockIsReportedAndCreated() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    let path = dir + "/new.md"
    try "Intro\n\n```jac\njac convert --help\n```\n\nEnd\n".write(toFile: path, atomically: false, encoding: .utf8)
    #expect(try JacRunner.run(["notebook", "test", path]).status == 1)
    #expect(try JacRunner.run(["notebook", "update", path]).status == 0)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.contains("```output\nOVERVIEW: Convert a dense derivative between layouts."))
    #expect(text.hasSuffix("```\n\nEnd\n"))
    #expect(try JacRunner.run(["notebook", "test", path]).status == 0)
    #expect(try JacRunner.run(["notebook", "test", dir + "/absent.md"]).status == 2)
  }
}
