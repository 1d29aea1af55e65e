import HanAPI
import HanSearch

/// The answer to `GET /stats`: the index figures, the synonyms in use (``SynonymStatus``), and with
/// `--watch` the watcher's ``FolderWatchService/Status``. The index figures stay at the top level, as
/// they always were; the rest are added fields.
struct StatsResponse: Encodable {
    var index: IndexStats
    var synonyms: SynonymStatus
    var watch: FolderWatchService.Status?

    private enum CodingKeys: String, CodingKey { case synonyms, watch }

    func encode(to encoder: any Encoder) throws {
        try index.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(synonyms, forKey: .synonyms)
        try container.encodeIfPresent(watch, forKey: .watch)
    }
}
