import Foundation
import MatrixCore
import PropertyBased
import TestSupport
import Testing

@testable import Symbolic

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Reads presentation MathML as jac writes it back into the expression language, so that a
/// printout can be checked by value: parsed with the XML parser, read by the rules of MathML
/// (`<msup>` with `⊤` is a transpose, `<mfrac>` a quotient, `|…|` an absolute value, …), parsed by
/// the expression parser and evaluated.
enum MathMLReader {
  struct Unreadable: Error, CustomStringConvertible { let description: String }

  static func document(_ xml: String) throws -> XMLElement {
    let document = try XMLDocument(xmlString: xml, options: [])
    guard let root = document.rootElement() else { throw Unreadable(description: "no root element") }
    return root
  }

  /// The expression-language text of a `<math>` element.
  static func text(_ xml: String, variables: Set<String>) throws -> String {
    let root = try document(xml)
    guard root.name == "math", root.uri == MathML.namespace else {
      throw Unreadable(description: "root is \(root.name ?? "?") in \(root.uri ?? "no namespace")")
    }
    return try read(root, variables)
  }

  private static func elements(_ e: XMLElement) -> [XMLElement] { (e.children ?? []).compactMap { $0 as? XMLElement } }

  private static let greek = Dictionary(uniqueKeysWithValues: MathML.greekLetters.map { ($1, $0) })

  private static func read(_ e: XMLElement, _ variables: Set<String>) throws -> String {
    let kids = elements(e)
    let content = e.stringValue ?? ""
    switch e.name {
    case "math", "mrow":
      // `|…|` is an absolute value; a name before the function application a call.
      if kids.count == 3, kids[0].name == "mo", kids[0].stringValue == "|", kids[2].stringValue == "|" {
        return "(abs(" + (try read(kids[1], variables)) + "))"
      }
      var out = ""
      for (index, kid) in kids.enumerated() {
        let next = index + 1 < kids.count ? kids[index + 1] : nil
        if kid.name == "mi", next?.name == "mo", next?.stringValue == "\u{2061}" {
          let name = kid.stringValue ?? ""
          out += name == "σ" ? "sigmoid" : name
        } else {
          out += try read(kid, variables)
        }
      }
      return out
    case "mi":
      return greek[content] ?? content
    case "mn":
      return content
    case "mo":
      switch content {
      case "−": return "-"
      case "⋅", "\u{2062}", "×": return "*"
      case "\u{2061}": return ""
      case "⊙": return ".*"
      case "⊘": return "./"
      case "⊗": return " ⊗ "
      case "+", "(", ")", ",", "[", "]": return content
      default: throw Unreadable(description: "operator \(content)")
      }
    case "msup":
      guard kids.count == 2 else { throw Unreadable(description: "msup with \(kids.count) children") }
      let base = "(" + (try read(kids[0], variables)) + ")"
      let sup = kids[1]
      if sup.name == "mo", sup.stringValue == "⊤" { return base + "'" }
      let supKids = elements(sup)
      if sup.name == "mrow", supKids.first?.name == "mo", supKids.first?.stringValue == "∘" {
        let rest = try supKids.dropFirst().map { try read($0, variables) }.joined()
        return base + ".^(" + rest + ")"
      }
      return base + "^(" + (try read(sup, variables)) + ")"
    case "msubsup":
      // The row of ones 1ₙᵀ: a bold 1, the size, and ⊤.
      guard kids.count == 3, kids[0].name == "mn", kids[2].stringValue == "⊤" else {
        throw Unreadable(description: "msubsup that is not a row of ones")
      }
      return "ones(1," + (try read(kids[1], variables)) + ")"
    case "msub":
      guard kids.count == 2 else { throw Unreadable(description: "msub with \(kids.count) children") }
      let (base, sub) = (kids[0], kids[1])
      let subText = try read(sub, variables)
      if base.name == "mn", (base.attributes ?? []).contains(where: { $0.localName == "mathvariant" && $0.stringValue == "bold" }) {
        // A bold 1 with one size is the column 1ₙ.
        let size = subText.contains("*") ? subText.replacingOccurrences(of: "*", with: ",") : subText + ",1"
        return (base.stringValue == "0" ? "zeros(" : "ones(") + size + ")"
      }
      if base.name == "mrow", elements(base).first?.stringValue == "‖" {
        return (subText == "1" ? "norm1(" : "norm(") + (try read(elements(base)[1], variables)) + ")"
      }
      let baseText = try read(base, variables)
      if baseText == "I" || baseText == "K" { return baseText + "(" + subText + ")" }
      // A name with a subscript: `x1` or `x_1`, whichever the test's variables have.
      for candidate in [baseText + subText, baseText + "_" + subText] where variables.contains(candidate) {
        return candidate
      }
      throw Unreadable(description: "subscripted name \(baseText)_\(subText)")
    case "mfrac":
      guard kids.count == 2 else { throw Unreadable(description: "mfrac with \(kids.count) children") }
      return "((" + (try read(kids[0], variables)) + ")/(" + (try read(kids[1], variables)) + "))"
    case "mtable":
      // A block matrix: rows of cells.
      return try kids.map { row in try elements(row).map { try read($0, variables) }.joined(separator: ",") }
        .joined(separator: ";")
    case "mtd":
      return try kids.map { try read($0, variables) }.joined()
    case "msqrt":
      return "sqrt(" + (try kids.map { try read($0, variables) }.joined()) + ")"
    default:
      throw Unreadable(description: "element \(e.name ?? "?")")
    }
  }
}

@Suite struct MathMLTests {
  /// The printout, read back, has the value of the expression (relative tolerance 1e-9).
  func expectRoundTrip(_ e: MatrixExpression, _ values: [String: Matrix], _ label: String) {
    let xml = e.mathMLElement()
    do {
      let text = try MathMLReader.text(xml, variables: Set(values.keys))
      let back = try MatrixExpression(text)
      let (want, got) = (try e.evaluate(values), try back.evaluate(values))
      #expect(close(got, Dense(want), 1e-9), "\(label): \(e.plainText) read back as \(text)")
    } catch {
      Issue.record("\(label): \(e.plainText): \(error)\n\(xml)")
    }
  }

  @Test(arguments: PrinterTests.cases)
  func printerCasesAreWellFormedAndReadBackToTheirValue(_ c: PrintCase) {
    var random = SeededGenerator(seed: 11)
    let names = c.expression.variables
    var dims: [String: Shape] = [:]
    // The printer cases use square 2×2 matrices, 2×1 vectors and 1×1 scalars, by name.
    for name in names {
      switch name {
      case "x", "b": dims[name] = Shape(3, 1)
      case "a", "c", "alpha", "x_1", "theta2", "loss": dims[name] = Shape(1, 1)
      case "W": dims[name] = Shape(3, 3)
      default: dims[name] = Shape(2, 2)
      }
    }
    var values = dims.mapValues { Matrix.randomNormal($0.rows, $0.cols, using: &random) }
    if names.contains("A") { values["A"] = values["A"]! * values["A"]!.transposed + .identity(2) }
    guard (try? c.expression.evaluate(values)) != nil else {
      // Shapes of the printer cases that do not fit these dims (kron of kron, K(3,2), …) are
      // still checked for well-formedness.
      #expect((try? MathMLReader.document(c.expression.mathMLElement())) != nil, "\(c.plain)")
      return
    }
    expectRoundTrip(c.expression, values, "printer case (seed 11)")
  }

  @Test func randomExpressionsReadBackToTheirValue() async {
    await seededPropertyCheck(count: 400, input: Gen.int(in: 0...1_000_000)) { seed in
      var generator = RandomExpressionGenerator(seed: UInt64(seed), maxDepth: 4, variables: randomVariables)
      let (e, _) = generator.next()
      expectRoundTrip(e, generator.randomValues(), "seed \(seed)")
    }
  }

  @Test func namesAndNumbersAreEscapedAndTyped() throws {
    let e = try MatrixExpression("alpha*W_out*x1 + 2.5e20*loss")
    let xml = e.mathMLElement(display: false)
    #expect(xml.hasPrefix("<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"inline\">"))
    #expect(xml.contains("<mi>α</mi>"))
    #expect(xml.contains("<msub><mi>W</mi><mi>out</mi></msub>"))
    #expect(xml.contains("<msub><mi>x</mi><mn>1</mn></msub>"))
    #expect(xml.contains("<mn>2.5</mn><mo>×</mo><msup><mn>10</mn><mn>20</mn></msup>"))
    #expect(MathML.escape("a<b&c>\"'") == "a&lt;b&amp;c&gt;&quot;&apos;")
    #expect(MathML.text("x < y").contains("x &lt; y"))
  }

  @Test func transposeInverseAndKroneckerAreTheTextbookSigns() throws {
    let e = try MatrixExpression("kron(I(2),X')*K(3,2) + inv(A)'")
    let xml = e.mathML
    #expect(xml.contains("<msup><mi>X</mi><mo>⊤</mo></msup>"))
    #expect(xml.contains("<mo>⊗</mo>"))
    #expect(xml.contains("<msub><mi>K</mi><mrow><mn>3</mn><mo>,</mo><mn>2</mn></mrow></msub>"))
    // (A⁻¹)ᵀ: the inverse is fenced before it takes the transpose.
    #expect(xml.contains("<msup><mrow><mo>(</mo><msup><mi>A</mi><mrow><mo>−</mo><mn>1</mn></mrow></msup><mo>)</mo></mrow><mo>⊤</mo></msup>"))
  }
}
