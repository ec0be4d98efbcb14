import Foundation
import Jacobians
import MatrixCore
import Symbolic

/// `jac derive` and `jac check` when `--dims` has size symbols (docs/language.md): the closed
/// form printed with the symbols, the numbers (checks, `--jacobian-out`, the structure line) at
/// small instantiations, each stated.
struct SymbolicRun {
  let sizes: SymbolicSizes
  let expression: MatrixExpression
  let text: String
  let variables: [String]
  let seed: UInt64
  /// The generic instantiation (distinct primes) and its table of names.
  let generic: (values: [String: Int], names: [Int: String])
  /// The small instantiations for numbers (`SymbolicSizes.instantiations`).
  let instantiations: [[String: Int]]

  /// The `--assume` assumptions.
  let assumptions: Assumptions

  init(_ sizes: SymbolicSizes, text: String, wrt: String, point: PointOptions, extra: [String] = []) throws {
    self.sizes = sizes
    self.text = text
    expression = try parseExpression(text, role: "expression")
    variables = try parseVariableList(wrt)
    seed = point.seed
    assumptions = try point.assumptions()
    for v in expression.variables where sizes.shapes[v] == nil {
      throw CLIError("the variable \(v) has no shape: give it with --dims \(v)=RxC (sizes may be symbols such as n)")
    }
    for v in variables where sizes.shapes[v] == nil {
      throw CLIError("--wrt \(v) names no variable with a shape: give it with --dims \(v)=RxC")
    }
    // Primes near a size written in the expression or a claim are avoided, so that every size of
    // the result reads back unambiguously.
    var literal = expression.literalSizes
    for c in extra { literal.formUnion((try? MatrixExpression(c))?.literalSizes ?? []) }
    literal.formUnion(
      sizes.shapes.values.flatMap { [$0.rows, $0.cols] }.compactMap { t -> Int? in
        if case .number(let n) = t { return n }
        return nil
      })
    generic = sizes.generic(avoiding: literal)
    instantiations = sizes.instantiations(
      count: SymbolicSizes.checkInstantiations, seed: point.seed, generic: generic.values, literalSizes: literal)
    guard instantiations.count == SymbolicSizes.checkInstantiations || sizes.symbols.allSatisfy({ sizes.fixed[$0] != nil }) else {
      throw CLIError("cannot draw \(SymbolicSizes.checkInstantiations) different instantiations of the size symbols")
    }
    do {
      try assumptions.validate(shapes: sizes.dims(instantiations[0]))
      try assumptions.validate(values: sizes.values)
    } catch let e as AssumptionError {
      throw CLIError(e.description)
    }
  }

  /// "at n=3, at the point of --values" or "at m=2, n=3, at a random point (seed 1)".
  func pointDescription(_ inst: [String: Int]) -> String {
    let at = SymbolicSizes.describe(inst)
    let drawn = expression.variables.contains { sizes.values[$0] == nil }
    let point =
      sizes.values.isEmpty
      ? "a random point (seed \(seed))"
      : "the point of --values" + (drawn ? " (the other variables from seed \(seed))" : "")
    return "at \(at), at \(point)" + (assumptions.isEmpty ? "" : " under \(assumptions.description)")
  }

  /// The derivative at the generic instantiation, errors rendered with the symbols.
  func genericDerivative(_ v: String) throws -> SymbolicDerivative {
    try SizeSymbols.$names.withValue(generic.names) {
      do {
        return try SymbolicDerivative(of: expression, wrt: v, dims: sizes.dims(generic.values), assumptions: assumptions)
      } catch {
        throw CLIError("\(error)")
      }
    }
  }

  /// The derivative and a random point (from the seed) at an instantiation.
  func numeric(_ v: String, at inst: [String: Int]) throws -> (SymbolicDerivative, [String: Matrix]) {
    let dims = sizes.dims(inst)
    let d = try SymbolicDerivative(of: expression, wrt: v, dims: dims, assumptions: assumptions)
    var generator = SeededGenerator(seed: seed)
    let constraints = RandomPoint.constraints(in: [expression])
    var values: [String: Matrix] = [:]
    for name in expression.variables.sorted() {
      guard let s = dims[name] else { continue }
      values[name] =
        sizes.values[name] ?? RandomPoint.draw(s, constraint: constraints[name], assumption: assumptions[name], using: &generator)
    }
    return (d, values)
  }

  /// Text under the symbols' names.
  func named<T>(_ body: () throws -> T) rethrows -> T { try SizeSymbols.$names.withValue(generic.names, operation: body) }
}

extension MatrixExpression {
  /// Every size written in the expression (`I(3)`, `K(2,3)`, `ones(n,1)` once instantiated).
  var literalSizes: Set<Int> {
    var out = Set<Int>()
    switch self {
    case .identity(let n): out.insert(n)
    case .commutation(let m, let n), .zeros(let m, let n), .ones(let m, let n), .reshape(_, let m, let n):
      out.formUnion([m, n])
    default: break
    }
    for c in children { out.formUnion(c.literalSizes) }
    return out
  }
}

extension Derive {
  /// `jac derive` with size symbols in `--dims`: prints text, LaTeX or MathML, or returns the JSON
  /// output; and whether every check passed.
  func runSymbolic(_ sizes: SymbolicSizes) throws -> (json: DeriveOutput?, passed: Bool) {
    let run = try SymbolicRun(sizes, text: expression, wrt: wrt, point: point)
    if jacobianOut != nil && run.variables.count > 1 {
      throw CLIError("--jacobian-out writes one Jacobian: give one variable with --wrt, not \(wrt)")
    }
    let at = run.instantiations.map(SymbolicSizes.describe)
    var records: [DeriveRecord] = []
    var allPassed = true
    // MathML for several variables: one root element around the per-variable reports.
    let wrapMathML = format == .mathml && run.variables.count > 1
    if wrapMathML { print("<div xmlns=\"\(Markup.xhtmlNamespace)\" class=\"jac-derivatives\">") }
    defer { if wrapMathML { print("</div>") } }
    for v in run.variables {
      let d = try run.genericDerivative(v)
      if layout == .shape && !d.outputShape.isScalar {
        throw CLIError(
          "--layout shape needs a 1×1 expression, but \(expression) is \(run.named { d.outputShape.description }); use numerator or denominator")
      }
      let shown = try run.named { try d.display(in: layout.layout) }
      let (header, title, rows, cols) = run.named {
        (
          "F = \(expression)   (\(d.outputShape)),  \(v) \(d.inputShape)   \(sizes.headerNote)",
          "\(shown.title) [\(layout.layout.rawValue) layout, \(SizeSymbols.text(shown.rows))×\(SizeSymbols.text(shown.cols))]:",
          SizeSymbols.text(shown.rows), SizeSymbols.text(shown.cols)
        )
      }
      // Repeated subexpressions named once, as at numeric sizes (DeriveNaming).
      let named = run.named {
        DeriveNaming(derivative: d, shown: shown.expression, gradient: layout != .shape ? d.gradient : nil)
      }
      let derivation = steps ? try run.named { try DerivationSteps(d) } : nil
      // Numbers at the instantiations: the structure at the first; checks at each.
      let (d0, values0) = try run.numeric(v, at: run.instantiations[0])
      let structure = try d0.jacobian(at: values0).matrix
      var checks: [(abs: Double, rel: Double, passed: Bool)] = []
      if check {
        for inst in run.instantiations {
          let (di, vi) = try run.numeric(v, at: inst)
          let jacobian = try di.jacobian(at: vi).materialized()
          let fd = try NumericDifferentiation.jacobian(
            of: { x in
              var w = vi
              w[v] = x
              return try run.expression.evaluate(w)
            }, at: vi[v]!)
          let c = JacobianComparison(expected: fd, actual: jacobian, output: di.outputShape, input: di.inputShape)
          checks.append((c.maxAbsError, c.maxRelError, c.passes(relativeTolerance: 1e-6)))
        }
      }
      if let path = jacobianOut {
        let dense: Matrix
        switch layout {
        case .numerator: dense = try d0.jacobian(at: values0).materialized()
        case .denominator: dense = try d0.jacobian(at: values0).matrix(in: .denominator).materialized()
        case .shape: dense = try d0.gradient(at: values0)
        }
        try CommandFiles.write(NPYArray(matrix: dense), to: path)
      }
      let passed = checks.allSatisfy(\.passed)
      allPassed = allPassed && passed
      switch format {
      case .latex, .mathml:
        let method = "central finite differences " + run.instantiations.map(run.pointDescription).joined(separator: " and ")
        let combined: (abs: Double, rel: Double, passed: Bool, method: String, verdict: String)? =
          checks.isEmpty
          ? nil
          : (
            abs: checks.map(\.abs).max() ?? 0, rel: checks.map(\.rel).max() ?? 0, passed: passed, method: method,
            verdict: passed ? "passed" : "FAILED"
          )
        var markup = DeriveMarkup(
          derivative: d, layout: layout.layout, named: named, check: combined, jacobianOut: jacobianOut.map { "\($0) (at \(at[0]))" },
          sizeNote: "Size symbols \(sizes.symbols.joined(separator: ", ")); the closed form holds for every size, "
            + "the numbers come from \(at.joined(separator: " and ")).")
        print(
          run.named {
            if let s = derivation { markup.steps = Derive.stepsMarkup(s, latex: format == .latex) }
            return format == .latex ? markup.latex : markup.mathML
          })
      case .text:
        run.named {
          print(header)
          print(title)
          print("  " + named.shown.unicodeText)
          if let g = named.gradient {
            print("gradient (shape convention, \(d.inputShape.description)):")
            print("  " + g.unicodeText)
          }
          if !named.form.bindings.isEmpty {
            print("where (common subexpressions, each written once):")
            for line in named.form.unicodeLines { print("  " + line) }
          }
        }
        print("structure \(run.pointDescription(run.instantiations[0])): \(structure)")
        if let s = derivation { print(run.named { s.textLines.joined(separator: "\n") }) }
        for (k, c) in checks.enumerated() {
          print(
            "check at \(at[k]) against central finite differences: largest absolute error \(sci(c.abs)), "
              + "relative \(sci(c.rel)): " + (c.passed ? "passed" : "FAILED"))
        }
        if let path = jacobianOut { print("wrote \(path) (at \(at[0]))") }
      case .json:
        let record = run.named {
          DeriveRecord(
            expression: expression, wrt: v, outputShape: SizeSymbols.jsonShape(d.outputShape),
            inputShape: SizeSymbols.jsonShape(d.inputShape), sizeSymbols: sizes.symbols, layout: layout.layout.rawValue,
            jacobian: .init(
              text: shown.expression.unicodeText, latex: shown.expression.latex, plain: shown.expression.plainText,
              mathml: shown.expression.mathMLElement(), rows: .symbol(rows), cols: .symbol(cols),
              structure: structure.structure.text, named: named.record(named.shown)),
            commonSubexpressions: named.bindingRecords,
            gradient: d.gradient.map {
              .init(
                text: $0.unicodeText, latex: $0.latex, plain: $0.plainText, mathml: $0.mathMLElement(),
                named: named.record(named.gradient ?? named.shown))
            },
            instantiations: run.instantiations,
            inferredShapes: sizes.inferredJSON, fixedByValues: sizes.fixed.isEmpty ? nil : sizes.fixed,
            check: checks.isEmpty
              ? nil
              : DerivativeCheckRecord(
                maxAbsError: checks.map(\.abs).max() ?? 0, maxRelError: checks.map(\.rel).max() ?? 0, passed: passed),
            steps: derivation.map(Derive.stepRecords),
            jacobianOut: jacobianOut)
        }
        records.append(record)
      }
    }
    guard format == .json else { return (nil, allPassed) }
    return (DeriveOutput(records, expression: expression, wrt: run.variables), allPassed)
  }
}
