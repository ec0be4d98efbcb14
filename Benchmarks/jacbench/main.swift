// jacbench: performance cases, one JSON object per line on stdout.
// Each line: {"case":…, "n":…, "seconds":…} (median over repeated runs after a warm-up), and
// where a case has an in-process reference, "reference" and "referenceSeconds" measured in the
// same run, so that ratios survive a noisy machine. Run `jacbench CASE…` for chosen cases,
// `jacbench --list` for their names. Build with `swift build -c release`.
import Foundation

let cases = BenchmarkCase.all
let requested = Array(CommandLine.arguments.dropFirst())
if requested == ["--list"] {
  for c in cases { print(c.name) }
  exit(0)
}
let unknown = requested.filter { name in !cases.contains { $0.name == name } }
if !unknown.isEmpty {
  FileHandle.standardError.write(
    Data("jacbench: unknown case \(unknown[0]); known cases: \(cases.map(\.name).joined(separator: ", "))\n".utf8))
  exit(2)
}
for c in cases where requested.isEmpty || requested.contains(c.name) {
  c.run()
}
