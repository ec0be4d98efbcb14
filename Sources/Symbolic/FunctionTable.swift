/// The functions of the expression language: their names, how many arguments they take, and
/// whether those arguments are sizes (integer literals) or expressions.
struct FunctionSignature: Sendable {
  let name: String
  let arity: Int
  /// `I`, `K`, `zeros`, `ones` take positive integer literals.
  let takesSizes: Bool
  /// How the function is called, for messages: `"kron(A,B)"`.
  let usage: String
}

extension Expression {
  /// Every function name of the language, in the order of the specification. These names
  /// cannot be variables.
  public static let functionNames: [String] = functionTable.map(\.name)

  static let functionTable: [FunctionSignature] = {
    var table = [
      FunctionSignature(name: "transpose", arity: 1, takesSizes: false, usage: "transpose(A)"),
      FunctionSignature(name: "inv", arity: 1, takesSizes: false, usage: "inv(A)"),
      FunctionSignature(name: "det", arity: 1, takesSizes: false, usage: "det(A)"),
      FunctionSignature(name: "logdet", arity: 1, takesSizes: false, usage: "logdet(A)"),
      FunctionSignature(name: "tr", arity: 1, takesSizes: false, usage: "tr(A)"),
      FunctionSignature(name: "sum", arity: 1, takesSizes: false, usage: "sum(A)"),
      FunctionSignature(name: "norm", arity: 1, takesSizes: false, usage: "norm(A)"),
      FunctionSignature(name: "kron", arity: 2, takesSizes: false, usage: "kron(A,B)"),
      FunctionSignature(name: "vec", arity: 1, takesSizes: false, usage: "vec(A)"),
      FunctionSignature(name: "diag", arity: 1, takesSizes: false, usage: "diag(v)"),
      FunctionSignature(name: "diagonal", arity: 1, takesSizes: false, usage: "diagonal(A)"),
    ]
    table += ElementwiseFunction.allCases.map {
      FunctionSignature(name: $0.name, arity: 1, takesSizes: false, usage: "\($0.name)(A)")
    }
    table += ElementwiseFunction.aliases.keys.sorted().map {
      FunctionSignature(name: $0, arity: 1, takesSizes: false, usage: "\($0)(A)")
    }
    table += [
      FunctionSignature(name: "max", arity: 2, takesSizes: false, usage: "max(A,B)"),
      FunctionSignature(name: "min", arity: 2, takesSizes: false, usage: "min(A,B)"),
      FunctionSignature(name: "norm1", arity: 1, takesSizes: false, usage: "norm1(A)"),
      FunctionSignature(name: "softmax", arity: 1, takesSizes: false, usage: "softmax(x)"),
      FunctionSignature(name: "logsumexp", arity: 1, takesSizes: false, usage: "logsumexp(A)"),
      FunctionSignature(name: "I", arity: 1, takesSizes: true, usage: "I(n)"),
      FunctionSignature(name: "K", arity: 2, takesSizes: true, usage: "K(m,n)"),
      FunctionSignature(name: "zeros", arity: 2, takesSizes: true, usage: "zeros(m,n)"),
      FunctionSignature(name: "ones", arity: 2, takesSizes: true, usage: "ones(m,n)"),
      FunctionSignature(name: "reshape", arity: 3, takesSizes: false, usage: "reshape(A,m,n)"),
    ]
    return table
  }()

  static let functionsByName: [String: FunctionSignature] = Dictionary(
    uniqueKeysWithValues: functionTable.map { ($0.name, $0) })

  /// The call of a one-argument function of the language on `argument`.
  static func applying(_ name: String, to argument: Expression) -> Expression? {
    if let f = ElementwiseFunction(name: name) { return .elementwise(f, argument) }
    switch name {
    case "transpose": return .transpose(argument)
    case "inv": return .inverse(argument)
    case "det": return .determinant(argument)
    case "logdet": return .logDeterminant(argument)
    case "tr": return .trace(argument)
    case "sum": return .sum(argument)
    case "norm": return .norm(argument)
    case "vec": return .vec(argument)
    case "diag": return .diag(argument)
    case "diagonal": return .diagonal(argument)
    case "softmax": return .softmax(argument)
    case "logsumexp": return .logSumExp(argument)
    case "norm1": return .norm1(argument)
    default: return nil
    }
  }

  /// The function name closest to `name`, for "did you mean" hints: at edit distance 1, or 2
  /// for names of four characters or more; never for a name shorter than the distance (`W` is
  /// a variable, not a misspelt `I`).
  static func closestFunctionName(to name: String) -> String? {
    let lowered = name.lowercased()
    let allowed = lowered.count >= 4 ? 2 : 1
    var best: (name: String, distance: Int)?
    for candidate in functionNames + ["trace", "dot"] {
      let d = editDistance(lowered, candidate.lowercased())
      if d <= allowed, d < lowered.count, d < (best?.distance ?? Int.max) { best = (candidate, d) }
    }
    return best?.name
  }

  private static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var current = [i] + [Int](repeating: 0, count: b.count)
      for j in 1...b.count {
        current[j] = Swift.min(
          previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return previous[b.count]
  }
}
