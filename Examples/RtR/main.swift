// ∂(RᵀR)/∂R three independent ways, in numerator layout over column-major vec:
// J[p + q·n, i + j·m] = ∂(RᵀR)[p,q] / ∂R[i,j] for R m×n (so J is n²×mn).
//
//   1. the Kronecker/commutation formula  (Iₙ ⊗ Rᵀ) + (Rᵀ ⊗ Iₙ)·K(m,n)
//   2. central finite differences of vec(RᵀR)
//   3. the entrywise rule  ∂K[p,q]/∂R[i,j] = δ(j,p)·R[i,q] + δ(j,q)·R[i,p]
//
// Usage: RtR [MxN] [--seed S]      (default 3x3, seed 1)
import Foundation
import MatrixCore

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("RtR: \(message)\n".utf8))
  exit(2)
}

var m = 3
var n = 3
var seed: UInt64 = 1
var args = Array(CommandLine.arguments.dropFirst())
while let a = args.first {
  args.removeFirst()
  if a == "--seed" {
    guard let s = args.first.flatMap({ UInt64($0) }) else { fail("--seed needs a non-negative integer") }
    seed = s
    args.removeFirst()
  } else {
    let parts = a.lowercased().split(separator: "x").map { Int($0) }
    guard parts.count == 2, let r = parts[0], let c = parts[1], (1...60).contains(r), (1...60).contains(c)
    else { fail("the size '\(a)' is not of the form MxN with 1 ≤ M, N ≤ 60 (for example 4x3)") }
    (m, n) = (r, c)
  }
}

let R = Matrix.randomNormal(m, n, seed: seed)
let Rt = R.transposed

// 1. Kronecker/commutation formula; the dense factors are built only because this example
//    prints and compares every entry.
let kroneckerForm =
  kron(.identity(n), Rt) + kron(Rt, .identity(n)) * Commutation(m, n).dense()

// 2. Central finite differences, step scaled to each entry.
func f(_ X: Matrix) -> Matrix { (X.transposed * X).vec }
var finiteDifferences = Matrix.zeros(n * n, m * n)
for c in 0..<(m * n) {
  let h = 1e-5 * max(1, abs(R.storage[c]))
  var plus = R
  var minus = R
  plus[linear: c] += h
  minus[linear: c] -= h
  let column = (f(plus) - f(minus)).scaled(by: 1 / (2 * h))
  for r in 0..<(n * n) { finiteDifferences[r, c] = column.storage[r] }
}

// 3. The entrywise rule, entry by entry.
func delta(_ a: Int, _ b: Int) -> Double { a == b ? 1 : 0 }
var entrywise = Matrix.zeros(n * n, m * n)
for p in 0..<n {
  for q in 0..<n {
    for i in 0..<m {
      for j in 0..<n {
        entrywise[p + q * n, i + j * m] = delta(j, p) * R[i, q] + delta(j, q) * R[i, p]
      }
    }
  }
}

print("∂(RᵀR)/∂R for R \(m)×\(n) (seed \(seed)), K = RᵀR; numerator layout: J is \(n * n)×\(m * n),")
print("J[p + q·\(n), i + j·\(m)] = ∂(RᵀR)[p,q]/∂R[i,j]  (0-based, vec stacks columns)\n")
print("largest |difference| between the methods:")
let pairs: [(String, Matrix, Matrix)] = [
  ("Kronecker formula  vs finite differences", kroneckerForm, finiteDifferences),
  ("Kronecker formula  vs entrywise rule    ", kroneckerForm, entrywise),
  ("entrywise rule     vs finite differences", entrywise, finiteDifferences),
]
var worst = 0.0
for (name, a, b) in pairs {
  let d = a.maxAbsDifference(b)
  worst = max(worst, d)
  print("  \(name)  \(String(format: "%.2e", d))")
}

print("\nsome entries (p,q,i,j):   Kronecker   finite diff.   entrywise")
var shown = 0
outer: for q in 0..<n {
  for p in 0..<n {
    for j in 0..<n {
      for i in 0..<m where j == p || j == q {
        let r = p + q * n
        let c = i + j * m
        let label = "∂K[\(p),\(q)]/∂R[\(i),\(j)]"
        print(
          label.padding(toLength: 22, withPad: " ", startingAt: 0)
            + String(format: "%12.6f %14.6f %11.6f", kroneckerForm[r, c], finiteDifferences[r, c], entrywise[r, c]))
        shown += 1
        if shown == 8 { break outer }
      }
    }
  }
}
let agree = worst < 1e-6
print("\n" + (agree ? "all three methods agree (largest difference \(String(format: "%.1e", worst)))" : "the methods DISAGREE"))
exit(agree ? 0 : 1)
