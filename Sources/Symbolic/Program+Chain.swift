import Jacobians
import MatrixCore

/// One local Jacobian of a program's chain: `∂vec s/∂(vec u)ᵀ` for the statement s and the name
/// u that carries the dependence on the input.
public struct ProgramChainLink: Sendable {
  /// The statement s.
  public let name: String
  /// The name u (a statement or the input) that s is differentiated with respect to.
  public let input: String
  /// The line of s.
  public let line: Int
  /// `∂vec s/∂(vec u)ᵀ` in closed form, simplified, numerator layout.
  public let jacobian: Expression
  /// Its value at the point, with the structure the closed form spells out (diag for elementwise
  /// stages, Kronecker forms for products).
  public let matrix: StructuredMatrix
}

extension Program {
  /// The chain `∂F/∂w = J₁·J₂·…·J_k` of local Jacobians along the program's path from the input
  /// w to F, outermost (F's statement) first, in numerator layout, evaluated at the point.
  /// - Throws: `ProgramError` when F does not depend on w, or when the path branches (a statement
  ///   uses two names that depend on w: its derivative is a sum of chains, not one chain).
  public func jacobianChain(wrt: String, dims: [String: Shape], at inputs: [String: Matrix]) throws
    -> [ProgramChainLink]
  {
    guard self.inputs.contains(wrt) else {
      throw ProgramError(line: nil, "--wrt \(wrt) names no input of the program (the inputs are \(self.inputs.joined(separator: ", ")))")
    }
    let shapes = try self.shapes(inputs: dims)
    let forward = try evaluate(inputs)
    var depends: Set<String> = [wrt]
    for s in statements where s.expression.variables.contains(where: depends.contains) { depends.insert(s.name) }
    guard depends.contains(output) else {
      throw ProgramError(line: nil, "F (\(output)) does not depend on \(wrt): there is no chain")
    }
    var simplifier = Simplifier(dims: shapes)
    var namer = ForwardNamer(program: self)
    var evaluator = StructuredEvaluator(values: forward, dims: shapes)
    var links: [ProgramChainLink] = []
    var current = output
    while current != wrt {
      guard let s = statement(named: current) else { break }
      let next = s.expression.variables.filter(depends.contains)
      guard next.count == 1 else {
        throw ProgramError(
          line: s.line,
          "\(s.name) uses \(next.joined(separator: " and ")), which all depend on \(wrt): the derivative is a sum of chains (branches), not one chain")
      }
      var forwardDerivative = try ForwardDifferentiator(variable: next[0], dims: shapes)
      let raw = try forwardDerivative.jacobian(s.expression) ?? .zeros(shapes[s.name]!.count, shapes[next[0]]!.count)
      let j = namer.name(try simplifier.simplify(raw))
      links.append(
        ProgramChainLink(
          name: s.name, input: next[0], line: s.line, jacobian: j, matrix: try evaluator.structured(j)))
      current = next[0]
    }
    return links
  }

  /// Multiply-adds of one forward evaluation of F: m·n·p for each matrix product (m×n)(n×p), and
  /// one per entry of every other operation. The yardstick of the lecture notes' claim that
  /// reverse mode costs about one evaluation.
  public func forwardMultiplyAdds(dims: [String: Shape]) throws -> Double {
    let shapes = try self.shapes(inputs: dims)
    var total = 0.0
    func count(_ e: Expression) throws {
      guard !e.children.isEmpty else { return }
      for c in e.children { try count(c) }
      let s = try e.shape(in: shapes, maximumEntries: .max)
      if case .product(let a, let b) = e {
        let (sa, sb) = (try a.shape(in: shapes, maximumEntries: .max), try b.shape(in: shapes, maximumEntries: .max))
        if !sa.isScalar && !sb.isScalar {
          total += Double(sa.rows) * Double(sa.cols) * Double(sb.cols)
          return
        }
      }
      total += Double(s.count)
    }
    for s in relevantStatements { try count(s.expression) }
    return total
  }
}
