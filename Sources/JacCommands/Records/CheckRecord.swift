import Foundation

/// What `jac check EXPR --wrt X --claim C --format json` prints for one variable
/// (shared/spec/cli.md). The claim is read in `layout`; `truth` is the true derivative in
/// numerator layout (∂vec F/∂(vec X)ᵀ over column-major vec), left out under `--hide-answer`
/// (which adds `answerHidden` and `diagnosesWithheld`). `worst` lists the entries
/// ∂F[p,q]/∂X[i,j] as `output` [p,q] and `input` [i,j] (0-based).
public struct CheckRecord: Codable, Sendable, Equatable {
  public struct Tolerance: Codable, Sendable, Equatable {
    @JSONNumber public var relative: Double
    @JSONNumber public var absolute: Double
    @JSONNumber public var bound: Double
  }

  public struct Entry: Codable, Sendable, Equatable {
    public var output: [Int]
    public var input: [Int]
    @JSONNumber public var expected: Double
    @JSONNumber public var claimed: Double
  }

  public var expression: String
  public var wrt: String
  public var layout: String
  public var holds: Bool
  public var verdict: String
  public var answerHidden: Bool?
  public var diagnosesWithheld: Int?
  public var truth: String?
  public var diagnoses: [DiagnosisRecord]
  public var mutations: Int
  /// Present (true) when the diagnosis stopped at its work budget with slips left untried.
  public var diagnosisBudgetExhausted: Bool?
  public var assumptions: [String: String]
  public var claimShape: [Int]
  public var expectedShape: [Int]
  @OptionalJSONNumber public var maxAbsError: Double?
  @OptionalJSONNumber public var maxRelError: Double?
  public var tolerance: Tolerance?
  public var worst: [Entry]?
  /// The shapes inferred from the expression (docs/language.md), when some were.
  public var inferredShapes: [String: [JSONSize]]?
}

/// A diagnosis of a wrong claim: its kind, where it applies, the sentence and its LaTeX
/// (`where` and `latex` are left out under `--hide-answer` when they quote the true derivative).
public struct DiagnosisRecord: Codable, Sendable, Equatable {
  public var kind: String
  public var `where`: String?
  public var text: String
  public var latex: String?
  /// The other slips that give the same claim (each exact), named after the first in `text`.
  public var alternatives: [DiagnosisRecord]? = nil
}

/// `jac check` with size symbols in `--dims`: the claim compared at each small instantiation.
public struct SymbolicCheckRecord: Codable, Sendable, Equatable {
  public struct Instantiation: Codable, Sendable, Equatable {
    public var sizes: [String: Int]
    public var holds: Bool
    @OptionalJSONNumber public var maxAbsError: Double?
  }

  public var expression: String
  public var wrt: String
  public var layout: String
  public var holds: Bool
  public var verdict: String? = nil
  /// Under `--hide-answer`: true, and `truth` is left out.
  public var answerHidden: Bool? = nil
  public var diagnosesWithheld: Int? = nil
  public var truth: String?
  public var sizeSymbols: [String]
  public var instantiations: [Instantiation]
  public var diagnoses: [DiagnosisRecord]
  @OptionalJSONNumber public var maxRelError: Double?
  /// The shapes inferred from the expression (docs/language.md), when some were.
  public var inferredShapes: [String: [JSONSize]]?
  /// The size symbols that the shapes of `--values` fix.
  public var fixedByValues: [String: Int]?
}

/// Several claims (`--wrt W1,W2`), one record per variable in `checks`; `holds` when all hold.
public struct ChecksRecord<Record: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
  public var expression: String
  public var wrt: [String]
  public var holds: Bool
  public var checks: [Record]
}

/// `jac check PROGRAM --claim-program BACKWARD --format json`: the backward pass line by line.
public struct ProgramCheckRecord: Codable, Sendable, Equatable {
  public struct Finding: Codable, Sendable, Equatable {
    public var line: Int
    public var text: String
    public var adjoint: String
    public var holds: Bool
    /// The finding is about an adjoint left incomplete after this line, not about the line.
    public var afterLine: Bool
    public var expected: String?
    public var diagnoses: [String]?
  }

  public var holds: Bool
  public var firstWrong: Finding?
  public var lines: [Finding]
  public var notComputed: [String]
  /// Under `--hide-answer`: true, and no finding has `expected`.
  public var answerHidden: Bool? = nil
  /// Under `--hide-answer`: how many diagnoses were left out because they quote the true line.
  public var diagnosesWithheld: Int? = nil
  /// Under size symbols (docs/programs.md): the symbols, each instantiation checked with whether
  /// every line held there (the lines above are those of the first where one did not), and the
  /// shapes inferred from the program, when some were.
  public var sizeSymbols: [String]? = nil
  public var instantiations: [Instantiation]? = nil
  public var inferredShapes: [String: [JSONSize]]? = nil

  public struct Instantiation: Codable, Sendable, Equatable {
    public var sizes: [String: Int]
    public var holds: Bool
  }
}

/// What `jac check … --format json` prints.
public enum CheckOutput: Encodable, Sendable, Equatable {
  case check(CheckRecord)
  case checks(ChecksRecord<CheckRecord>)
  case symbolic(SymbolicCheckRecord)
  case symbolicChecks(ChecksRecord<SymbolicCheckRecord>)
  case program(ProgramCheckRecord)

  /// Whether the claim holds (the command exits 1 when not).
  public var holds: Bool {
    switch self {
    case .check(let r): return r.holds
    case .checks(let r): return r.holds
    case .symbolic(let r): return r.holds
    case .symbolicChecks(let r): return r.holds
    case .program(let r): return r.holds
    }
  }

  public func encode(to encoder: Encoder) throws {
    switch self {
    case .check(let r): try r.encode(to: encoder)
    case .checks(let r): try r.encode(to: encoder)
    case .symbolic(let r): try r.encode(to: encoder)
    case .symbolicChecks(let r): try r.encode(to: encoder)
    case .program(let r): try r.encode(to: encoder)
    }
  }
}

/// `jac convert IN OUT --format json`: what was written, where, in which layout and shape.
public struct ConvertRecord: Codable, Sendable, Equatable {
  public var input: String
  public var output: String
  public var from: String
  public var to: String
  public var outputShape: [Int]
  public var inputShape: [Int]
  /// The shape of the written array (4 sizes for the tensor layout).
  public var shape: [Int]

  public init(input: String, output: String, from: String, to: String, outputShape: [Int], inputShape: [Int], shape: [Int]) {
    (self.input, self.output, self.from, self.to) = (input, output, from, to)
    (self.outputShape, self.inputShape, self.shape) = (outputShape, inputShape, shape)
  }
}
