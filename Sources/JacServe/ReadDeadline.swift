import NIOCore
import NIOHTTPTypes

/// The read timeout of `jac serve` (`--read-timeout`): each request must arrive whole, head and
/// body, within the timeout of the moment the server starts waiting for it (the connection
/// opened, or the previous answer was written); otherwise the connection is closed. A connection
/// that sits idle between requests is closed after the same time.
///
/// Why not Hummingbird's own `idleTimeout` (HTTP1Channel.Configuration): it restarts on every
/// decoded part, so a client that sends a request body a few bytes at a time, each a little
/// before the timeout, would hold its connection (and the handler awaiting the body) for as long
/// as it likes. This handler is a deadline per request instead; it sits in Hummingbird's
/// `additionalChannelHandlers`, after the HTTP codec: it sees decoded request parts coming in and
/// response parts going out. A head that arrives byte by byte produces no part until it is
/// whole, so the deadline counts from the wait's start whatever the client sends.
final class ReadDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPRequestPart
  typealias InboundOut = HTTPRequestPart
  typealias OutboundIn = HTTPResponsePart
  typealias OutboundOut = HTTPResponsePart

  private let timeout: TimeAmount
  private var deadline: Scheduled<Void>?
  /// Requests whose head was read and whose answer has not been written to its end yet.
  private var unanswered = 0
  /// A request's head was read and its end not yet.
  private var reading = false

  init(timeout: TimeAmount) { self.timeout = timeout }

  func handlerAdded(context: ChannelHandlerContext) {
    if context.channel.isActive { arm(context) }
  }

  func handlerRemoved(context: ChannelHandlerContext) { disarm() }

  func channelActive(context: ChannelHandlerContext) {
    arm(context)
    context.fireChannelActive()
  }

  func channelInactive(context: ChannelHandlerContext) {
    disarm()
    context.fireChannelInactive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head:
      unanswered += 1
      reading = true
    case .body:
      break
    case .end:
      reading = false
      // The request is in and awaits its answer: the computation's own time limit applies.
      if unanswered > 0 { disarm() }
    }
    context.fireChannelRead(data)
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    if case .end = unwrapOutboundIn(data) {
      // An answer is out: wait for the next request, or for the rest of one being read (an
      // answer may also come before its request's body, 413).
      unanswered = max(0, unanswered - 1)
      if unanswered == 0 || reading { arm(context) }
    }
    context.write(data, promise: promise)
  }

  /// Starts the wait for the next request (once: a deadline already running is kept).
  private func arm(_ context: ChannelHandlerContext) {
    guard deadline == nil else { return }
    deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
      self.deadline = nil
      context.close(promise: nil)
    }
  }

  private func disarm() {
    deadline?.cancel()
    deadline = nil
  }
}

@available(*, unavailable)
extension ReadDeadlineHandler: Sendable {}
