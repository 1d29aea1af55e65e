import HanSearch
@testable import HanServe
import Hummingbird
import Testing

/// Each failure of the index answers the status a client can act on.
@Suite("Index errors as HTTP answers")
struct APIErrorTests {
    @Test("what passes is 503, a missing document 404, the rest 500", arguments: [
        (HanSearchError.indexLocked(path: "ix"), HTTPResponse.Status.serviceUnavailable, "unavailable"),
        (.modified(path: "ix"), .serviceUnavailable, "unavailable"),
        (.unavailable(location: "tcp://127.0.0.1:9", message: "refused"), .serviceUnavailable, "shard_unavailable"),
        (.documentNotFound(id: "r1"), .notFound, "document_not_found"),
        (.indexNotFound(path: "ix"), .internalServerError, "index_error"),
        (.io(path: "ix/x", message: "No space left on device"), .internalServerError, "index_error"),
        (.data(action: "reading r1", message: "bad JSON"), .internalServerError, "index_error"),
        (.engine(action: "searching", type: "DatabaseCorruptError", message: "bad block"), .internalServerError,
         "index_error"),
    ])
    func statuses(error: HanSearchError, status: HTTPResponse.Status, code: String) {
        let answer = APIError.from(error)
        #expect(answer.status == status)
        #expect(answer.code == code)
        #expect(answer.message == error.description)
    }
}
