import MatrixCore

/// The languages `CodeExport` writes.
public enum ExportTarget: String, CaseIterable, Sendable {
  /// NumPy (`import numpy as np`).
  case numpy
  /// JAX (`jax.numpy`, 64-bit floats enabled by the exported module).
  case jax
  /// PyTorch (`torch`, float64 tensors).
  case torch
  /// Swift over this package's MatrixCore (`Matrix`) and Jacobians (`StructuredMatrix`).
  case swift
}

/// A derivative exported as a self-contained function in NumPy, JAX, PyTorch or Swift
/// (`jac derive … --emit TARGET`, docs/export.md).
///
/// What the function computes:
/// - F 1×1 (`kind == .gradient`): `f(inputs…) -> (F, dX1, dX2, …)`, F and the gradient of F with
///   respect to each requested variable in the shape convention, `dX[i,j] = ∂F/∂X[i,j]`, shaped
///   like X.
/// - F m×n with m·n > 1 (`kind == .jvp`): `f(inputs…, dX1, dX2, …) -> (F, dF)`, F and the
///   Jacobian–vector product (forward mode) along the tangents dXk shaped like Xk:
///   `vec dF = Σ_k J_k·vec dXk`, with `J_k = ∂vec F/∂(vec Xk)ᵀ` in numerator layout over
///   column-major vec; dF is shaped like F (the directional derivative of F).
///
/// Every value is a matrix: a 2-D float64 array in Python (a 1×1 value has shape (1, 1)), a
/// `Matrix` in Swift. Subexpressions that occur more than once are computed once (named `_t1`,
/// `_t2`, …); structured factors (identity, Kronecker products, commutation matrices, diagonal
/// matrices) are applied by the vec trick (`(A ⊗ B)·vec V = vec(B·V·Aᵀ)`) and never materialised
/// where they multiply something. Programs export as one function whose forward pass is kept for
/// the backward pass (gradient) or carried with the tangents (JVP).
///
/// ```swift
/// let e = try CodeExport(expression: Expression("x'*A*x"), wrt: ["x"],
///                        dims: ["x": Shape(3, 1), "A": Shape(3, 3)], target: .numpy)
/// print(e.code)   // def f(A, x): … return (F, dx)
/// ```
public struct CodeExport: Sendable {
  /// What the exported function returns besides F.
  public enum Kind: String, Sendable {
    /// Gradients shaped like the variables (F 1×1).
    case gradient
    /// A Jacobian–vector product shaped like F (F not 1×1).
    case jvp
  }

  /// One argument or result of the exported function.
  public struct Value: Sendable, Equatable {
    /// The name in the exported code.
    public let name: String
    public let shape: Shape
    /// What it is, for the docstring (`input`, `∂F/∂W1`, `tangent of x`, …).
    public let role: String
  }

  public let target: ExportTarget
  public let kind: Kind
  /// The exported function's name.
  public let functionName: String
  /// The arguments, in order: the inputs (sorted by name), then for a JVP the tangents.
  public let arguments: [Value]
  /// The results, in order: F, then the gradients (in the order of `wrt`) or dF.
  public let results: [Value]
  /// The source text of the module (imports, private helpers, the function).
  public let code: String

  /// Exports F = `expression` with its gradients (F 1×1) or its JVP (otherwise).
  /// - Parameters:
  ///   - expression: F.
  ///   - wrt: the variables to differentiate with respect to (at least one).
  ///   - dims: the shapes of all variables (numbers; symbolic sizes are not exported).
  ///   - target: the language of the exported code.
  ///   - functionName: a Python/Swift identifier.
  ///   - source: the text of F quoted in the docstring (default: F in the expression language).
  ///   - sizeSymbols: for a size-generic export (NumPy, JAX, PyTorch), each size symbol's value in
  ///     `dims`, a generic instantiation (distinct primes, as `--dims W=mxn` derives at): every size
  ///     in the code is then written with the symbols (`m*n`), which the function reads off its
  ///     arguments' shapes. Empty: the sizes of `dims`, as numbers.
  /// - Throws: `DerivativeError` / `ShapeError` as `SymbolicDerivative`, `ExportError`.
  public init(
    expression: Expression, wrt: [String], dims: [String: Shape], target: ExportTarget, functionName: String = "f",
    source: String? = nil, sizeSymbols: [String: Int] = [:]
  ) throws {
    let plan = try ExportPlan(expression: expression, wrt: wrt, dims: dims, source: source ?? expression.plainText)
    try self.init(plan: plan, target: target, functionName: functionName, sizeSymbols: sizeSymbols)
  }

  /// Exports a program: its forward pass, then the backward pass (F 1×1: gradients with respect
  /// to `wrt`) or the forward tangents (F not 1×1: the JVP along tangents of `wrt`), as one
  /// function. `sizeSymbols` as for a single expression.
  public init(
    program: Program, wrt: [String], dims: [String: Shape], target: ExportTarget, functionName: String = "f",
    sizeSymbols: [String: Int] = [:]
  ) throws {
    let plan = try ExportPlan(program: program, wrt: wrt, dims: dims)
    try self.init(plan: plan, target: target, functionName: functionName, sizeSymbols: sizeSymbols)
  }

  init(plan: ExportPlan, target: ExportTarget, functionName: String, sizeSymbols: [String: Int] = [:]) throws {
    guard ExportPlan.isIdentifier(functionName), !ExportPlan.reserved.contains(functionName) else {
      throw ExportError("the function name \(functionName) is not an identifier that Python and Swift accept")
    }
    if !sizeSymbols.isEmpty {
      if target == .swift {
        throw ExportError(
          "the Swift export is written for fixed sizes (its shape checks, reshapes and structured operators carry numbers), "
            + "so --emit swift needs numeric sizes in --dims; --emit numpy, jax and torch take size symbols")
      }
      let taken = Set(plan.arguments.map(\.name) + plan.results.map(\.name) + plan.body.map(\.name)).union([functionName])
      for symbol in sizeSymbols.keys.sorted()
      where taken.contains(symbol) || ExportPlan.reserved.contains(symbol) || symbol.hasPrefix("_") {
        throw ExportError(
          "the size symbol \(symbol) would clash with a name in the exported code; name the size otherwise in --dims")
      }
    }
    self.target = target
    self.kind = plan.kind
    self.functionName = functionName
    self.arguments = plan.arguments
    self.results = plan.results
    switch target {
    case .numpy, .jax, .torch:
      var printer = PythonExportPrinter(plan: plan, dialect: target)
      printer.sizeNames = Dictionary(sizeSymbols.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
      self.code = try printer.module(functionName: functionName)
    case .swift:
      var printer = SwiftExportPrinter(plan: plan)
      self.code = try printer.module(functionName: functionName)
    }
  }
}

/// A derivative that cannot be exported: one sentence.
public struct ExportError: Error, Equatable, Sendable, CustomStringConvertible {
  public let description: String
  public init(_ message: String) { description = message }
}
