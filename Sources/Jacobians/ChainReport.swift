import Foundation
import MatrixCore

// The chain report: orders of a chain compared side by side. `ChainReport` holds the plans;
// `ChainReportRecord` is the one printed form, `Codable`: the JSON of `jac chain --format json`
// (through Foundation's `JSONEncoder`) and the text table are both printed from it.

/// Orders of a chain compared side by side: for each its plan and, when measured, the median
/// seconds. `record` is what is printed: `description` is its text table, `Encodable` its JSON.
public struct ChainReport: Sendable, CustomStringConvertible, Encodable {
  /// One reported order.
  public struct Entry: Sendable {
    /// `left-to-right`, `right-to-left`, `optimal`, `custom` (numbered when there are several).
    public let name: String
    public let plan: ChainPlan
    /// Median seconds of the measured runs (warm-up excluded), when measured.
    public var seconds: Double?
  }

  /// Left-to-right, right-to-left, optimal.
  public static let standardOrders: [ChainOrder] = [.leftToRight, .rightToLeft, .optimal]

  public let factors: [FactorSignature]
  public var entries: [Entry]

  /// Plans `factors` in every order of `orders`.
  /// - Throws: `ChainError` as `ChainPlan.init(factors:order:)`.
  /// - Complexity: O(k³) for the optimal order, O(k) for the others.
  public init(factors: [FactorSignature], orders: [ChainOrder] = ChainReport.standardOrders) throws {
    self.factors = factors
    let customCount = orders.filter { if case .custom = $0 { return true } else { return false } }.count
    var n = 0
    entries = try orders.map { order in
      // Between orders: each plan is bounded (exact up to `exactDenseLimit`/`exactStructuredLimit`
      // factors, greedy beyond), the custom orders are as many as the caller gives.
      try Cancellation.checkpoint()
      var name = order.name
      if case .optimal = order, !ChainPlanner.isExact(factors) {
        name = "greedy"  // the exact optimum is not computed for chains this long
      }
      if case .custom = order, customCount > 1 {
        n += 1
        name += " \(n)"
      }
      return Entry(name: name, plan: try ChainPlan(factors: factors, order: order), seconds: nil)
    }
    if entries.isEmpty {
      entries = [Entry(name: "optimal", plan: try ChainPlan(factors: factors, order: .optimal), seconds: nil)]
    }
  }

  /// The entry for `.optimal` if reported, else the cheapest.
  public var optimal: Entry {
    entries.first { $0.plan.order == .optimal } ?? best
  }

  /// The cheapest reported order: least cost, then least peak bytes, then first.
  public var best: Entry {
    entries.dropFirst().reduce(entries[0]) { Self.cheaper($1.plan, $0.plan) ? $1 : $0 }
  }

  /// Cost first (multiply-adds, then entries moved), then peak bytes.
  static func cheaper(_ a: ChainPlan, _ b: ChainPlan) -> Bool {
    a.cost < b.cost || (a.cost == b.cost && a.peakBytes < b.peakBytes)
  }

  /// The dearest reported order (first among ties).
  public var worst: Entry {
    entries.dropFirst().reduce(entries[0]) { $0.plan.cost < $1.plan.cost ? $1 : $0 }
  }

  /// Predicted speed-up of the best reported order over the worst: the ratio of their
  /// multiply-adds (1 when both are free, +∞ when only the best is).
  public var speedUp: Double {
    let (b, w) = (best.plan.multiplyAdds, worst.plan.multiplyAdds)
    if w == 0 { return 1 }
    return b == 0 ? .infinity : w / b
  }

  /// Measured speed-up: the slowest measured median over the fastest; nil unless measured.
  public var measuredSpeedUp: Double? { record.measuredSpeedUp }

  /// The printed form of this report.
  public var record: ChainReportRecord {
    let r = optimal.plan.result
    return ChainReportRecord(
      factors: factors.map(ChainReportRecord.Factor.init),
      orders: entries.map { e in
        ChainReportRecord.Order(
          name: e.name, parenthesization: e.plan.parenthesization.description,
          multiplyAdds: e.plan.multiplyAdds, flops: e.plan.flops, entriesMoved: e.plan.cost.entriesMoved,
          peakBytes: e.plan.peakBytes, adMode: e.plan.adMode, seconds: e.seconds)
      },
      optimal: optimal.plan.parenthesization.description,
      result: ChainReportRecord.Factor(r),
      speedUp: speedUp.isFinite ? speedUp : nil)
  }

  /// The text table (`record.text`).
  public var description: String { record.text }

  /// The JSON of `jac chain --format json` (`record`'s).
  public func encode(to encoder: Encoder) throws { try record.encode(to: encoder) }
}

/// The chain report as data: what `jac chain` prints, as JSON (`json()`, through `JSONEncoder`)
/// or as the text table (`text`), both from this one record.
///
/// JSON fields (those of `/shared/spec/cli.md` and a few more): `factors` [{rows, cols,
/// structure}], `orders` [{name, parenthesization, multiplyAdds, flops, entriesMoved, peakBytes,
/// adMode, seconds?}], `optimal` (the optimal parenthesisation), `result` {rows, cols, structure}
/// (the structure of the product), `speedUp` (multiply-adds of the dearest reported order over the
/// cheapest; absent when only the cheapest is free), `flopConvention`. Counts are multiply-adds
/// (a lone multiplication or addition counts as one) and bytes of intermediates (8 per stored
/// entry); `seconds` are medians of measured runs. Every number carries at most 15 significant
/// digits (rounded when the record is made; the 16th and 17th are noise that differs between
/// CPUs), so that the JSON is the same on every machine.
public struct ChainReportRecord: Codable, Sendable, Equatable {
  /// A factor or the result: its size and structure (`FactorSignature.structureText`).
  public struct Factor: Codable, Sendable, Equatable {
    public var rows: Int
    public var cols: Int
    public var structure: String

    public init(rows: Int, cols: Int, structure: String) {
      (self.rows, self.cols, self.structure) = (rows, cols, structure)
    }

    public init(_ s: FactorSignature) {
      self.init(rows: s.rows, cols: s.cols, structure: s.structureText)
    }
  }

  /// One reported order.
  public struct Order: Codable, Sendable, Equatable {
    public var name: String
    public var parenthesization: String
    public var multiplyAdds: Double
    /// 2 per multiply-add.
    public var flops: Double
    /// Entries copied by permutations and transposed copies, no arithmetic.
    public var entriesMoved: Double
    public var peakBytes: Double
    public var adMode: String
    public var seconds: Double?

    public init(
      name: String, parenthesization: String, multiplyAdds: Double, flops: Double, entriesMoved: Double,
      peakBytes: Double, adMode: String, seconds: Double?
    ) {
      self.name = name
      self.parenthesization = parenthesization
      self.multiplyAdds = ChainReportRecord.rounded(multiplyAdds)
      self.flops = ChainReportRecord.rounded(flops)
      self.entriesMoved = ChainReportRecord.rounded(entriesMoved)
      self.peakBytes = ChainReportRecord.rounded(peakBytes)
      self.adMode = adMode
      self.seconds = seconds.map(ChainReportRecord.rounded)
    }
  }

  public var factors: [Factor]
  public var orders: [Order]
  public var optimal: String
  public var result: Factor
  public var speedUp: Double?
  public var flopConvention: String

  public init(
    factors: [Factor], orders: [Order], optimal: String, result: Factor, speedUp: Double?,
    flopConvention: String = "FLOPs = 2 × multiply-adds"
  ) {
    self.factors = factors
    self.orders = orders
    self.optimal = optimal
    self.result = result
    self.speedUp = speedUp.map(ChainReportRecord.rounded)
    self.flopConvention = flopConvention
  }

  /// `x` with at most 15 significant digits (a decimal of 15 digits survives the trip through a
  /// Double, so `JSONEncoder`'s shortest form of the result has at most 15). Non-finite values
  /// are kept (`JSONEncoder` refuses them; the counts are finite for every size a chain accepts).
  static func rounded(_ x: Double) -> Double {
    guard x.isFinite else { return x }
    return Double(String(format: "%.15g", x)) ?? x
  }

  /// The JSON text, one line, keys sorted (so that it is the same on every platform).
  /// - Throws: `EncodingError` for a non-finite number.
  public func json() throws -> String {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try e.encode(self), as: UTF8.self)
  }

  /// Measured speed-up: the slowest measured median over the fastest; nil unless every order
  /// was measured.
  public var measuredSpeedUp: Double? {
    let s = orders.compactMap(\.seconds)
    guard s.count == orders.count, let lo = s.min(), let hi = s.max(), lo > 0 else { return nil }
    return hi / lo
  }
}
