import ArgumentParser
import Foundation
import Jacobians
import MatrixCore
import Symbolic

struct Chain: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Report the cost of evaluating a product of Jacobians J1·J2·…·Jk in each order.",
    discussion: """
      Factors are in mathematical order (J1 is the outermost function's Jacobian, numerator \
      layout): RxC (dense), RxC:diag, RxC:identity, RxC:zero, RxC:kron(R1xC1,R2xC2).
      Orders: left-to-right (reverse accumulation), right-to-left (forward accumulation), the \
      optimal parenthesisation (dynamic programming over a structure-aware cost model), and any \
      --order given as a parenthesisation such as "((1 2) 3)". FLOPs are 2 per multiply-add.
      Example: jac chain 10x100 100x5 5x50
      A program instead of factors, inline or with --program FILE, gives its own chain of local \
      Jacobians: jac chain "h = W*x; z = tanh(h); f = sum(z)" --wrt W --dims W=3x2,x=2x1
      """)

  @Argument(help: "The factors J1 … Jk, or one program (statements name = expr separated by ';' or newlines).")
  var factors: [String] = []
  @Option(name: .customLong("program"), help: "Build the chain from a program's local Jacobians (with --wrt and --dims).")
  var programFile: String?
  @Option(help: "With --program: the input whose chain ∂F/∂input is reported.") var wrt: String?
  @Option(help: "With --program: the inputs' shapes, e.g. W1=5x4,x=4x1.") var dims: String = ""
  @Option(name: .customLong("order"), help: "An extra order to report, as a parenthesization like \"((1 2) 3)\".")
  var customOrders: [String] = []
  @Flag(help: "Also run every order on random data and report the median seconds.") var measure = false
  @Option(help: "Seed of the random data for --measure.") var seed: UInt64 = 1
  @Option(help: "text, latex (a tabular), mathml (an XHTML table), or json.") var format: OutputFormat = .text

  /// The program's chain, when a program is given (`--program FILE`, or inline as the one
  /// argument); nil for factors.
  private func programChain() throws -> ProgramChain? {
    if let file = programFile {
      guard factors.isEmpty else { throw CLIError("give either factors or --program \(file), not both") }
      return try ProgramChain(file: file, wrt: wrt, dims: dims, seed: seed)
    }
    guard let inline = factors.first(where: Program.looksLikeProgram) else { return nil }
    guard factors.count == 1 else {
      throw CLIError("give either factors or one program, not both ('\(inline.abbreviatedForMessage)' is a program)")
    }
    return try ProgramChain(source: inline, file: nil, wrt: wrt, dims: dims, seed: seed)
  }

  func run() throws {
    if let chain = try programChain() {
      let report = try makeReport(chain.signatures)
      let sentence = chain.summarySentence(report: report)
      let factors = chain.signatures.map(\.specText)
      switch format {
      case .json:
        try printReport(report, factors: factors)
      case .text:
        chain.printLinks()
        try printReport(report, factors: factors)
        if let sentence { print("\n" + sentence) }
      case .latex:
        print(chain.latexLinks)
        try printReport(report, factors: factors)
        if let sentence { print(Markup.latexParagraph(Markup.latexText(sentence))) }
      case .mathml:
        // One XHTML <div>: the links, the orders' table (its own <div>), the sentence.
        print("<div xmlns=\"\(Markup.xhtmlNamespace)\" class=\"jac-program-chain\">")
        print(chain.mathMLLinks)
        try printReport(report, factors: factors)
        if let sentence { print(Markup.paragraph(sentence)) }
        print("</div>")
      }
      return
    }
    try printReport(makeReport(), factors: factors)
  }

  private func printReport(_ report: ChainReport, factors: [String]) throws {
    switch format {
    case .text:
      print(report.description, terminator: "")
    case .latex:
      print(ChainMarkup(record: report.record, factors: factors).latex)
    case .mathml:
      print(ChainMarkup(record: report.record, factors: factors).mathML)
    case .json:
      print(try report.record.json())
    }
  }

  /// The record `--format json` prints, computed without printing (`JacRecords.chain`).
  func record() throws -> ChainReportRecord {
    if let chain = try programChain() { return try makeReport(chain.signatures).record }
    return try makeReport().record
  }

  /// The report of the factors in every order (measured with `--measure`): the factors of the
  /// command line, or a program's local Jacobians as they are (`program`; a scaled identity, a
  /// commutation, a sum have no text in the factor syntax, so they are not passed through it).
  private func makeReport(_ program: [FactorSignature]? = nil) throws -> ChainReport {
    let signatures: [FactorSignature]
    if let program {
      signatures = program
    } else {
      if wrt != nil || !dims.isEmpty { throw CLIError("--wrt and --dims go with a program (inline or --program FILE), not with factors") }
      guard !factors.isEmpty else { throw CLIError("give at least one factor, e.g. jac chain 10x100 100x5 5x50") }
      signatures = try factors.enumerated().map { k, spec in
        do {
          return try FactorSignature(spec: spec)
        } catch {
          throw CLIError("factor \(k + 1) '\(spec)': \(error)")
        }
      }
    }
    var orders = ChainReport.standardOrders
    for text in customOrders {
      orders.append(.custom(try Parenthesization(parsing: text)))
    }
    var report = try ChainReport(factors: signatures, orders: orders)
    if measure {
      progress("measuring \(report.entries.count) orders on random data (seed \(seed))")
      let chain = try JacobianChain(random: signatures, seed: seed, limitBytes: StructuredMatrix.defaultMaterializationLimit)
      for i in report.entries.indices {
        report.entries[i].seconds = try chain.measure(report.entries[i].plan).median
      }
    }
    return report
  }
}
