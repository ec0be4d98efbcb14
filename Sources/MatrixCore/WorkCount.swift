// Counting executed work in test builds.
//
// Debug builds (what `swift test` and `make test` build) define `JACOBIANKIT_COUNT_WORK`
// (Package.swift); there every kernel that performs multiply-adds (GEMM, scaling, daxpy sums, and
// the structured kernels of `Jacobians`) reports how many it performed, and every kernel that
// moves entries without arithmetic (transposed copies, permutations, copies out of and into
// views) reports how many it moved, from the sizes of the call it actually made, to the counter
// installed by `WorkCount.counting(_:)` / `WorkCount.measuring(_:)` in the current task.
// Release builds compile the reports away: `record` and `recordMoves` are empty inline
// functions there.

/// Multiply-adds performed and entries moved by the kernels, counted in test builds only.
///
///     let (c, counted) = WorkCount.counting { a * b }   // counted == a.rows·a.cols·b.cols
///     let (t, work) = WorkCount.measuring { a.transposed }  // work.entriesMoved == a.count
///
/// The convention is `ProductCost`'s: one multiply-add per GEMM term, one per lone
/// multiplication (scaling) or lone addition (the terms of a sum); one entry moved per entry a
/// transposed copy, a permutation (`Commutation.apply`) or a view copy (`MatrixView.copy`)
/// writes. The writes of an arithmetic kernel's own result (including the copy it makes of an
/// operand before working in place) are not moves: they belong to its multiply-adds.
public enum WorkCount {
  /// Whether this build counts (debug builds); `counting` returns 0 otherwise.
  #if JACOBIANKIT_COUNT_WORK
    public static let isAvailable = true
  #else
    public static let isAvailable = false
  #endif

  /// The work counted while a body ran.
  public struct Work: Sendable, Hashable {
    public var multiplyAdds: Double
    /// Entries moved; 8 bytes each (`bytesMoved`).
    public var entriesMoved: Double
    public var bytesMoved: Double { 8 * entriesMoved }

    public init(multiplyAdds: Double, entriesMoved: Double) {
      self.multiplyAdds = multiplyAdds
      self.entriesMoved = entriesMoved
    }
  }

  /// A counter for one task; used from that task only.
  public final class Counter: @unchecked Sendable {
    public private(set) var multiplyAdds: Double = 0
    public private(set) var entriesMoved: Double = 0
    init() {}
    func add(_ n: Double) { multiplyAdds += n }
    func addMoves(_ n: Double) { entriesMoved += n }
  }

  #if JACOBIANKIT_COUNT_WORK
    @TaskLocal static var current: Counter?
  #endif

  /// Runs `body` with a fresh counter installed for the current task and returns its result
  /// with the multiply-adds the kernels reported meanwhile (0 in builds that do not count).
  public static func counting<T>(_ body: () throws -> T) rethrows -> (T, multiplyAdds: Double) {
    let (value, work) = try measuring(body)
    return (value, work.multiplyAdds)
  }

  /// Runs `body` with a fresh counter installed for the current task and returns its result
  /// with the multiply-adds and entries moved the kernels reported meanwhile (0 in builds that
  /// do not count).
  public static func measuring<T>(_ body: () throws -> T) rethrows -> (T, Work) {
    #if JACOBIANKIT_COUNT_WORK
      let counter = Counter()
      let value = try $current.withValue(counter) { try body() }
      return (value, Work(multiplyAdds: counter.multiplyAdds, entriesMoved: counter.entriesMoved))
    #else
      return (try body(), Work(multiplyAdds: 0, entriesMoved: 0))
    #endif
  }

  /// Called by a kernel with the multiply-adds it performed. Free in release builds.
  @inline(__always)
  public static func record(_ multiplyAdds: Int) {
    #if JACOBIANKIT_COUNT_WORK
      current?.add(Double(multiplyAdds))
    #endif
  }

  /// Called by a kernel with the entries it moved without arithmetic (a transposed copy, a
  /// permutation, a copy out of or into a view). Free in release builds.
  @inline(__always)
  public static func recordMoves(_ entries: Int) {
    #if JACOBIANKIT_COUNT_WORK
      current?.addMoves(Double(entries))
    #endif
  }
}
