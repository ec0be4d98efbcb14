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
    // With size symbols, at the instantiation the report shows.
    let symbolic = try JacRunner.run(["check", "1/2*norm(x)^2", "--wrt", "x", "--dims", "x=n", "--claim", "x'"])
    #expect(symbolic.status == 1 && symbolic.stderr == Self.note, "\(symbolic.stderr)")
    #expect(symbolic.stdout.contains("\ndiagnosis: the claim is the derivative of (1/2)*norm(x)^2,"), "\(symbolic.stdout)")
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

/// `x^T` written for the transpose, and the notation pasted from MATLAB and NumPy, as `jac`
/// answers them (docs/language.md, "Pasted notation").
@Suite struct PastedNotationCommandTests {
  @Test func caretTIsOneSentenceUnlessTIsGiven() throws {
    let cases: [([String], String)] = [
      (["x^T A x", "--dims", "x=3x1,A=3x3"], "jac: in x^T, T is read as an exponent; for the transpose write x' or xᵀ\n"),
      // Without --dims, T used to be inferred 1×1 and x with it.
      (["x^T A x"], "jac: in x^T, T is read as an exponent; for the transpose write x' or xᵀ\n"),
      (["x^T*A*x", "--dims", "x=3x1,A=3x3", "--order", "2"], "jac: in x^T, T is read as an exponent; for the transpose write x' or xᵀ\n"),
      (
        ["(A*x)^T*x", "--dims", "x=3x1,A=3x3"],
        "jac: in (A*x)^T, T is read as an exponent; for the transpose write (A*x)' or (A*x)ᵀ\n"
      ),
    ]
    for (arguments, sentence) in cases {
      let r = try JacRunner.run(["derive", arguments[0], "--wrt", "x"] + arguments.dropFirst())
      #expect(r.status == 2 && r.stdout.isEmpty, "\(arguments)")
      #expect(r.stderr == sentence, "\(arguments)")
    }
    // With T given a size, x^T is the power the contract says: its derivative T·x^(T−1),
    // checked by jac against central differences at x = 2, T = 3.
    let power = try JacRunner.run(["derive", "x^T", "--wrt", "x", "--values", "x=2,T=3", "--check"])
    #expect(power.status == 0, "\(power.stderr)")
    #expect(power.stdout.contains("T x^(T − 1)") && power.stdout.contains(": passed"), "\(power.stdout)")
  }

  @Test func aliasesAndRefusals() throws {
    let trace = try JacRunner.run(["derive", "trace(X'*X)", "--wrt", "X", "--dims", "X=3x2"])
    #expect(trace.status == 0 && trace.stdout.contains("gradient (shape convention, 3×2):\n  2 X"), "\(trace.stdout)\(trace.stderr)")
    let half = try JacRunner.run(["derive", "½x'x", "--wrt", "x", "--dims", "x=3"])
    #expect(half.status == 0 && half.stdout.contains("gradient (shape convention, 3×1):\n  x\n"), "\(half.stdout)\(half.stderr)")
    let fro = try JacRunner.run(["check", "norm(X,'fro')^2", "--wrt", "X", "--dims", "X=3x2", "--layout", "shape", "--claim", "2*X"])
    #expect(fro.status == 0, "\(fro.stdout)\(fro.stderr)")
    let dot = try JacRunner.run(["check", "dot(x,A*x)", "--wrt", "x", "--dims", "x=3,A=3x3", "--claim", "x.'*(A + A.')"])
    #expect(dot.status == 0, "\(dot.stdout)\(dot.stderr)")
    for (expression, start) in [
      ("norm(X,2)", "jac: cannot parse the expression: norm(x,2) is written norm(x) here at position 8: "),
      ("norm(X,1)", "jac: cannot parse the expression: norm(x,1) is written norm1(x) here at position 8: "),
      ("mean(X)", "jac: cannot parse the expression: unknown function 'mean' at position 1: the mean of the n entries"),
      ("dot(X)", "jac: cannot parse the expression: wrong number of arguments to dot at position 1: dot(x,y) takes 2 arguments"),
    ] {
      let r = try JacRunner.run(["derive", expression, "--wrt", "X", "--dims", "X=3x2"])
      #expect(r.status == 2 && r.stdout.isEmpty, "\(expression)")
      #expect(r.stderr.hasPrefix(start), "\(expression): \(r.stderr)")
    }
    let unequal = try JacRunner.run(["derive", "dot(x,y)", "--wrt", "x", "--dims", "x=3,y=2"])
    #expect(unequal.status == 2 && unequal.stderr.split(separator: "\n").count == 1, "\(unequal.stderr)")
  }
}
