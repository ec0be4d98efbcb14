import Foundation
import JacCommands
import Jacobians
import Testing

/// The JSON records of `--format json` (Sources/JacCommands/Records): numbers as `JSONEncoder`
/// writes them (15 significant digits, `null` when not finite, optional fields left out), and
/// `JacRecords`, which computes the same records without printing, for a server.
@Suite struct JSONRecordTests {
  private struct Sample: Codable, Equatable {
    @JSONNumber var x: Double
    @OptionalJSONNumber var y: Double?
  }

  private func object(_ data: Data) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  @Test func numbersKeepFifteenSignificantDigits() throws {
    // 0.1 + 0.2 is 0.30000000000000004 in binary; its 16th and 17th digits are noise.
    let text = try JacJSON.string(Sample(x: 0.1 + 0.2, y: 2.0 / 3.0))
    #expect(text == #"{"x":0.3,"y":0.666666666666667}"#)
    let integral = try JacJSON.string(Sample(x: 4096, y: nil))
    #expect(integral == #"{"x":4096}"#, "an absent optional number leaves its key out")
  }

  @Test func nonFiniteNumbersAreNullAndReadBack() throws {
    let data = try JacJSON.data(Sample(x: .infinity, y: -.infinity))
    #expect(String(decoding: data, as: UTF8.self) == #"{"x":null,"y":null}"#)
    let back = try JSONDecoder().decode(Sample.self, from: Data(#"{"x":null}"#.utf8))
    #expect(back.x.isNaN && back.y == nil)
    let value = try JSONDecoder().decode(Sample.self, from: Data(#"{"x":1.5,"y":-2}"#.utf8))
    #expect(value == Sample(x: 1.5, y: -2))
  }

  /// The record of ∂vec(RᵀR)/∂(vec R)ᵀ for R 3×2: the sizes by definition (F 2×2, X 3×2, the
  /// Jacobian 4×6), and the record equal, as JSON, to what `jac derive --format json` prints.
  @Test func deriveRecordWithoutPrintingMatchesTheCommandLine() throws {
    let args = ["R'*R", "--wrt", "R", "--dims", "R=3x2", "--check"]
    let output = try JacRecords.derive(args)
    guard case .derivative(let r) = output else {
      Issue.record("one variable gives one record, got \(output)")
      return
    }
    #expect(r.outputShape == [2, 2] && r.inputShape == [3, 2])
    #expect(r.jacobian.rows == 4 && r.jacobian.cols == 6)
    #expect(r.check?.passed == true && output.passed)
    let printed = try JacRunner.run(["derive"] + args + ["--format", "json"])
    #expect(printed.status == 0, "\(printed.stderr)")
    let a = try object(JacJSON.data(output))
    let b = try object(Data(printed.stdout.utf8))
    #expect(NSDictionary(dictionary: a).isEqual(to: b))
  }

  @Test func checkRecordSaysWhetherTheClaimHolds() throws {
    let base = ["R'*R", "--wrt", "R", "--dims", "R=3x2", "--claim"]
    let right = try JacRecords.check(base + ["kron(I(2),R')+kron(R',I(2))*K(3,2)"])
    #expect(right.holds)
    let wrong = try JacRecords.check(base + ["kron(I(2),R')*K(2,3)+kron(R',I(2))"])
    guard case .check(let r) = wrong else {
      Issue.record("one claim gives one record, got \(wrong)")
      return
    }
    #expect(!r.holds && !wrong.holds)
    #expect(r.diagnoses.contains { $0.kind == "row-major" }, "\(r.diagnoses)")
    #expect(r.claimShape == [4, 6] && r.expectedShape == [4, 6])
  }

  @Test func chainRecordAndItsLaTeX() throws {
    let record = try JacRecords.chain(["10x100", "100x5", "5x50"])
    // Left to right (J1·J2)·J3: 10·100·5 + 10·5·50 = 7500; right to left: 100·5·50 + 10·100·50 = 75000.
    let byName = Dictionary(uniqueKeysWithValues: record.orders.map { ($0.name, $0.multiplyAdds) })
    #expect(byName["left-to-right"] == 7500 && byName["right-to-left"] == 75000)
    let latex = record.latex()
    #expect(latex.contains("\\begin{tabular}") && latex.contains("\\texttt{((1 2) 3)}"), "\(latex)")
    let ascii = latex.unicodeScalars.allSatisfy { $0.isASCII }
    #expect(ascii, "LaTeX output is ASCII")
  }

  @Test func badInputIsOneSentence() throws {
    #expect(throws: (any Error).self) { try JacRecords.derive(["R'*", "--wrt", "R", "--dims", "R=3x2"]) }
    do {
      _ = try JacRecords.derive(["R'*R", "--wrt", "Q", "--dims", "R=3x2"])
      Issue.record("--wrt Q names no variable")
    } catch {
      let s = JacRecords.sentence(for: error)
      #expect(s.contains("--wrt Q") && !s.contains("\n"), "\(s)")
    }
  }
}
