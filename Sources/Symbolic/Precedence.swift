/// How tightly each form of the language binds, loosest first, as in the specification's
/// operator table. The parser descends these levels; the printers parenthesize an operand
/// exactly when its level is too loose for its place.
///
/// | level | forms |
/// | --- | --- |
/// | `sum` | `A+B`, `A-B` (left-associative) |
/// | `division` | `A/s` (left-associative) |
/// | `hadamard` | `A.*B`, `A./B`, `⊙`, `⊘` (left-associative) |
/// | `product` | `A*B`, `·`, implicit `AB`, and the extension `A ⊗ B` (left-associative) |
/// | `unary` | `-A` |
/// | `elementwisePower` | `A.^p` (right-associative) |
/// | `power` | `A^k` (right-associative) |
/// | `postfix` | `A'`, `Aᵀ`, `A²`, `A⁻¹` |
/// | `atom` | variables, literals, calls, `I₃`, `K₃,₂`, parentheses |
enum Precedence: Int, Comparable, Sendable {
  case sum = 1
  case division
  case hadamard
  case product
  case unary
  case elementwisePower
  case power
  case postfix
  case atom

  static func < (lhs: Precedence, rhs: Precedence) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension Expression {
  /// The level of the outermost form of this expression, as printed. A negative constant
  /// prints as `-c`, so it binds like a negation.
  var precedence: Precedence {
    switch self {
    case .add, .subtract: return .sum
    case .divide: return .division
    case .hadamard, .hadamardQuotient: return .hadamard
    case .product: return .product
    case .negate: return .unary
    case .constant(let c): return c < 0 ? .unary : .atom
    case .elementwisePower: return .elementwisePower
    case .power: return .power
    case .transpose: return .postfix
    default: return .atom
    }
  }
}
