// Counting executed work in test builds.
//
// Debug builds (what `swift test` and `make test` build) define `JACOBIANKIT_COUNT_WORK`
// (Package.swift); there every kernel that performs multiply-adds (GEMM, scaling, daxpy sums, and
// the structured kernels of `Jacobians`) reports how many it performed, from the sizes of the
// call it actually made, to the counter installed by `WorkCount.counting(_:)` in the current task.
// Release builds compile the reports away: `WorkCount.record` is an empty inline function there.

/// Multiply-adds performed by the kernels, counted in test builds only.
///
///     let (c, counted) = WorkCount.counting { a * b }   // counted == a.rows·a.cols·b.cols
///
/// The convention is `ProductCost`'s: one multiply-add per GEMM term, one per lone
/// multiplication (scaling) or lone addition (the terms of a sum).
public enum WorkCount {
  /// Whether this build counts (debug builds); `counting` returns 0 otherwise.
  #if JACOBIANKIT_COUNT_WORK
    public static let isAvailable = true
  #else
    public static let isAvailable = false
  #endif

  /// A counter for one task; used from that task only.
  public final class Counter: @unchecked Sendable {
    public private(set) var multiplyAdds: Double = 0
    init() {}
    func add(_ n: Double) { multiplyAdds += n }
  }

  #if JACOBIANKIT_COUNT_WORK
    @TaskLocal static var current: Counter?
  #endif

  /// Runs `body` with a fresh counter installed for the current task and returns its result
  /// with the multiply-adds the kernels reported meanwhile (0 in builds that do not count).
  public static func counting<T>(_ body: () throws -> T) rethrows -> (T, multiplyAdds: Double) {
    #if JACOBIANKIT_COUNT_WORK
      let counter = Counter()
      let value = try $current.withValue(counter) { try body() }
      return (value, counter.multiplyAdds)
    #else
      return (try body(), 0)
    #endif
  }

  /// Called by a kernel with the multiply-adds it performed. Free in release builds.
  @inline(__always)
  public static func record(_ multiplyAdds: Int) {
    #if JACOBIANKIT_COUNT_WORK
      current?.add(Double(multiplyAdds))
    #endif
  }
}
