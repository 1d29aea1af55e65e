/// One newspaper page as recovered from scrambled PDF text by ``PageParser``.
///
/// A page carries an optional running head (the banner) and the articles printed on it, in reading order.
public struct Page: Codable, Sendable, Equatable {
    /// The page's running head: the line(s) above the first article title, with spaces normalized.
    /// Also stored as the first segment (kind ``SegmentKind/banner``) of the first article.
    public var banner: String?
    /// The articles of the page in reading order. Empty for an empty page.
    public var articles: [Article]

    /// Creates a page from its banner and articles.
    public init(banner: String? = nil, articles: [Article] = []) {
        self.banner = banner
        self.articles = articles
    }
}

/// One article of a ``Page``: its title, its authors, its section headings and its text segments.
public struct Article: Codable, Sendable, Equatable {
    /// The article title. Empty for text that precedes the first recognized title on a page.
    public var title: String
    /// The author names, one per person, with stray spaces removed (`仇 欢 应 磊` gives `["仇欢", "应磊"]`).
    /// Empty when the page prints no authors line for the article.
    public var authors: [String]
    /// The section headings of the article, in order. The same texts appear as ``SegmentKind/heading`` segments.
    public var sections: [String]
    /// Everything printed under the title, in reading order: body paragraphs (with broken sentences
    /// rejoined), headings, captions, credits and — for the first article only — the banner.
    public var segments: [PageSegment]

    /// Creates an article.
    public init(title: String, authors: [String] = [], sections: [String] = [], segments: [PageSegment] = []) {
        self.title = title
        self.authors = authors
        self.sections = sections
        self.segments = segments
    }

    /// The texts of the segments of `kind`, in reading order.
    public func texts(of kind: SegmentKind) -> [String] {
        segments.filter { $0.kind == kind }.map(\.text)
    }
}

/// One piece of an article's text, tagged with what it is and the section it falls under.
public struct PageSegment: Codable, Sendable, Equatable {
    /// What the text is: body, caption, heading, credit or banner.
    public var kind: SegmentKind
    /// The heading of the section this segment falls under; `nil` before the article's first heading.
    /// A heading segment falls under itself.
    public var section: String?
    /// The text, with spaces between CJK characters removed (see ``PageParser``).
    public var text: String
    /// The PDF page the segment starts on, from 1; nil for pages read from text.
    public var page: Int?

    /// Creates a segment.
    public init(kind: SegmentKind, section: String? = nil, text: String, page: Int? = nil) {
        self.kind = kind
        self.section = section
        self.text = text
        self.page = page
    }
}

/// The role a ``PageSegment`` plays on the page.
public enum SegmentKind: String, Codable, Sendable, CaseIterable {
    /// A body paragraph of the article.
    case body
    /// A photo caption.
    case caption
    /// A section heading inside the article.
    case heading
    /// A photo credit such as `(图片由…提供)`, parentheses included.
    case credit
    /// The page's running head.
    case banner
}
