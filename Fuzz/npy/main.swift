// libFuzzer harness for the .npy reader (`make fuzz`, scripts/fuzz.sh): any bytes must decode or
// throw MatrixError, never trap, hang or allocate beyond the input's size.
import MatrixCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  guard let array = try? NPYArray(data: bytes, name: "fuzz.npy") else { return 0 }
  // What jac does next with an array: a matrix, its transpose, and the bytes written back.
  if let m = try? array.matrix() {
    _ = m.transposed
    _ = NPYArray(matrix: m).encoded()
  }
  _ = array.encoded()
  return 0
}
