import Foundation
import Testing

/// The note on stderr where the contract groups `/`, `.*`, `*` otherwise than MATLAB
/// (docs/language.md), and `jac check`'s diagnosis of a claim of the other reading.
@Suite struct ReadingNoteCommandTests {
  static let note =
    "jac: note: / binds more loosely than * here, so 1/2*norm(x)^2 is read as 1/(2*norm(x)^2); "
    + "for the left-to-right reading of MATLAB and NumPy write (1/2)*norm(x)^2\n"

  @Test func deriveSaysItOnceOnStderr() throws {
    let r = try JacRunner.run(["derive", "1/2*norm(x)^2", "--wrt", "x", "--dims", "x=3x1"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr == Self.note)
    #expect(r.stdout.hasPrefix("F = 1/2*norm(x)^2 "))
    // The Hessian reads the expression too; the JSON on stdout stays one document.
    let hessian = try JacRunner.run(["derive", "1/2*norm(x)^2", "--wrt", "x", "--dims", "x=3x1", "--order", "2"])
    #expect(hessian.status == 0 && hessian.stderr == Self.note, "\(hessian.stderr)")
    let json = try JacRunner.run(["derive", "1/2*norm(x)^2", "--wrt", "x", "--dims", "x=3x1", "--format", "json"])
    #expect(json.stderr == Self.note)
    #expect((try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8))) != nil)
    // One reading only: no note.
    for quiet in ["norm(x)^2/2", "(1/2)*norm(x)^2", "1/(2*norm(x)^2)"] {
      let r = try JacRunner.run(["derive", quiet, "--wrt", "x", "--dims", "x=3x1"])
      #expect(r.status == 0 && r.stderr.isEmpty, "\(quiet): \(r.stderr)")
    }
  }

  @Test func checkNamesTheOtherReading() throws {
    let wrong = try JacRunner.run([
      "check", "1/2*norm(x)^2", "--wrt", "x", "--dims", "x=3x1", "--layout", "shape", "--claim", "x", "--format", "json",
    ])
    #expect(wrong.status == 1, "\(wrong.stderr)")
    #expect(wrong.stderr == Self.note)
    let record = try #require(try JSONSerialization.jsonObject(with: Data(wrong.stdout.utf8)) as? [String: Any])
    let diagnoses = try #require(record["diagnoses"] as? [[String: Any]])
    #expect(diagnoses.first?["kind"] as? String == "reading")
    #expect(
      (diagnoses.first?["text"] as? String)?.hasPrefix(
        "the claim is the derivative of (1/2)*norm(x)^2, the expression read from left to right") == true)
    let right = try JacRunner.run([
      "check", "1/2*norm(x)^2", "--wrt", "x", "--dims", "x=3x1", "--layout", "shape", "--claim", "-x/norm(x)^4",
    ])
    #expect(right.status == 0, "\(right.stdout)")
    #expect(right.stdout.contains("the claim holds"))
    // A claim is read too: `4/2*x'` is 4/(2*x'), whose divisor is not 1×1; the note comes
    // before the sentence that refuses it.
    let claim = try JacRunner.run(["check", "x'*x", "--wrt", "x", "--dims", "x=3x1", "--claim", "4/2*x'"])
    #expect(claim.status == 2, "\(claim.stdout)")
    let lines = claim.stderr.split(separator: "\n")
    #expect(lines.count == 2 && lines[0].hasPrefix("jac: note: / binds more loosely than * here, so 4/2*x' is read as 4/(2*x');"))
    #expect(lines.last?.hasPrefix("jac: ") == true && lines.last?.contains("divisor") == true, "\(claim.stderr)")
    let quiet = try JacRunner.run(["check", "x'*x", "--wrt", "x", "--dims", "x=3x1", "--claim", "(4/2)*x'"])
    #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stdout)\(quiet.stderr)")
  }
}
