// libFuzzer harness for parse + shape + derive (`make fuzz`, scripts/fuzz.sh): any text must
// parse or throw ParseError, and whatever parses must get a shape and a derivative or throw one
// of the toolkit's errors, never trap or overflow the stack. scripts/fuzz.sh runs it with a
// 1 GiB main-thread stack (`ulimit -s`), as jac runs its work on a 1 GiB `LargeStack` thread
// (a thread per input would cost more than the input).
import MatrixCore
import Symbolic

private let dims: [String: Shape] = [
  "X": Shape(3, 2), "A": Shape(2, 3), "B": Shape(3, 3), "x": Shape(3, 1), "y": Shape(2, 1), "s": Shape(1, 1),
  "W": Shape(2, 3), "b": Shape(2, 1), "u": Shape(2, 1), "R": Shape(3, 2),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  check(text)
  return 0
}

private func check(_ text: String) {
  do {
    let e: MatrixExpression
    do {
      e = try MatrixExpression(text)
    } catch let error as ParseError {
      _ = error.rendered()
      return
    }
    _ = e.plainText
    _ = e.unicodeText
    _ = e.latex
    guard (try? e.shape(in: dims)) != nil else { return }
    for v in e.variables where dims[v] != nil {
      if let d = try? SymbolicDerivative(of: e, wrt: v, dims: dims) {
        _ = d.jacobian.plainText
        _ = d.gradient?.plainText
      }
    }
  }
}
