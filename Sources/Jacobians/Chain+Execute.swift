import MatrixCore

// Executing a plan: its steps run in the recorded order (depth first: left part, right part,
// product), each by the product rule that planned it, now run on numbers, so each step runs the
// kernel the plan recorded for it (`ChainPlan.Step.kernel`) at the cost the plan predicted.
// The result keeps its structure where the rules keep it (diag·diag is diagonal, a mixed
// Kronecker product is a Kronecker product, a product no rule simplifies stays lazy).

/// How to time a plan: `warmup` runs discarded, then up to `repeats` timed runs, stopping early
/// (after at least three runs) once `maxSeconds` have been spent; the median is reported. A plan
/// whose intermediates would exceed `limitBytes` (its `peakBytes`) is refused, not run.
public struct ChainMeasurement: Sendable, Hashable {
  public var warmup: Int
  public var repeats: Int
  public var maxSeconds: Double
  public var limitBytes: Int

  public init(
    warmup: Int = 1, repeats: Int = 5, maxSeconds: Double = 10,
    limitBytes: Int = StructuredMatrix.defaultMaterializationLimit
  ) {
    self.warmup = warmup
    self.repeats = repeats
    self.maxSeconds = maxSeconds
    self.limitBytes = limitBytes
  }
}

/// Measured wall times of a plan.
public struct ChainTiming: Sendable, Hashable {
  /// Median of `runs`, in seconds.
  public let median: Double
  /// Every timed run, in seconds, in the order they ran (warm-up excluded).
  public let runs: [Double]
}

extension JacobianChain {
  /// `J₁·J₂·…·J_k` multiplied in the plan's order. Equal to the product in any order (up to
  /// rounding), structured where the product rules keep structure.
  /// - Throws: `ChainError.planMismatch` when the plan was made for factors of other sizes.
  /// - Complexity: `plan.multiplyAdds` multiply-adds (that is what the plan predicts).
  public func evaluate(_ plan: ChainPlan) throws -> StructuredMatrix {
    try check(plan)
    return execute(plan).result
  }

  /// Runs the plan's steps in order with the product rules on numbers; returns the product and
  /// the kernel each step ran. A step's kernel differs from the recorded one only when the plan
  /// was made from signatures whose data-dependent scales (NaN) the numbers turn into 0 or 1.
  func execute(_ plan: ChainPlan) -> (result: StructuredMatrix, kernels: [ProductKernel]) {
    var values: [ClosedRange<Int>: StructuredMatrix.Storage] = [:]
    func operand(_ r: ClosedRange<Int>) -> StructuredMatrix.Storage {
      r.count == 1 ? factors[r.lowerBound - 1].storage : values.removeValue(forKey: r)!
    }
    var kernels: [ProductKernel] = []
    kernels.reserveCapacity(plan.steps.count)
    for step in plan.steps {
      let l = operand(step.left)
      let r = operand(step.right)
      let p = StructuredMatrix.Storage.multiply(l, r)
      kernels.append(p.kernel)
      values[step.left.lowerBound...step.right.upperBound] = p.result
    }
    let all = 1...count
    return (plan.steps.isEmpty ? factors[0] : StructuredMatrix(values[all]!), kernels)
  }

  /// Throws unless `plan` was made for factors of this chain's sizes.
  func check(_ plan: ChainPlan) throws {
    guard plan.factors.count == count else {
      throw ChainError.planMismatch(
        "the plan is for a chain of \(plan.factors.count) factors but this chain has \(count)")
    }
    for (i, (p, f)) in zip(plan.factors, signatures).enumerated() where p.shape != f.shape {
      throw ChainError.planMismatch(
        "the plan has factor \(i + 1) as \(p.shape) but this chain has \(f.shape)")
    }
  }

  /// `J₁·J₂·…·J_k` in the given order (planned, then executed).
  public func evaluate(_ order: ChainOrder) throws -> StructuredMatrix {
    try evaluate(plan(order))
  }

  /// The chain's product as a `Jacobian` from the chain's input shape to its output shape.
  public func jacobian(_ order: ChainOrder = .optimal) throws -> Jacobian {
    Jacobian(output: outputShape, input: inputShape, matrix: try evaluate(order))
  }

  /// Times `evaluate(plan)`: median wall time of the timed runs, warm-up excluded.
  /// - Throws: `ChainError.planMismatch`, or `.invalidMeasurement` for `repeats < 1`,
  ///   `warmup < 0` or a plan whose `peakBytes` exceed `options.limitBytes`.
  public func measure(_ plan: ChainPlan, _ options: ChainMeasurement = ChainMeasurement()) throws
    -> ChainTiming
  {
    guard options.repeats >= 1, options.warmup >= 0 else {
      throw ChainError.invalidMeasurement(
        "a measurement needs at least 1 timed run and no negative warm-up, got \(options.repeats) and \(options.warmup)"
      )
    }
    try check(plan)
    guard plan.peakBytes <= Double(options.limitBytes) else {
      throw ChainError.invalidMeasurement(
        "the \(plan.order.name) order \(plan.parenthesization) needs \(formatBytes(plan.peakBytes)) of "
          + "intermediates, above the limit of \(formatBytes(Double(options.limitBytes))); "
          + "measure smaller sizes or raise the limit")
    }
    for _ in 0..<options.warmup { withExtendedLifetime(execute(plan)) {} }
    let clock = ContinuousClock()
    var runs: [Double] = []
    let start = clock.now
    for _ in 0..<options.repeats {
      let t0 = clock.now
      withExtendedLifetime(execute(plan)) {}
      runs.append(seconds(clock.now - t0))
      if runs.count >= 3, seconds(clock.now - start) > options.maxSeconds { break }
    }
    let sorted = runs.sorted()
    let n = sorted.count
    let median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    return ChainTiming(median: median, runs: runs)
  }

  /// The report of `report(_:)` with each order's median seconds attached.
  /// - Complexity: runs every plan `warmup + repeats` times (at most, see `ChainMeasurement`).
  public func measuredReport(
    _ orders: [ChainOrder] = ChainReport.standardOrders, _ options: ChainMeasurement = ChainMeasurement()
  ) throws -> ChainReport {
    var r = try report(orders)
    for i in r.entries.indices {
      r.entries[i].seconds = try measure(r.entries[i].plan, options).median
    }
    return r
  }
}

private func seconds(_ d: Duration) -> Double {
  let c = d.components
  return Double(c.seconds) + Double(c.attoseconds) * 1e-18
}
