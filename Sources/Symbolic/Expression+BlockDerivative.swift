import MatrixCore

/// Derivative pieces of the extensions `max`, `min` and `[A, B; C, D]` (docs/language.md).
extension Expression {
  /// The 0/1 indicators of where `max(a,b)` (or `min`) takes each operand, shaped like the
  /// result: for max, a where a ≥ b (`1 − heaviside(b − a)`) and b where b > a
  /// (`heaviside(b − a)`); for min, a where a ≤ b. At a tie the first operand takes the whole
  /// derivative, as the max gate routes the gradient to one input.
  static func extremumIndicators(_ a: Expression, _ b: Expression, maximum: Bool) -> (Expression, Expression) {
    let second: Expression = .elementwise(.heaviside, maximum ? b - a : a - b)
    return (1 - second, second)
  }

  /// The placement of the block at rows `r0..<r0+rb`, columns `c0..<c0+cb` of an m×n block
  /// matrix: `vec(whole) ∋ (E_c ⊗ E_r)·vec(block)` with `E_r = [zeros(r0,rb); I(rb); zeros(…)]`
  /// (m×rb) and `E_c` (n×cb) the same for columns. A selection is a structured (Kronecker) factor.
  static func blockPlacement(rows m: Int, cols n: Int, r0: Int, rb: Int, c0: Int, cb: Int) -> Expression {
    let er = selection(total: m, start: r0, count: rb)
    let ec = selection(total: n, start: c0, count: cb)
    if n == 1 { return er }
    if m == 1 { return ec }
    return .kronecker(ec, er)
  }

  /// The total×count matrix whose rows start..<start+count are I(count) and the others zero.
  static func selection(total: Int, start: Int, count: Int) -> Expression {
    if total == count { return .identity(count) }
    var parts: [[Expression]] = []
    if start > 0 { parts.append([.zeros(start, count)]) }
    parts.append([.identity(count)])
    let after = total - start - count
    if after > 0 { parts.append([.zeros(after, count)]) }
    return .concatenation(parts)
  }

  /// Each block of a block matrix with its placement (rows r0, columns c0) and shape.
  static func blockLayout(_ blockRows: [[Expression]], shape: (Expression) throws -> Shape) rethrows
    -> (rows: Int, cols: Int, blocks: [(block: Expression, r0: Int, c0: Int, shape: Shape)])
  {
    var blocks: [(Expression, Int, Int, Shape)] = []
    var r0 = 0
    var cols = 0
    for row in blockRows {
      var c0 = 0
      var height = 0
      for block in row {
        let s = try shape(block)
        blocks.append((block, r0, c0, s))
        c0 += s.cols
        height = s.rows
      }
      cols = c0
      r0 += height
    }
    return (r0, cols, blocks)
  }
}
