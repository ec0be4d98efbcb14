import Jacobians

/// Complete equations for a derivative, left-hand side included, as LaTeX (for a document with
/// `\usepackage{amsmath}`) and as presentation MathML (for a web page). The left-hand side says
/// the layout:
///
/// | layout | left-hand side |
/// | --- | --- |
/// | numerator | `∂vec F/∂(vec X)ᵀ`, (mn)×(ab), `J[p + q·m, i + j·a] = ∂F[p,q]/∂X[i,j]` |
/// | denominator | `∂(vec F)ᵀ/∂vec X`, (ab)×(mn), the transpose |
/// | shape (1×1 F) | `∂f/∂X`, shaped like X |
///
/// A 1×1 F is written `f` (`∂f/∂(vec X)ᵀ`). Long right-hand sides are broken after whole terms
/// of the outermost sum: `align*` rows in LaTeX, `<mtable>` rows in MathML.
///
/// ```swift
/// let d = try SymbolicDerivative(of: Expression("R'*R"), wrt: "R", dims: ["R": Shape(3, 3)])
/// try d.latexRows(in: .numerator)
/// // ["\frac{\partial \operatorname{vec} F}{\partial (\operatorname{vec} R)^{\top}} &= (I_{3} \otimes R^{\top}) + (R^{\top} \otimes I_{3}) K_{3,3}"]
/// ```
extension SymbolicDerivative {
  /// Characters of `unicodeText` per printed line (about the width of an A4 text column at 10pt).
  public static let lineWidth = 50

  /// The function's name on the left-hand side: `f` for a 1×1 F, otherwise `F`.
  private var functionSymbol: String { outputShape.isScalar ? "f" : "F" }

  /// `\frac{\partial \operatorname{vec} F}{\partial (\operatorname{vec} X)^{\top}}` and its kin.
  public func latexLeftHandSide(in layout: JacobianLayout) -> String {
    let x = Expression.latexName(variable)
    let f = functionSymbol
    let vecF = outputShape.isScalar ? f : "\\operatorname{vec} \(f)"
    switch layout {
    case .shape: return "\\frac{\\partial \(f)}{\\partial \(x)}"
    case .denominator:
      let numerator = outputShape.isScalar ? f : "(\\operatorname{vec} \(f))^{\\top}"
      return "\\frac{\\partial \(numerator)}{\\partial \\operatorname{vec} \(x)}"
    default: return "\\frac{\\partial \(vecF)}{\\partial (\\operatorname{vec} \(x))^{\\top}}"
    }
  }

  /// The left-hand side as MathML (an `<mfrac>`).
  public func mathMLLeftHandSide(in layout: JacobianLayout) -> String {
    let x = MathML.name(variable)
    let f = "<mi>\(functionSymbol)</mi>"
    let partial = MathML.op("∂")
    let vec = MathML.functionName("vec") + MathML.op("\u{2061}")
    let vecF = outputShape.isScalar ? f : vec + f
    switch layout {
    case .shape:
      return "<mfrac><mrow>\(partial)\(f)</mrow><mrow>\(partial)\(x)</mrow></mfrac>"
    case .denominator:
      let numerator = outputShape.isScalar ? f : "<msup>\(MathML.fenced(vecF, open: "(", close: ")"))\(MathML.op("⊤"))</msup>"
      return "<mfrac><mrow>\(partial)\(numerator)</mrow><mrow>\(partial)\(vec)\(x)</mrow></mfrac>"
    default:
      let denominator = "<msup>\(MathML.fenced(vec + x, open: "(", close: ")"))\(MathML.op("⊤"))</msup>"
      return "<mfrac><mrow>\(partial)\(vecF)</mrow><mrow>\(partial)\(denominator)</mrow></mfrac>"
    }
  }

  /// The equation for `layout` as rows of an `align*` environment: the first row
  /// `LHS &= …`, continuation rows `&\quad + …`; join them with ` \\` and a newline.
  /// - Throws: `DerivativeError` for the shape layout of a non-scalar F.
  public func latexRows(in layout: JacobianLayout, width: Int = SymbolicDerivative.lineWidth) throws -> [String] {
    let rhs = try display(in: layout).expression
    return Expression.latexRows(lhs: latexLeftHandSide(in: layout), rhs: rhs, width: width)
  }

  /// The equation for `layout` as one `<math display="block">` element, broken into `<mtable>`
  /// rows when it is long.
  /// - Throws: `DerivativeError` for the shape layout of a non-scalar F.
  public func mathMLEquation(in layout: JacobianLayout, width: Int = SymbolicDerivative.lineWidth) throws -> String {
    let rhs = try display(in: layout).expression
    return Expression.mathMLEquation(lhs: mathMLLeftHandSide(in: layout), rhs: rhs, width: width)
  }

  /// `F = …` (or `f = …`) as rows of an `align*`, to stand above the derivative.
  public var latexDefinitionRows: [String] { Expression.latexRows(lhs: functionSymbol, rhs: expression) }

  /// `F = …` as a `<math>` element.
  public var mathMLDefinition: String {
    Expression.mathMLEquation(lhs: "<mi>\(functionSymbol)</mi>", rhs: expression)
  }
}
