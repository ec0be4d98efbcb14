import Foundation

/// The OpenAPI 3.1 document served at `/openapi.json`: every endpoint, its request fields (the
/// `jac` options of the same name) and its answers, with this server's limits.
enum OpenAPIDocument {
  static func json(settings: ServerSettings) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: document(settings), options: [.sortedKeys])) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
  }

  private static func string(_ description: String) -> [String: Any] { ["type": "string", "description": description] }
  private static var strings: [String: Any] { ["type": "array", "items": ["type": "string"]] }
  private static var format: [String: Any] { [
    "type": "string", "enum": ["json", "text", "latex", "mathml"], "default": "json",
    "description": "The answer's format, as jac's --format (json: the fields of shared/spec/cli.md).",
  ] }
  private static var uploads: [String: Any] { [
    "type": "object", "additionalProperties": ["type": "string", "contentEncoding": "base64"],
    "description": "Values as .npy files, base64, by variable name (the server reads no files).",
  ] }

  private static func point() -> [String: Any] {
    [
      "dims": string("Variable shapes, e.g. X=3x2,A=4x3 (--dims)."),
      "values": string("Variable values as literals, e.g. X=[1 2; 3 4],a=-2 (--values; no file names)."),
      "uploads": uploads, "seed": ["type": "integer", "minimum": 0, "description": "Seed of the random point (--seed)."],
      "assume": string("Assumptions, e.g. A=symmetric (--assume)."),
    ]
  }

  private static func object(_ properties: [String: Any], required: [String]) -> [String: Any] {
    ["type": "object", "properties": properties, "required": required, "additionalProperties": false]
  }

  private static func operation(
    _ summary: String, _ schema: [String: Any], ok: [String: Any], extraResponses: [String: Any] = [:]
  ) -> [String: Any] {
    var responses: [String: Any] = [
      "200": ok,
      "400": ["description": "Bad input: the sentence jac prints.", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]],
      "413": ["description": "The body is larger than --max-body-bytes.", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]],
      "503": [
        "description": "Over --time-limit, or --max-concurrent computations running (then with Retry-After).",
        "headers": ["Retry-After": ["schema": ["type": "integer"]]],
        "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
      ],
    ]
    responses.merge(extraResponses) { $1 }
    return ["post": ["summary": summary, "requestBody": ["required": true, "content": ["application/json": ["schema": schema]]], "responses": responses]]
  }

  private static var textAnswer: [String: Any] { [
    "description": "What jac prints in the format asked (JSON: jac's fields); X-Jac-Status is 1 when a check ran and did not hold.",
    "headers": ["X-Jac-Status": ["schema": ["type": "integer", "enum": [0, 1]]]],
    "content": [
      "application/json": ["schema": ["type": "object"]], "text/plain": ["schema": ["type": "string"]],
      "application/xhtml+xml": ["schema": ["type": "string"]],
    ],
  ] }

  static func document(_ settings: ServerSettings) -> [String: Any] {
    let l = settings.limits
    let hidden: [String: Any] = ["403": ["description": "The server runs with --hide-answer.", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]]
    var derive = point()
    derive.merge([
      "expression": string("The expression F or a program (EXPR)."), "wrt": string("The variable(s), e.g. X or W1,W2 (--wrt)."),
      "layout": ["type": "string", "enum": ["numerator", "denominator", "shape"]], "check": ["type": "boolean"],
      "steps": ["type": "boolean"], "order": ["type": "integer", "enum": [1, 2]],
      "output": string("A program's statement to differentiate (--output)."), "format": format,
    ]) { $1 }
    var check = point()
    check.merge([
      "expression": string("The expression F or a program."), "wrt": string("The variable(s) (--wrt)."),
      "claim": ["type": "array", "items": ["type": "string"], "description": "One claim per variable (--claim)."],
      "claimUpload": [
        "type": "array", "items": ["type": "string", "contentEncoding": "base64"], "description": "Dense claims as .npy, base64 (--claim-file).",
      ],
      "claimProgram": string("A claimed backward pass of a program (--claim-program)."),
      "layout": [
        "type": "string", "enum": ["numerator", "denominator", "numerator-rowmajor", "tensor", "sympy", "shape"],
      ],
      "tolerance": ["type": "number"], "hideAnswer": ["type": "boolean"], "output": string("--output"), "format": format,
    ]) { $1 }
    var spy = point()
    spy.merge(["expression": string("The expression F."), "wrt": string("The variable X.")]) { $1 }
    let layouts = ["numerator", "denominator", "numerator-rowmajor", "tensor", "sympy", "shape"]
    let convert: [String: Any] = [
      "input": ["type": "string", "contentEncoding": "base64", "description": "The dense derivative, .npy, base64."],
      "from": ["type": "string", "enum": layouts], "to": ["type": "string", "enum": layouts],
      "outputShape": string("m,n"), "inputShape": string("a,b"), "format": ["type": "string", "enum": ["json", "text"]],
    ]
    return [
      "openapi": "3.1.0",
      "info": [
        "title": "jac serve", "version": "1",
        "description": "The JSON API of jac serve (docs/serve.md): each endpoint runs the jac subcommand of the same name in memory. "
          + "Layout: numerator over column-major vec, J[p + q·m, i + j·a] = ∂F[p,q]/∂X[i,j].",
      ],
      "x-jac-hide-answer": settings.hideAnswer,
      "x-jac-limits": [
        "maxBodyBytes": l.maximumBodyBytes, "maxExpressionLength": l.maximumExpressionLength, "maxEntries": l.maximumEntries,
        "timeLimitSeconds": l.timeLimit, "maxConcurrent": l.maximumConcurrent,
        "readTimeoutSeconds": l.readTimeout,
      ],
      "paths": [
        "/api/derive": operation(
          "jac derive: the derivative in closed form", object(derive, required: ["expression", "wrt"]), ok: textAnswer,
          extraResponses: hidden),
        "/api/check": operation(
          "jac check: verify a claimed derivative and diagnose it", object(check, required: ["expression"]), ok: textAnswer),
        "/api/chain": operation(
          "jac chain: the cost of each order of a product of Jacobians",
          object(["factors": strings, "order": strings, "format": format], required: ["factors"]), ok: textAnswer),
        "/api/convert": operation(
          "jac convert: a dense derivative in another layout (also a raw .npy body with the fields in the query)",
          object(convert, required: ["input", "from", "to", "outputShape", "inputShape"]),
          ok: [
            "description": "jac's JSON with the converted .npy in `npy` (base64), or the raw file with Accept: application/octet-stream or ?download=npy.",
            "content": ["application/json": ["schema": ["type": "object"]], "application/octet-stream": ["schema": ["type": "string", "format": "binary"]]],
          ]),
        "/api/spy": operation(
          "jac spy: the Jacobian at the point as an SVG picture", object(spy, required: ["expression", "wrt"]),
          ok: ["description": "The picture.", "content": ["image/svg+xml": ["schema": ["type": "string"]]]], extraResponses: hidden),
      ],
      "components": [
        "schemas": [
          "Error": ["type": "object", "properties": ["error": ["type": "string"]], "required": ["error"]]
        ]
      ],
    ]
  }
}
