// Deterministic property tests: swift-property-based's generators driven by a seeded
// xoshiro256** (its own `propertyCheck` draws a fresh system-random seed on every run), with the
// seed, the case number and the input attached to every issue a failing case records.
import Foundation
import PropertyBased
import Testing

/// The seed of every property test unless `JAC_TEST_SEED` is set (to explore other cases; a
/// failure prints the seed to replay it).
public let defaultPropertySeed: UInt64 = 20_261_130

/// Calls `body` on `count` inputs drawn from `input` by a generator seeded with `seed` (or the
/// environment's `JAC_TEST_SEED`) and the case number; every issue recorded in a failing case
/// carries "seed S, case i, input …" so that it can be replayed.
public func seededPropertyCheck<In, Out>(
  count: Int, seed: UInt64 = defaultPropertySeed, input: Generator<Out, some Sequence<In>>,
  isolation: isolated (any Actor)? = #isolation, sourceLocation: SourceLocation = #_sourceLocation,
  perform body: (Out) async throws -> Void
) async {
  let base = environmentSeed() ?? seed
  for i in 0..<count {
    var rng = Xoshiro(seed: seedState(base, UInt64(i)))
    let value = input.run(using: &rng)
    let note = "seed \(base), case \(i), input \(String(describing: value)) (replay with JAC_TEST_SEED=\(base))"
    nonisolated(unsafe) let run = body
    nonisolated(unsafe) let argument = value
    let annotate = IssueHandlingTrait.compactMapIssues { issue in
      var annotated = issue
      annotated.comments.append(Comment(rawValue: note))
      return annotated
    }
    do {
      if let test = Test.current {
        try await annotate.provideScope(for: test, testCase: Test.Case.current) { try await run(argument) }
      } else {
        try await run(argument)
      }
    } catch {
      Issue.record(error, "\(note)", sourceLocation: sourceLocation)
    }
  }
}

public func seededPropertyCheck<InA, InB, OutA, OutB>(
  count: Int, seed: UInt64 = defaultPropertySeed, input g0: Generator<OutA, some Sequence<InA>>,
  _ g1: Generator<OutB, some Sequence<InB>>, isolation: isolated (any Actor)? = #isolation,
  sourceLocation: SourceLocation = #_sourceLocation, perform body: (OutA, OutB) async throws -> Void
) async {
  await seededPropertyCheck(count: count, seed: seed, input: zip(g0, g1), sourceLocation: sourceLocation) {
    try await body($0.0, $0.1)
  }
}

public func seededPropertyCheck<InA, InB, InC, OutA, OutB, OutC>(
  count: Int, seed: UInt64 = defaultPropertySeed, input g0: Generator<OutA, some Sequence<InA>>,
  _ g1: Generator<OutB, some Sequence<InB>>, _ g2: Generator<OutC, some Sequence<InC>>,
  isolation: isolated (any Actor)? = #isolation, sourceLocation: SourceLocation = #_sourceLocation,
  perform body: (OutA, OutB, OutC) async throws -> Void
) async {
  await seededPropertyCheck(count: count, seed: seed, input: zip(g0, g1, g2), sourceLocation: sourceLocation) {
    try await body($0.0, $0.1, $0.2)
  }
}

public func seededPropertyCheck<InA, InB, InC, InD, OutA, OutB, OutC, OutD>(
  count: Int, seed: UInt64 = defaultPropertySeed, input g0: Generator<OutA, some Sequence<InA>>,
  _ g1: Generator<OutB, some Sequence<InB>>, _ g2: Generator<OutC, some Sequence<InC>>,
  _ g3: Generator<OutD, some Sequence<InD>>, isolation: isolated (any Actor)? = #isolation,
  sourceLocation: SourceLocation = #_sourceLocation, perform body: (OutA, OutB, OutC, OutD) async throws -> Void
) async {
  await seededPropertyCheck(count: count, seed: seed, input: zip(g0, g1, g2, g3), sourceLocation: sourceLocation) {
    try await body($0.0, $0.1, $0.2, $0.3)
  }
}

/// SplitMix64 of (seed, case), four words for xoshiro.
func seedState(_ seed: UInt64, _ index: UInt64) -> (UInt64, UInt64, UInt64, UInt64) {
  var z = seed ^ (index &* 0xD1B5_4A32_D192_ED03)
  func next() -> UInt64 {
    z &+= 0x9E37_79B9_7F4A_7C15
    var x = z
    x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
    x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
    return x ^ (x >> 31)
  }
  return (next(), next(), next(), next())
}

func environmentSeed() -> UInt64? {
  guard let text = getenv("JAC_TEST_SEED") else { return nil }
  return UInt64(String(cString: text))
}
