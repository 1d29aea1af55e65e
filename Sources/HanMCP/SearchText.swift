import HanAPI
import HanSearch

/// The text beside the structured content, for clients that show an assistant only text.
enum SearchText {
    /// One hit per paragraph: `title › section`, the snippet with the matches in **bold**, the id.
    static func render(_ response: SearchResponse, offset: Int) -> String {
        guard response.total > 0 else { return "no matches for \(response.query)" }
        var lines = ["\(response.total) matching segment\(response.total == 1 ? "" : "s") for \(response.query)"
                     + (response.hits.isEmpty ? "" : " (showing \(offset + 1)–\(offset + response.hits.count))")]
        if response.partial == true {
            lines.append("partial: shards missing: " + (response.missingShards ?? []).joined(separator: ", "))
        }
        for (number, hit) in response.hits.enumerated() {
            let place = [hit.title, hit.section].compactMap { $0 }.joined(separator: " › ")
            let details = [hit.date, hit.source].compactMap { $0 }.joined(separator: " · ")
            lines.append("")
            lines.append("\(offset + number + 1). \(place)" + (details.isEmpty ? "" : " (\(details))"))
            lines.append("   " + Snippet.plainText(ofHTML: hit.snippet, open: "**", close: "**"))
            lines.append("   id: \(hit.id)  doc: \(hit.doc)")
        }
        for (name, counts) in [("source", response.facets?.source), ("year", response.facets?.year)] {
            guard let counts else { continue }
            lines.append("")
            lines.append("\(name): " + counts.map { "\($0.value) \($0.count)" }.joined(separator: " · "))
        }
        return lines.joined(separator: "\n")
    }

    /// The title, date and source, then each segment's section and text.
    static func render(_ document: DocumentResponse) -> String {
        let details = [document.date, document.source].compactMap { $0 }.joined(separator: " · ")
        var lines = ["# \(document.title)" + (details.isEmpty ? "" : " (\(details))"), "id: \(document.id)"]
        var section: String?
        for segment in document.segments {
            if let heading = segment.section, heading != section {
                lines.append("")
                lines.append("## \(heading)")
            }
            section = segment.section
            lines.append("")
            lines.append(segment.text)
        }
        return lines.joined(separator: "\n")
    }
}
