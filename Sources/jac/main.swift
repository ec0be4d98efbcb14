// The `jac` executable: everything it does lives in the JacCommands library (shared with
// `jac serve` and the tests); this file only starts it.
import JacCommands

Jac.main()
