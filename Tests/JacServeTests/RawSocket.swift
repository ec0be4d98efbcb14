import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A plain TCP connection to a test server, for what an HTTP client library would not do: send
/// half a request and stall, or dribble a body byte by byte.
final class RawSocket {
  private let fd: Int32

  /// Connects to `localhost:port` (IPv4 or IPv6, whichever the server bound).
  init(port: Int) throws {
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo("localhost", String(port), &hints, &list) == 0, let first = list else {
      throw RawSocketError("localhost does not resolve")
    }
    defer { freeaddrinfo(list) }
    var node: UnsafeMutablePointer<addrinfo>? = first
    while let a = node {
      let s = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
      if s >= 0 {
        if connect(s, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 {
          fd = s
          return
        }
        close(s)
      }
      node = a.pointee.ai_next
    }
    throw RawSocketError("cannot connect to localhost:\(port)")
  }

  deinit { close(fd) }

  /// Sends `text`; false when the server has closed the connection.
  @discardableResult
  func send(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
  }

  /// What the server sent until it closed the connection, or nil when it had not closed it
  /// after `seconds`.
  func readUntilClosed(within seconds: Double) -> String? {
    var received: [UInt8] = []
    let end = Date().addingTimeInterval(seconds)
    while true {
      let left = end.timeIntervalSinceNow
      if left <= 0 { return nil }
      guard let chunk = read(waiting: left) else { return nil }
      if chunk.isEmpty { return String(decoding: received, as: UTF8.self) }
      received += chunk
    }
  }

  /// Whether the server has closed the connection, looking for at most `seconds` (what it sent
  /// before closing is dropped).
  func isClosed(within seconds: Double) -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while true {
      let left = end.timeIntervalSinceNow
      if left <= 0 { return false }
      guard let chunk = read(waiting: left) else { return false }
      if chunk.isEmpty { return true }
    }
  }

  /// The bytes that arrive within `seconds`: empty at the end of the stream (or a reset), nil
  /// when nothing arrived.
  private func read(waiting seconds: Double) -> [UInt8]? {
    var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    let ready = poll(&p, 1, Int32(max(1, (seconds * 1000).rounded(.up))))
    guard ready > 0 else { return nil }
    var buffer = [UInt8](repeating: 0, count: 65_536)
    let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
    return n <= 0 ? [] : Array(buffer[0..<n])
  }
}

struct RawSocketError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
