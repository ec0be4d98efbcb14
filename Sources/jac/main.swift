// The `jac` executable: everything it does lives in the JacCommands library (shared with the
// tests), and `jac serve` in the JacServe target, which this file registers; it only starts them.
import JacCommands
import JacServe

Jac.main(registering: [Serve.self])
