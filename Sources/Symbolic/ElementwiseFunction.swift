import Foundation

/// A scalar function that `Expression.elementwise` applies to every entry of a matrix.
///
/// One case per function of the language, so that the differentiation rules can switch on it.
/// `apply` computes the value stably (`sigmoid`, `softplus` never overflow for large |x|);
/// `isDefined` is the domain (`log` needs x > 0, `sqrt` needs x ≥ 0).
///
/// ```swift
/// ElementwiseFunction.sigmoid.apply(-800)  // 0 (no overflow)
/// ElementwiseFunction(name: "tanh")        // .tanh
/// ```
public enum ElementwiseFunction: String, CaseIterable, Hashable, Sendable {
  case exp, log, sin, cos, tanh, sigmoid, relu, softplus, sqrt, abs
  /// Extensions of the language, the derivatives of `relu` and `abs`: `heaviside(x)` is 1 for
  /// x > 0 and 0 otherwise (so relu′(0) = 0); `sign(x)` is −1, 0 or 1.
  case heaviside, sign
  /// Extensions of the language (docs/language.md): `tan`, and the inverse functions
  /// `arcsin`/`asin`, `arccos`/`acos` (defined on [−1, 1]) and `arctan`/`atan`.
  case tan, arcsin, arccos, arctan

  /// The function's name in the expression language (`"tanh"`).
  public var name: String { rawValue }

  /// Other names the language accepts for a function: MATLAB's `asin`, `acos`, `atan`.
  public static let aliases: [String: ElementwiseFunction] = ["asin": .arcsin, "acos": .arccos, "atan": .arctan]

  /// The function with this name (or alias) in the expression language, or nil.
  public init?(name: String) {
    if let f = ElementwiseFunction.aliases[name] {
      self = f
    } else {
      self.init(rawValue: name)
    }
  }

  /// f(x), computed stably:
  /// - `sigmoid(x) = 1/(1+e^-x)`, as `e^x/(1+e^x)` for x < 0;
  /// - `softplus(x) = log(1+e^x) = max(x,0) + log1p(e^-|x|)`;
  /// - `relu(x) = max(x, 0)`.
  ///
  /// Outside the domain the IEEE result (NaN) is returned; evaluation checks `isDefined` first.
  public func apply(_ x: Double) -> Double {
    switch self {
    case .exp: return Foundation.exp(x)
    case .log: return Foundation.log(x)
    case .sin: return Foundation.sin(x)
    case .cos: return Foundation.cos(x)
    case .tanh: return Foundation.tanh(x)
    case .sigmoid:
      if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
      let e = Foundation.exp(x)
      return e / (1 + e)
    case .relu: return x > 0 ? x : 0
    case .softplus: return Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x)))
    case .sqrt: return x.squareRoot()
    case .abs: return Swift.abs(x)
    case .heaviside: return x > 0 ? 1 : 0
    case .sign: return x > 0 ? 1 : (x < 0 ? -1 : 0)
    case .tan: return Foundation.tan(x)
    case .arcsin: return Foundation.asin(x)
    case .arccos: return Foundation.acos(x)
    case .arctan: return Foundation.atan(x)
    }
  }

  /// Whether x is in the function's domain: x > 0 for `log`, x ≥ 0 for `sqrt`, every real
  /// number otherwise.
  public func isDefined(at x: Double) -> Bool {
    switch self {
    case .log: return x > 0
    case .sqrt: return x >= 0
    case .arcsin, .arccos: return x >= -1 && x <= 1
    default: return true
    }
  }

  /// The domain as a phrase for messages ("positive entries").
  public var domainDescription: String {
    switch self {
    case .log: return "positive entries"
    case .sqrt: return "non-negative entries"
    case .arcsin, .arccos: return "entries in [-1, 1]"
    default: return "real entries"
    }
  }
}
