import Foundation
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// hanserve's HTTP/1.1 connections: Hummingbird's pipeline with three repairs at the HTTP/1 level,
/// where Hummingbird's own channel sees only version-less HTTP types:
/// - raw UTF-8 in the first request line is percent-encoded before parsing (curl sends it so, and the
///   parser refuses it);
/// - an HTTP/1.0 request without keep-alive is answered with `Connection: close` and the connection closed;
/// - a request the HTTP parser refuses is answered with the JSON error shape instead of an empty 400.
struct HTTPConnection: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let idleTimeout: Duration?

    /// A server builder for `Application(server:)`.
    static func builder(idleTimeout: Duration?) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in HTTPConnection(responder: responder, idleTimeout: idleTimeout) }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(RequestLineEncoder())
            // Hummingbird's own limits (a refusal is a JSON 400 from HTTP1Guard).
            let limits = HTTP1Channel.Configuration().httpDecoder
            var decoderLimits = NIOHTTPDecoderLimitConfiguration()
            decoderLimits.maxHeaderFieldSize = limits.maxHeaderFieldSize
            decoderLimits.maxHeaderListSize = limits.maxHeaderListSize
            decoderLimits.maxHeaderFieldCount = limits.maxHeaderFieldCount
            try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: false,
                                                     withOutboundHeaderValidation: false, withEncoderConfiguration: .init(),
                                                     withDecoderLimitConfiguration: decoderLimits)
            try pipeline.addHandler(HTTP1Guard(logger: logger))
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: idleTimeout, logger: logger))
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel,
                                       configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

/// Percent-encodes the bytes above 0x7F in a connection's first request line, so that a target written
/// in raw UTF-8 (`GET /search?q=宁波`) is parsed like its encoded form instead of refused.
///
/// Only the first request: where a later request starts in the byte stream is known only to the parser,
/// and rewriting bytes of a body would corrupt it. A later raw line gets the parser's 400 (as JSON).
final class RequestLineEncoder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The longest request line that is buffered to be encoded; a longer one goes to the parser as it is.
    static let maximumLineLength = 16 << 10
    private var line: [UInt8] = []
    private var done = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return context.fireChannelRead(data) }
        let bytes = unwrapInboundIn(data).readableBytesView
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
            line.append(contentsOf: bytes)
            if line.count > RequestLineEncoder.maximumLineLength { forward(context, line, rest: []) }
            return
        }
        line.append(contentsOf: bytes[..<newline])
        let hex = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        encoded.reserveCapacity(line.count + 16)
        for byte in line {
            if byte < 0x80 {
                encoded.append(byte)
            } else {
                encoded += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        forward(context, encoded, rest: bytes[newline...])
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done && !line.isEmpty { forward(context, line, rest: []) }
        context.fireChannelInactive()
    }

    private func forward(_ context: ChannelHandlerContext, _ head: [UInt8], rest: ByteBufferView.SubSequence) {
        done = true
        line = []
        var buffer = context.channel.allocator.buffer(capacity: head.count + rest.count)
        buffer.writeBytes(head)
        buffer.writeBytes(rest)
        context.fireChannelRead(wrapInboundOut(buffer))
    }
}

/// Closes HTTP/1.0 connections that did not ask for keep-alive after their answer, and answers what the
/// HTTP parser refuses with a JSON error naming the problem.
final class HTTP1Guard: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let logger: Logger
    /// Requests whose answer is not completely written yet.
    private var unanswered = 0
    /// Whether a request's head came and its end did not yet.
    private var readingRequest = false
    /// Whether to close the connection once the answers in progress are written.
    private var closeAfterAnswers = false
    /// A parse error to answer once the answers in progress are written.
    private var pendingRefusal: HTTPParserError?

    init(logger: Logger) {
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(var head):
            unanswered += 1
            readingRequest = true
            if !head.isKeepAlive {
                // Hummingbird closes after the answer to a request marked so.
                head.headers.replaceOrAdd(name: "connection", value: "close")
                closeAfterAnswers = true
            }
            context.fireChannelRead(wrapInboundOut(.head(head)))
        case .end(let trailers):
            readingRequest = false
            context.fireChannelRead(wrapInboundOut(.end(trailers)))
        case .body(let body):
            context.fireChannelRead(wrapInboundOut(.body(body)))
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        guard case .end = part else {
            if case .head(var head) = part, closeAfterAnswers {
                head.headers.replaceOrAdd(name: "connection", value: "close")
                return context.write(wrapOutboundOut(.head(head)), promise: promise)
            }
            return context.write(data, promise: promise)
        }
        unanswered -= 1
        guard unanswered == 0, closeAfterAnswers else { return context.write(data, promise: promise) }
        if let refusal = pendingRefusal {
            context.write(data, promise: promise)
            return refuse(context, refusal)
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenComplete { _ in context.close(promise: nil) }
        if let promise { written.futureResult.cascade(to: promise) }
        context.writeAndFlush(data, promise: written)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard let error = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        logger.info("refused a malformed request", metadata: ["error": "\(error)"])
        closeAfterAnswers = true
        if readingRequest {
            // The request's body stream fails with it, and its route answers 400 (or whatever it read).
            return context.fireErrorCaught(error)
        }
        if unanswered == 0 { refuse(context, error) } else { pendingRefusal = error }
    }

    /// Writes the JSON 400 for `error` and closes the connection.
    private func refuse(_ context: ChannelHandlerContext, _ error: HTTPParserError) {
        pendingRefusal = nil
        let body = JSONResponse.encoded(APIError.Body(error: .init(code: "bad_request",
                                                                   message: HTTP1Guard.describe(error), records: nil)))
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json; charset=utf-8")
        headers.add(name: "content-length", value: "\(body.count)")
        headers.add(name: "connection", value: "close")
        for field in SecurityHeaders.everyResponse { headers.add(name: field.name.rawName, value: field.value) }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))),
                      promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    static func describe(_ error: HTTPParserError) -> String {
        let problem: String
        switch error {
        case .invalidURL, .invalidPath, .invalidQueryString, .invalidCharactersUsed:
            problem = "the request target holds a character HTTP does not allow there; percent-encode it"
        case .invalidMethod: problem = "the method is not an HTTP method"
        case .invalidVersion: problem = "the HTTP version is not HTTP/1.0 or HTTP/1.1"
        case .headerOverflow: problem = "the headers are too many or too large"
        case .invalidHeaderToken, .invalidConstant, .lfExpected: problem = "a header line is malformed"
        case .invalidContentLength, .unexpectedContentLength: problem = "Content-Length is malformed or conflicting"
        case .invalidChunkSize: problem = "a chunk size is not a valid hexadecimal number"
        default: problem = "it is not valid HTTP/1.1"
        }
        return "the request cannot be parsed: \(problem) (\(error))"
    }
}
