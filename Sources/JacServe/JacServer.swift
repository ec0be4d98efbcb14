import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import JacCommands
import Logging
import NIOCore

/// The request context: Hummingbird's, with the client's address for the access log.
public struct ServeContext: RequestContext, RemoteAddressRequestContext {
  public var coreContext: CoreRequestContextStorage
  public let remoteAddress: SocketAddress?
  public init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    remoteAddress = source.channel.remoteAddress
  }
}

/// The `jac serve` application: its routes, limits and access log.
public enum JacServer {
  /// The router: the page at `/`, the OpenAPI document, the API under `/api/`.
  /// - Parameter log: where access-log lines go (nil: nowhere); `jac serve` writes them to stderr.
  public static func router(settings: ServerSettings, log: (@Sendable (String) -> Void)?) -> Router<ServeContext> {
    router(settings: settings, log: log, slots: ComputationSlots(cap: settings.limits.maximumConcurrent))
  }

  /// The router with its computation places `slots` (the tests read their in-flight count).
  static func router(
    settings: ServerSettings, log: (@Sendable (String) -> Void)?, slots: ComputationSlots
  ) -> Router<ServeContext> {
    let router = Router(context: ServeContext.self)
    if let log { router.add(middleware: AccessLog(write: log)) }
    let api = API(settings: settings, slots: slots)
    router.get("/") { _, _ in Response.text(Page.html, type: "text/html; charset=utf-8") }
    router.get("/openapi.json") { _, _ in Response.text(OpenAPIDocument.json(settings: settings), type: "application/json") }
    router.post("/api/derive") { request, _ in await api.answer(DeriveRequest.self, request) }
    router.post("/api/check") { request, _ in await api.answer(CheckRequest.self, request) }
    router.post("/api/chain") { request, _ in await api.answer(ChainRequest.self, request) }
    router.post("/api/convert") { request, _ in await api.answer(ConvertRequest.self, request) }
    router.post("/api/spy") { request, _ in await api.answer(SpyRequest.self, request) }
    return router
  }

  /// The application listening on `host:port`; `onRunning` gets the port it bound (for port 0).
  public static func application(
    settings: ServerSettings, host: String, port: Int, onRunning: @escaping @Sendable (Int) -> Void
  ) -> some ApplicationProtocol {
    let log: (@Sendable (String) -> Void)? =
      settings.quiet ? nil : { @Sendable line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    var logger = Logger(label: "jac-serve")
    logger.logLevel = .critical
    return Application(
      router: router(settings: settings, log: log),
      server: .http1(configuration: http1Configuration(settings: settings)),
      configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "jac"),
      onServerRunning: { channel in onRunning(channel.localAddress?.port ?? port) },
      logger: logger)
  }
}

extension JacServer {
  /// The HTTP/1.1 channel: every connection gets the read deadline of `--read-timeout`.
  static func http1Configuration(settings: ServerSettings) -> HTTP1Channel.Configuration {
    let timeout = TimeAmount.nanoseconds(Int64((settings.limits.readTimeout * 1e9).rounded()))
    return HTTP1Channel.Configuration(additionalChannelHandlers: [ReadDeadlineHandler(timeout: timeout)])
  }
}

extension Response {
  static func text(_ text: String, type: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
    bytes(Array(text.utf8), type: type, status: status, headers: headers)
  }

  static func bytes(_ bytes: [UInt8], type: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
    var fields = headers
    fields[.contentType] = type
    fields[.cacheControl] = "no-store"
    return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
  }

  /// `{"error": sentence}` with `status`.
  static func error(_ sentence: String, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
    let body = (try? JSONEncoder().encode(["error": sentence])).map { Array($0) } ?? Array("{}".utf8)
    return bytes(body, type: "application/json", status: status, headers: headers)
  }
}

/// One line per request on stderr: time, client, method, path, status, milliseconds, bytes.
struct AccessLog<Context: RemoteAddressRequestContext>: RouterMiddleware {
  let write: @Sendable (String) -> Void

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
    let start = ContinuousClock.now
    let client = context.remoteAddress?.ipAddress ?? "-"
    func line(_ status: Int, _ bytes: String) -> String {
      let ms = (ContinuousClock.now - start) / .milliseconds(1)
      let time = Date().formatted(.iso8601)
      return "\(time) \(client) \(request.method) \(request.uri.path) \(status) \(String(format: "%.1f", ms)) ms \(bytes)"
    }
    do {
      let response = try await next(request, context)
      write(line(response.status.code, response.body.contentLength.map { "\($0) B" } ?? "-"))
      return response
    } catch {
      let status = (error as? HTTPResponseError)?.status.code ?? 500
      write(line(status, "-"))
      throw error
    }
  }
}
