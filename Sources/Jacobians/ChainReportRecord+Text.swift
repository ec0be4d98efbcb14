import Foundation

// The text table of a chain report, printed from its record (as the JSON is).

extension ChainReportRecord.Order {
  /// Cost as the planner orders it: multiply-adds, then entries moved.
  fileprivate func costs(less o: Self) -> Bool {
    multiplyAdds != o.multiplyAdds ? multiplyAdds < o.multiplyAdds : entriesMoved < o.entriesMoved
  }

  fileprivate func sameCost(_ o: Self) -> Bool {
    multiplyAdds == o.multiplyAdds && entriesMoved == o.entriesMoved
  }
}

extension ChainReportRecord {
  /// The cheapest order: least cost, then least peak bytes, then first.
  var best: Order {
    orders.dropFirst().reduce(orders[0]) { a, o in
      o.costs(less: a) || (o.sameCost(a) && o.peakBytes < a.peakBytes) ? o : a
    }
  }

  /// The dearest order (first among ties).
  var worst: Order {
    orders.dropFirst().reduce(orders[0]) { a, o in a.costs(less: o) ? o : a }
  }

  /// The text table: the factors, one row per order (parenthesisation, multiply-adds, FLOPs,
  /// peak bytes, seconds when measured, AD mode), the best order and by how much it beats the
  /// worst, and the result's structure when it is not dense.
  public var text: String {
    let k = factors.count
    let product = k == 1 ? "J1" : k == 2 ? "J1·J2" : "J1·…·J\(k)"
    var out =
      "\(product) in numerator layout (J1 is the outermost function's Jacobian), \(k) factor"
      + (k == 1 ? "" : "s") + ":\n"
    for (i, f) in factors.enumerated() {
      out += "  J\(i + 1)  \(f.rows)×\(f.cols) \(f.structure)\n"
    }
    let measured = orders.contains { $0.seconds != nil }
    var header = ["order", "parenthesization", "multiply-adds", "FLOPs", "peak bytes"]
    if measured { header.append("seconds") }
    header.append("AD mode")
    var rows = [header]
    for o in orders {
      var row = [
        o.name, o.parenthesization, formatCount(o.multiplyAdds), formatCount(o.flops), formatCount(o.peakBytes),
      ]
      if measured { row.append(o.seconds.map { String(format: "%.3g", $0) } ?? "-") }
      row.append(o.adMode)
      rows.append(row)
    }
    let numeric: Set<Int> = measured ? [2, 3, 4, 5] : [2, 3, 4]
    var widths = [Int](repeating: 0, count: header.count)
    for r in rows { for (c, s) in r.enumerated() { widths[c] = max(widths[c], s.count) } }
    for r in rows {
      let cells = r.enumerated().map { c, s -> String in
        if c == r.count - 1 { return s }
        let pad = String(repeating: " ", count: widths[c] - s.count)
        return numeric.contains(c) ? pad + s : s + pad
      }
      out += cells.joined(separator: "  ") + "\n"
    }
    out +=
      "FLOPs = 2 × multiply-adds (opt_einsum's convention; NumPy's multi_dot counts multiplications, "
      + "i.e. multiply-adds). Peak bytes: largest total of intermediates alive at once, 8 per stored entry.\n"
    out += tieLine
    if let m = measuredSpeedUp {
      out += "Measured: slowest/fastest = " + String(format: "%.3g", m) + "×.\n"
    }
    if result.structure != "dense" {
      out += "The result stays structured: \(result.rows)×\(result.cols) \(result.structure).\n"
    }
    return out
  }

  /// The summary line: the best order and by how much it beats the worst. When the multiply-adds
  /// tie it names the tie-break that separates the orders (entries moved, then peak bytes), and
  /// it never claims a speed-up of 1× (a ratio that rounds to 1 is given as a difference).
  var tieLine: String {
    let (b, w) = (best, worst)
    func names(_ same: (Order) -> Bool) -> String {
      orders.filter(same).map(\.name).joined(separator: " = ")
    }
    if b.multiplyAdds != w.multiplyAdds {
      let tied = names { $0.sameCost(b) && $0.peakBytes == b.peakBytes }
      let ratio = speedUp.map { String(format: "%.3g", $0) }
      let claim =
        ratio == "1"
        ? "\(formatCount(w.multiplyAdds - b.multiplyAdds)) fewer multiply-adds ("
          + "\(formatCount(b.multiplyAdds)) against \(formatCount(w.multiplyAdds))) than "
        : (ratio.map { $0 + "×" } ?? "infinitely") + " fewer multiply-adds than "
      return "Best: \(tied) \(b.parenthesization), " + claim + "\(w.name).\n"
    }
    let m = "Every reported order performs \(formatCount(b.multiplyAdds)) multiply-adds"
    let moved = orders.map(\.entriesMoved)
    if let lo = moved.min(), let hi = moved.max(), lo != hi {
      let dear = orders.first { $0.entriesMoved == hi }!
      return m + "; fewest entries copied: " + names { $0.entriesMoved == lo } + " ("
        + "\(formatCount(lo)) against \(formatCount(hi)) for \(dear.name)).\n"
    }
    let peaks = orders.map(\.peakBytes)
    if let lo = peaks.min(), let hi = peaks.max(), lo != hi {
      let dear = orders.first { $0.peakBytes == hi }!
      return m + "; lowest peak bytes: " + names { $0.peakBytes == lo } + " ("
        + "\(formatCount(lo)) against \(formatCount(hi)) for \(dear.name)).\n"
    }
    return m + "; every reported order costs the same.\n"
  }
}
