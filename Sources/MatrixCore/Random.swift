import Foundation

/// A small, seedable, platform-independent generator (xoshiro256**, seeded by SplitMix64),
/// so that every "random" matrix in tests, examples and `jac` can be replayed from its seed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var s: (UInt64, UInt64, UInt64, UInt64)
  private var spareNormal: Double?

  public init(seed: UInt64) {
    var z = seed
    func splitmix() -> UInt64 {
      z &+= 0x9E37_79B9_7F4A_7C15
      var x = z
      x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
      x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
      return x ^ (x >> 31)
    }
    s = (splitmix(), splitmix(), splitmix(), splitmix())
  }

  public mutating func next() -> UInt64 {
    let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
    let t = s.1 << 17
    s.2 ^= s.0
    s.3 ^= s.1
    s.1 ^= s.2
    s.0 ^= s.3
    s.2 ^= t
    s.3 = (s.3 << 45) | (s.3 >> 19)
    return result
  }

  /// Uniform in (0, 1), never 0 (53 random bits).
  public mutating func nextUniform() -> Double {
    (Double(next() >> 11) + 0.5) * 0x1.0p-53
  }

  /// Standard normal by the Box–Muller transform.
  public mutating func nextNormal() -> Double {
    if let z = spareNormal {
      spareNormal = nil
      return z
    }
    let u1 = nextUniform()
    let u2 = nextUniform()
    let r = (-2 * log(u1)).squareRoot()
    spareNormal = r * sin(2 * .pi * u2)
    return r * cos(2 * .pi * u2)
  }
}

extension Matrix {
  /// A `rows×cols` matrix of independent standard normal entries drawn from `generator`
  /// in column-major order.
  public static func randomNormal(
    _ rows: Int, _ cols: Int, using generator: inout SeededGenerator
  ) -> Matrix {
    var s = [Double](repeating: 0, count: rows * cols)
    for k in 0..<s.count { s[k] = generator.nextNormal() }
    return Matrix(rows: rows, cols: cols, columnMajor: s)
  }

  /// A `rows×cols` standard normal matrix from a fresh generator seeded with `seed`.
  public static func randomNormal(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix {
    var g = SeededGenerator(seed: seed)
    return randomNormal(rows, cols, using: &g)
  }
}
