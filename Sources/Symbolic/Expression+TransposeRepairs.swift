import MatrixCore

/// One transpose that makes a non-conforming expression conform: `changed` (a sub-expression, the
/// `occurrence`-th of `occurrences` equal ones in reading order) replaced by `replacement` (its
/// transpose, or what it transposes), giving `result`.
public struct TransposeRepair: Sendable {
  public let result: Expression
  public let changed: Expression
  public let replacement: Expression
  public let occurrence: Int
  public let occurrences: Int

  /// `A' in place of the first A`, `x in place of x'`, in the expression language.
  public var sentence: String {
    let ordinals = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
    let which =
      occurrences == 1 ? "" : (occurrence <= ordinals.count ? "the \(ordinals[occurrence - 1]) " : "occurrence \(occurrence) of ")
    return "\(replacement.plainText) in place of \(which)\(changed.plainText)"
  }
}

extension Expression {
  /// The expressions made from this one by transposing one sub-expression (or undoing one
  /// transpose) that have a shape in `dims` when this one has none: the repairs of a claim whose
  /// products or sums do not conform, such as `2*A*(A*x-b)` for `2*A'*(A*x-b)`. Sub-expressions
  /// whose shape transposing leaves unchanged (1×1, square) cannot mend a shape and are skipped.
  /// At most `limit` nodes are tried, in reading order.
  public func transposeRepairs(dims: [String: Shape], limit: Int = 400) -> [TransposeRepair] {
    guard (try? shape(in: dims, maximumEntries: .max)) == nil else { return [] }
    var nodes: [Expression] = []
    func collect(_ e: Expression) {
      guard nodes.count < limit else { return }
      nodes.append(e)
      e.children.forEach(collect)
    }
    collect(self)
    var repairs: [TransposeRepair] = []
    for (index, node) in nodes.enumerated() {
      let replacement: Expression
      if case .transpose(let inner) = node {
        replacement = inner
      } else {
        guard let s = try? node.shape(in: dims, maximumEntries: .max), s.rows != s.cols else { continue }
        replacement = .transpose(node)
      }
      var counter = 0
      let result = replacingNode(at: index, with: replacement, counter: &counter)
      guard (try? result.shape(in: dims, maximumEntries: .max)) != nil else { continue }
      let equal = nodes.enumerated().filter { $0.element == node }.map(\.offset)
      repairs.append(
        TransposeRepair(
          result: result, changed: node, replacement: replacement,
          occurrence: (equal.firstIndex(of: index) ?? 0) + 1, occurrences: equal.count))
    }
    return repairs
  }

  /// This expression with its `index`-th node in reading order (pre-order) replaced.
  private func replacingNode(at index: Int, with replacement: Expression, counter: inout Int) -> Expression {
    if counter == index {
      counter += 1
      return replacement
    }
    counter += 1
    let kids = children
    guard !kids.isEmpty else { return self }
    var changed = false
    var rebuilt: [Expression] = []
    for k in kids {
      let before = counter
      let r = k.replacingNode(at: index, with: replacement, counter: &counter)
      if !changed && index >= before && index < counter { changed = true }
      rebuilt.append(r)
    }
    return changed ? replacingChildren(rebuilt) : self
  }
}
