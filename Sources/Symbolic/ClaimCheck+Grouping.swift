import MatrixCore

/// Several slips that give the same mutant explain the claim equally well (each exactly, at both
/// points): they are said as one diagnosis, the most specific (lowest priority) first and the
/// others briefly after it, instead of one `diagnosis:` line each claiming to be the cause.
///
/// A claim that is −1 times the truth is one verdict, an overall sign: the likely culprit is a
/// minus that F or a rule writes and the claim lost (F's leading minus, the minus of a
/// subtraction whose other operand does not depend on X, the minus of d X⁻¹), named first; the
/// other places whose sign flips everything (each node of a chain of one-term rules) are listed
/// after it.
extension DiagnosisSearch {
  /// The diagnosis of one group of matches whose mutants agree (`truth`: the truth in numerator
  /// layout at the first point).
  func grouped(_ group: [Match], truth: Matrix) -> Diagnosis {
    if truth.maxAbs > 0 {
      // −1 times the truth, as it is or as a whole transposed or flattened row-major.
      for w in wholeForms() where w == .none || w == .transpose || w == .rowMajor || w == .rowMajorTranspose {
        let form = apply(w, to: truth)
        if form.shape == group[0].candidate.shape && close(group[0].candidate, form.scaled(by: -1)) {
          return overallSign(group, whole: w)
        }
      }
    }
    let lead = group[0].diagnosis
    guard group.count > 1 else { return lead }
    let others = group.dropFirst().map(\.diagnosis)
    var parts = lead.sentenceParts + [.words(" (the same claim also comes from: ")]
    parts += DiagnosisSearch.joined(others.prefix(DiagnosisSearch.alternativesShown).map(\.briefParts), "; ", "; ")
    if others.count > DiagnosisSearch.alternativesShown {
      parts.append(.words("; and \(others.count - DiagnosisSearch.alternativesShown) more"))
    }
    parts.append(.words(")"))
    var d = Diagnosis(
      kind: lead.kind, where: lead.where, parts,
      quotesDerivativeTerm: lead.quotesDerivativeTerm || others.prefix(DiagnosisSearch.alternativesShown).contains(where: \.briefQuotes))
    d.alternatives = Array(others)
    d.alone = [lead]
    return d
  }

  /// The most alternatives a grouped sentence quotes.
  static let alternativesShown = 2

  /// The claim is −1 times the truth (in the whole form `whole`): one verdict, with the lost
  /// minus as the likely slip.
  func overallSign(_ group: [Match], whole: Whole) -> Diagnosis {
    let at = claims.count > 1 ? "at two points" : "at the point"
    let form = diagnosis(of: whole)
    let base: [Diagnosis.Part] =
      form.map { [.words("the claim has the wrong sign and is ")] + $0.briefParts + [.words(" (−1 times that, \(at))")] }
      ?? [.words("the claim has the wrong sign: it is −1 times the Jacobian \(at)")]
    let kind = form.map { $0.kind + "+sign" } ?? "sign"
    func isSignSlip(_ m: Match) -> Bool { m.slips.count == 1 && m.whole == whole && m.slips[0].diagnosis.kind == "sign" }
    let signSlips = group.filter(isSignSlip).map { $0.slips[0] }
    // The outermost lost minus first: F's own, then the larger sub-expressions.
    let culprits = signSlips.filter { $0.minusLost != nil }.sorted {
      ($0.node == derivative.expression ? 0 : 1, -$0.node.unicodeText.count)
        < ($1.node == derivative.expression ? 0 : 1, -$1.node.unicodeText.count)
    }
    let places = signSlips.filter { $0.minusLost == nil }.map(\.place).filter { !$0.isEmpty }
    let rest = group.filter { m in !isSignSlip(m) && m.scale != -1 }.map(\.diagnosis)
    var parts = base
    var alone = base
    if let first = culprits.first, let minus = first.minusLost {
      parts += [.words("; the likely slip: ")] + minus
      alone = parts
      if culprits.count > 1 {
        parts += [.words(" (or ")] + DiagnosisSearch.joined(culprits.dropFirst().compactMap(\.minusLost), ", ", " or ") + [.words(")")]
      }
    } else {
      parts += [.words(", an overall sign")]
      alone = parts
    }
    if !places.isEmpty {
      parts += [.words(culprits.isEmpty ? ": it comes from " : "; the same sign flip comes from ")]
      parts += [.words("the derivative of ")] + DiagnosisSearch.joined(places, ", of ", " or of ") + [.words(" with the wrong sign")]
    }
    if !rest.isEmpty {
      parts += [.words("; the same claim also comes from: ")]
      parts += DiagnosisSearch.joined(rest.prefix(DiagnosisSearch.alternativesShown).map(\.briefParts), "; ", "; ")
    }
    let location = culprits.first?.node.plainText ?? ""
    let shownRest = rest.prefix(DiagnosisSearch.alternativesShown)
    var d = Diagnosis(kind: kind, where: location, parts, quotesDerivativeTerm: shownRest.contains(where: \.briefQuotes))
    d.alternatives = group.map(\.diagnosis)
    d.alone = [Diagnosis(kind: kind, where: location, alone)]
    return d
  }

  /// `a, b or c`: the lists joined with `separator`, the last with `last`.
  static func joined(_ lists: [[Diagnosis.Part]], _ separator: String, _ last: String) -> [Diagnosis.Part] {
    var out: [Diagnosis.Part] = []
    for (i, list) in lists.enumerated() {
      if i > 0 { out.append(.words(i == lists.count - 1 ? last : separator)) }
      out += list
    }
    return out
  }
}
