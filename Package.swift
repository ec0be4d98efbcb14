// swift-tools-version: 6.1
// JacobianKit: matrix calculus in numerator layout over column-major vec.
// Layering (one direction only): CLapack → MatrixCore → Jacobians → Symbolic → JacCommands → jac.
import PackageDescription

let package = Package(
  name: "JacobianKit",
  products: [
    .library(name: "MatrixCore", targets: ["MatrixCore"]),
    .library(name: "Jacobians", targets: ["Jacobians"]),
    .library(name: "Symbolic", targets: ["Symbolic"]),
    .executable(name: "jac", targets: ["jac"]),
    .executable(name: "jacbench", targets: ["jacbench"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    // `make docs`: the DocC catalogs of MatrixCore, Jacobians and Symbolic (Sources/*/*.docc).
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
  ],
  targets: [
    // Private C shim over lapacke.h and cblas.h; provides no stable Swift API.
    .systemLibrary(
      name: "CLapack",
      path: "Sources/CLapack",
      providers: [.apt(["liblapacke-dev", "libopenblas-dev"])]
    ),
    // Debug builds (the tests) count the multiply-adds kernels perform (MatrixCore/WorkCount.swift).
    .target(
      name: "MatrixCore", dependencies: ["CLapack"],
      swiftSettings: [.define("JACOBIANKIT_COUNT_WORK", .when(configuration: .debug))]),
    .target(name: "Symbolic", dependencies: ["Jacobians", "MatrixCore"]),
    .target(
      name: "Jacobians", dependencies: ["MatrixCore"],
      swiftSettings: [.define("JACOBIANKIT_COUNT_WORK", .when(configuration: .debug))]),
    // The command-line tool's logic (subcommands, formats, the notebook runner) as a library, so
    // that `jac` and a server can share it; the `jac` executable only starts it.
    .target(
      name: "JacCommands",
      dependencies: [
        "Symbolic", "Jacobians", "MatrixCore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // `jac serve`: the class web page and JSON API on Hummingbird, in its own target so that no
    // library above depends on a server.
    .target(
      name: "JacServe",
      dependencies: [
        "JacCommands", "Symbolic", "Jacobians", "MatrixCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .executableTarget(name: "jac", dependencies: ["JacCommands", "JacServe"]),
    .executableTarget(
      name: "jacbench",
      dependencies: ["Symbolic", "Jacobians", "MatrixCore", "CLapack"],
      path: "Benchmarks/jacbench"
    ),
    .executableTarget(name: "RtR", dependencies: ["MatrixCore"], path: "Examples/RtR"),
    .executableTarget(
      name: "HandDerivation", dependencies: ["Symbolic", "Jacobians", "MatrixCore"], path: "Examples/HandDerivation"),
    .executableTarget(name: "ChainCost", dependencies: ["Jacobians", "MatrixCore"], path: "Examples/ChainCost"),
    .executableTarget(
      name: "Layouts", dependencies: ["Jacobians", "MatrixCore"], path: "Examples/Layouts",
      exclude: ["make_tensor.py", "X.npy", "jax_XtX.npy"]
    ),
    .target(
      name: "TestSupport",
      dependencies: ["MatrixCore", .product(name: "PropertyBased", package: "swift-property-based")],
      path: "Tests/TestSupport"),
    .testTarget(
      name: "MatrixCoreTests",
      dependencies: ["MatrixCore", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")]
    ),
    .testTarget(
      name: "SymbolicTests",
      dependencies: [
        "Symbolic", "Jacobians", "MatrixCore", "TestSupport",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]
    ),
    // The code of the DocC articles, compiled and run (and matched against the articles).
    .testTarget(name: "DocumentationTests", dependencies: ["MatrixCore", "Jacobians", "Symbolic"]),
    .testTarget(name: "jacTests", dependencies: ["jac", "JacCommands", "Jacobians", "Symbolic", "MatrixCore"]),
    // Swift code written by `jac derive --emit swift` (Generated/, kept current by SymbolicTests'
    // CodeExportSwiftSourceTests), compiled and run against jac's own numbers.
    .testTarget(name: "ExportedSwiftTests", dependencies: ["Symbolic", "Jacobians", "MatrixCore"]),
    .testTarget(
      name: "JacServeTests",
      dependencies: [
        "JacServe", "JacCommands", "MatrixCore",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTesting", package: "hummingbird"),
      ]
    ),
    .testTarget(
      name: "JacobiansTests",
      dependencies: [
        "Jacobians", "MatrixCore", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
      ]
    ),
  ]
)
