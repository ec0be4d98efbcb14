import Foundation
import Testing

@testable import JacCommands
import Symbolic

/// With size symbols, a wrong claim's diagnosis speaks in the user's sizes, as the rest of the
/// report does (`Diagnosis.resized`, `SymbolicSizes.genericSize`): `Kₙ,ₙ J Kₙ,ₘ` and `m×n`, not the
/// numbers of the instantiation where it was found, in every format. Concrete sizes keep numbers.
@Suite struct SymbolicDiagnosisTests {
  private static let base = ["check", "R'*R", "--wrt", "R", "--dims", "R=mxn"]
  /// The row-major look-alike; with `K(m,n)` in its place (two slips); a claim of a wrong shape.
  private static let claims = [
    "kron(I(n),R')*K(n,m)+kron(R',I(n))", "kron(I(n),R')*K(m,n)+kron(R',I(n))", "R'*R",
  ]

  /// The diagnosis lines of the text report: no size as a number, and the sentences expected.
  @Test func textDiagnosesUseTheSymbols() throws {
    var lines: [String] = []
    for claim in Self.claims {
      let r = try JacRunner.run(Self.base + ["--claim", claim])
      #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
      let diagnoses = r.stdout.split(separator: "\n").filter { $0.hasPrefix("diagnosis: ") || $0.hasPrefix("the claim is ") }
      #expect(!diagnoses.isEmpty, "\(r.stdout)")
      for d in diagnoses { #expect(d.allSatisfy { !$0.isASCII || !$0.isNumber }, "\(claim): \(d)") }
      lines += diagnoses.map(String.init)
    }
    let all = lines.joined(separator: "\n")
    #expect(all.contains("row-major flattening (NumPy ravel, C order), Kₙ,ₙ J Kₙ,ₘ where J is the Jacobian (F n×n, R m×n)"), "\(all)")
    #expect(all.contains("the claim has Kₙ,ₘ where Kₘ,ₙ belongs (Kₘ,ₙ turns vec A into vec Aᵀ for A m×n)"), "\(all)")
    #expect(all.contains("the claim is n×n but the derivative in this layout is n²×mn"), "\(all)")
    #expect(
      all.contains(
        "diagnosis: ∂F/∂R is n²×mn in numerator layout and mn×n² in denominator layout; a n×n claim fits none of them "
          + "(F is n×n and R is m×n: the Jacobian has a row for each of the n² entries of F and a column for each of "
          + "the mn entries of R, n²×mn in numerator layout)"), "\(all)")
  }

  /// JSON (`text` and `latex` of each diagnosis), LaTeX and MathML say the same sizes.
  @Test func everyFormatUsesTheSymbols() throws {
    let claim = Self.claims[1]
    let json = try JacRecords.check(Array(Self.base.dropFirst()) + ["--claim", claim])
    guard case .symbolic(let record) = json else {
      Issue.record("a symbolic check gives a symbolic record, got \(json)")
      return
    }
    #expect(!record.diagnoses.isEmpty)
    for d in record.diagnoses {
      #expect(d.text.contains("Kₙ,ₙ J Kₙ,ₘ") && d.text.contains("A m×n"), "\(d.text)")
      let latex = try #require(d.latex)
      #expect(latex.contains("K_{n,n} J K_{n,m}") && latex.contains("$m \\times n$"), "\(latex)")
      #expect(!latex.contains("K_{2") && !latex.contains("K_{3") && !latex.contains("K_{5"), "\(latex)")
    }
    let latex = try JacRunner.run(Self.base + ["--claim", claim, "--format", "latex"])
    let items = latex.stdout.split(separator: "\n").filter { $0.hasPrefix("\\item ") }
    #expect(!items.isEmpty, "\(latex.stdout)")
    for item in items {
      #expect(item.contains("K_{n,n} J K_{n,m}") && !item.contains("K_{2") && !item.contains("K_{3"), "\(item)")
    }
    let mathml = try JacRunner.run(Self.base + ["--claim", claim, "--format", "mathml"])
    let paragraphs = mathml.stdout.components(separatedBy: "<strong>Diagnosis:</strong>").dropFirst()
    #expect(!paragraphs.isEmpty, "\(mathml.stdout)")
    for p in paragraphs {
      let sentence = p.components(separatedBy: "</p>")[0]
      #expect(sentence.contains("Kₙ,ₙ J Kₙ,ₘ") && sentence.contains("for A m×n"), "\(sentence)")
    }
  }

  /// Concrete sizes are said as numbers, with F's and R's shapes.
  @Test func concreteSizesKeepNumbers() throws {
    let r = try JacRunner.run(["check", "R'*R", "--wrt", "R", "--dims", "R=3x2", "--claim", "kron(I(2),R')*K(2,3)+kron(R',I(2))"])
    #expect(r.stdout.contains("diagnosis: the claim is the Jacobian under row-major flattening (NumPy ravel, C order), "
      + "K₂,₂ J K₂,₃ where J is the Jacobian (F 2×2, R 3×2)"), "\(r.stdout)")
  }

  /// Sizes at an instantiation said at the generic one: the symbols' values, products of them,
  /// sums written in the shapes, and sizes written in the expression unchanged.
  @Test func sizesAtAnInstantiationReadBack() throws {
    let s = SymbolicSizes(
      shapes: ["X": (.symbol("m"), .symbol("n")), "y": (.sum(.symbol("n"), .number(1)), .number(1))], inferred: [])
    let generic = ["m": 59, "n": 53]
    let at = ["m": 3, "n": 2]
    #expect(s.genericSize(3, at: at, generic: generic) == 59)
    #expect(s.genericSize(2, at: at, generic: generic) == 53)
    #expect(s.genericSize(6, at: at, generic: generic) == 59 * 53)
    #expect(s.genericSize(4, at: at, generic: generic) == 53 * 53)
    #expect(s.genericSize(9, at: at, generic: generic) == 59 * 59)
    #expect(s.genericSize(12, at: at, generic: generic) == 59 * 53 * 53)
    #expect(s.genericSize(1, at: at, generic: generic) == 1)
    // n+1 = 3 = m here: the instantiations never draw this (SymbolicInstantiationTests); 7 is no symbol's.
    #expect(s.genericSize(7, at: at, generic: generic) == 7)
  }
}
