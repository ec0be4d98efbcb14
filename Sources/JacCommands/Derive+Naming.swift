import Symbolic

/// The derivative as `jac derive` prints it: when the Jacobian or the gradient would print
/// longer than `inlineWidth` characters, repeated subexpressions are named once (`LetForm`, per
/// body: a name is made for a subtree that repeats inside the displayed Jacobian or inside the
/// gradient, and used in both), so that printed size grows linearly with depth. Shorter forms
/// are printed inline, as a teacher writes them.
struct DeriveNaming {
  /// Forms up to this many characters (Unicode text) are printed without names.
  static let inlineWidth = 80

  /// The bindings, t1 = …, t2 = …; empty when nothing repeats.
  let form: LetForm
  /// The displayed form (numerator/denominator Jacobian, or the gradient in the shape layout),
  /// written with the names.
  let shown: Expression
  /// The gradient printed beside a Jacobian, with the names; nil when not printed.
  let gradient: Expression?

  init(derivative d: SymbolicDerivative, shown: Expression, gradient: Expression?) {
    let reserved = Set(d.dims.keys).union(["F", "f", d.variable])
    let roots = [shown] + (gradient.map { [$0] } ?? [])
    let long = roots.contains { $0.unicodeTextIsLonger(than: DeriveNaming.inlineWidth) }
    form = LetForm(sharing: roots, minimumNodes: long ? 4 : .max, reserved: reserved)
    self.shown = form.bodies[0]
    self.gradient = gradient == nil ? nil : form.bodies[1]
  }

  /// A body written with the names, in every printed form.
  func record(_ e: Expression) -> DeriveRecord.NamedForm {
    .init(text: e.unicodeText, latex: e.latex, plain: e.plainText, mathml: e.mathMLElement())
  }

  /// The bindings, in order.
  var bindingRecords: [DeriveRecord.Binding] {
    form.bindings.map {
      .init(
        name: $0.name, text: $0.value.unicodeText, latex: $0.value.latex, plain: $0.value.plainText,
        mathml: $0.value.mathMLElement())
    }
  }
}
