// The engine's floor for a HanSearch bulk build: Xapian alone adding exactly the documents HanSearch adds.
//
//   floor dump INDEX DUMP [LEVER...]
//                              writes every document of INDEX (built by `hanindex index`): its data,
//                              values, and each term with its wdf and positions; each LEVER changes
//                              the layout as a prototype would, to measure it before writing it:
//                              titles-once: positionless title terms (T) only in each article's
//                              first segment; lean-data: data {"n","x"} only, the article's fields
//                              kept in its first segment; per-article: one document per article
//                              (see Levers); per-block=N: articles grouped N bytes to a document;
//                              unigram-positions: positions for every CJK character
//   floor build DUMP OUT [T]   adds the dumped documents to Xapian as BulkIndexer does (T threads,
//                              default 2, each writing shards of 4 MB of input without syncing or a
//                              term list and committing every 256 KB, handed batches of 64 KB), then
//                              merges the shards with compaction into OUT
//
// A document read back from an index is the document that was added (terms, wdf, positions, data,
// values; the terms from the posting lists, since a bulk build writes no term list), so the dump needs
// no Swift. Input bytes (segment text and title, which set the commit and shard cadence) are read
// from the segment JSON's text ("x") and title ("h") strings (layouts 6 to 8; layout 8 keeps the JSON
// in value slot 3, compressed with the zstd dictionary in the index's metadata: the per-segment dump
// keeps the stored bytes, the per-article levers store the JSON as document data, as they did).
#include <xapian.h>
#include <zstd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>
#include <algorithm>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

// The segment JSON of stored document data: a zstd frame compressed with the dictionary that the index
// keeps in base64 under hansearch.data-dictionary (layout 8), or JSON as it is.
class SegmentJSON {
    ZSTD_DDict *dictionary = nullptr;
    ZSTD_DCtx *context = ZSTD_createDCtx();

    static std::string base64(const std::string &text) {
        std::string out;
        uint32_t bits = 0;
        int count = 0;
        for (char c : text) {
            const char *digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            const char *at = std::strchr(digits, c);
            if (c == '=' || !at) continue;
            bits = bits << 6 | uint32_t(at - digits);
            if ((count += 6) >= 8) out += char(bits >> (count -= 8) & 0xFF);
        }
        return out;
    }

public:
    explicit SegmentJSON(const Xapian::Database &db) {
        std::string stored = base64(db.get_metadata("hansearch.data-dictionary"));
        if (!stored.empty()) dictionary = ZSTD_createDDict(stored.data(), stored.size());
    }
    ~SegmentJSON() { ZSTD_freeDDict(dictionary); ZSTD_freeDCtx(context); }

    std::string json(const std::string &stored) {
        if (stored.compare(0, 4, "\x28\xb5\x2f\xfd") != 0) return stored;
        unsigned long long size = ZSTD_getFrameContentSize(stored.data(), stored.size());
        if (!dictionary || size >= (1u << 30)) throw std::runtime_error("compressed data without its dictionary");
        std::string out(size, '\0');
        size_t n = ZSTD_decompress_usingDDict(context, out.data(), out.size(), stored.data(), stored.size(), dictionary);
        if (ZSTD_isError(n)) throw std::runtime_error(ZSTD_getErrorName(n));
        return out;
    }
};

void put32(std::string &out, uint32_t v) { out.append(reinterpret_cast<const char *>(&v), 4); }
void putString(std::string &out, const std::string &s) { put32(out, uint32_t(s.size())); out += s; }

// Length in bytes of the JSON string value of "key", escapes counted as one byte.
uint32_t jsonStringBytes(const std::string &data, const char *key) {
    std::string needle = std::string("\"") + key + "\":\"";
    size_t at = data.find(needle);
    if (at == std::string::npos) return 0;
    uint32_t n = 0;
    for (size_t i = at + needle.size(); i < data.size() && data[i] != '"'; ++i, ++n) {
        if (data[i] == '\\') ++i;
    }
    return n;
}

// The number after "key": in the JSON data (0 when absent).
uint32_t jsonNumber(const std::string &data, const char *key) {
    size_t at = data.find(std::string("\"") + key + "\":");
    return at == std::string::npos ? 0 : uint32_t(std::strtoul(data.c_str() + at + std::strlen(key) + 3, nullptr, 10));
}

// The JSON text of the string value of "key", quotes included (empty when absent).
std::string jsonString(const std::string &data, const char *key) {
    std::string needle = std::string("\"") + key + "\":\"";
    size_t at = data.find(needle);
    if (at == std::string::npos) return "";
    size_t i = at + needle.size();
    while (i < data.size() && data[i] != '"') i += data[i] == '\\' ? 2 : 1;
    return data.substr(at + needle.size() - 1, i + 2 - (at + needle.size()));
}

// per-article and per-block: the value slot holding the offset table (Dumped::offsets), which
// bench/floor/locate.cpp reads
constexpr uint32_t kOffsetSlot = 9;

// One dumped document: what `floor build` adds.
struct Dumped {
    uint32_t inputBytes = 0;
    std::string data;
    std::vector<std::pair<uint32_t, std::string>> values;
    struct Term { uint32_t wdf = 0; std::vector<uint32_t> positions; };
    std::string offsets;  // per-article and per-block: each segment's first position, 4 bytes LE each
    std::map<std::string, Term> terms;

    void write(std::string &out) const {
        put32(out, inputBytes);
        putString(out, data);
        put32(out, uint32_t(values.size()));
        for (auto &[slot, value] : values) { put32(out, slot); putString(out, value); }
        put32(out, uint32_t(terms.size()));
        for (auto &[term, entry] : terms) {
            putString(out, term);
            put32(out, entry.wdf);
            put32(out, uint32_t(entry.positions.size()));
            for (uint32_t p : entry.positions) put32(out, p);
        }
    }
};

// Levers: each changes the layout of the dumped documents as a prototype would.
struct Levers {
    bool titlesOnce = false;  // positionless title terms (T) only in each article's first segment
    bool leanData = false;    // data {"n","x"} only, the article's fields kept in its first segment
    bool perArticle = false;  // one document per article: its segments' terms merged, positions
                              // moved past the previous segment's plus a gap (no phrase crosses
                              // segments), wdf summed; id, title terms and values once; data: the
                              // article's first segment's data and {"n","b","x"} for each other one
                              // (b: the segment's first position, to find a match's segment), and
                              // the b of every segment as 4-byte integers in value slot 9
    bool unigramPositions = false;  // every CJK unigram positioned, not only at a run's ends, so
                                    // that positions can locate a one-character query
    uint32_t blockBytes = 0;  // per-block=N: as per-article, but consecutive articles share one
                              // document until it holds N bytes of input
};

// The first character of `term` when it is a CJK bigram (two characters of three or four UTF-8 bytes).
std::string bigramHead(const std::string &term) {
    auto length = [](unsigned char lead) { return lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 0; };
    int first = term.empty() ? 0 : length(term[0]);
    if (!first || size_t(first) >= term.size()) return "";
    int second = length(term[first]);
    return second && size_t(first + second) == term.size() ? term.substr(0, first) : "";
}

// Gives every CJK unigram a position: a character inside a run stands where its bigram with the next
// character starts.
void addUnigramPositions(Dumped &d) {
    std::vector<std::pair<std::string, uint32_t>> added;
    for (auto &[term, entry] : d.terms) {
        std::string head = bigramHead(term);
        if (!head.empty()) for (uint32_t p : entry.positions) added.emplace_back(head, p);
    }
    for (auto &[unigram, p] : added) d.terms[unigram].positions.push_back(p);
    for (auto &[term, entry] : d.terms) {
        std::sort(entry.positions.begin(), entry.positions.end());
        entry.positions.erase(std::unique(entry.positions.begin(), entry.positions.end()), entry.positions.end());
    }
}

// Every document's terms, read from the posting lists: a bulk-built index (layout 7) has no term list.
using TermsByDocument = std::unordered_map<Xapian::docid, std::vector<std::pair<std::string, Dumped::Term>>>;
TermsByDocument invert(const Xapian::Database &db) {
    TermsByDocument terms;
    for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
        for (auto p = db.postlist_begin(*t); p != db.postlist_end(*t); ++p) {
            Dumped::Term entry;
            entry.wdf = p.get_wdf();
            for (auto q = p.positionlist_begin(); q != p.positionlist_end(); ++q) entry.positions.push_back(*q);
            terms[*p].emplace_back(*t, std::move(entry));
        }
    }
    return terms;
}

// The value slots HanSearch sets (date, document id, source, segment data); listing a document's values
// needs a term list.
constexpr uint32_t kValueSlots[] = {0, 1, 2, 3};
constexpr uint32_t kDataSlot = 3;

// The segment (stored by layout 6 and 7, StoredSegment's one-letter keys) read back as it was added.
Dumped readSegment(const Xapian::Document &doc, const std::string &json,
                   std::vector<std::pair<std::string, Dumped::Term>> &terms, const Levers &levers, uint32_t ordinal) {
    Dumped d;
    // Per segment the data is added as stored; merged into articles, as JSON document data.
    bool asJSON = levers.perArticle || levers.leanData;
    if (asJSON) d.data = json;
    d.inputBytes = jsonStringBytes(json, "x") + jsonStringBytes(json, "h");
    if (levers.leanData && ordinal != 1)
        d.data = "{\"n\":" + std::to_string(ordinal) + ",\"x\":" + jsonString(json, "x") + "}";
    for (uint32_t slot : kValueSlots) {
        if (asJSON && slot == kDataSlot) continue;
        std::string value = doc.get_value(slot);
        if (!value.empty()) d.values.emplace_back(slot, value);
    }
    bool dropTitle = levers.titlesOnce && ordinal != 1;
    for (auto &[term, entry] : terms) {
        if (dropTitle && term[0] == 'T') continue;
        d.terms[term] = std::move(entry);
    }
    if (levers.unigramPositions) addUnigramPositions(d);
    return d;
}

// Appends `segment` (ordinal `ordinal` of its article) to the document `merged`, which holds one
// article or a block of them: an article's fields (its first segment's data, title and id terms) are
// kept once per article, every other segment stores {"n","b","x"}.
void mergeSegment(Dumped &merged, uint32_t &nextBase, const Dumped &segment, uint32_t ordinal,
                  const std::string &segmentText) {
    bool articleStart = ordinal == 1;
    uint32_t base = nextBase, last = 0;
    merged.inputBytes += segment.inputBytes;
    for (auto &[term, entry] : segment.terms) {
        char prefix = term[0];
        if (prefix == 'Q') continue;  // the segment id: the document gets one id term in dump
        if (!articleStart && (prefix == 'T' || prefix == 'D')) continue;
        Dumped::Term &into = merged.terms[term];
        into.wdf += entry.wdf;
        for (uint32_t p : entry.positions) {
            into.positions.push_back(p + base);
            last = std::max(last, p + base);
        }
    }
    nextBase = std::max(nextBase, last + 2);
    put32(merged.offsets, base);
    std::string stored = articleStart
        ? segment.data.substr(0, segment.data.size() - 1) + ",\"b\":" + std::to_string(base) + "}"
        : "{\"n\":" + std::to_string(ordinal) + ",\"b\":" + std::to_string(base) + ",\"x\":" + segmentText + "}";
    if (merged.data.empty()) {
        merged.values = segment.values;  // a block keeps its first article's values only
        merged.data = "[" + stored;
    } else {
        merged.data += "," + stored;
    }
}

int dump(const char *index, const char *path, const Levers &levers) {
    Xapian::Database db(index);
    std::ofstream out(path, std::ios::binary);
    std::string buffer;
    // per-article: articles in the order of their first segment, completed as their segments come
    std::vector<std::string> order;
    std::map<std::string, std::pair<Dumped, uint32_t>> articles;
    std::string block;  // per-block: the block being filled, and its input so far
    uint32_t blockInput = 0;
    TermsByDocument terms = invert(db);
    SegmentJSON decoder(db);
    for (Xapian::PostingIterator it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
        Xapian::Document doc = db.get_document(*it);
        std::string data = decoder.json(doc.get_value(kDataSlot));
        uint32_t ordinal = jsonNumber(data, "n");
        Dumped segment = readSegment(doc, data, terms[*it], levers, ordinal);
        if (!levers.perArticle) {
            segment.write(buffer);
        } else {
            std::string id = jsonString(data, "d");
            if (levers.blockBytes) {
                // a new block when an article starts and the current block is full
                if (ordinal == 1 && (block.empty() || blockInput >= levers.blockBytes)) {
                    block = "\"block-" + std::to_string(order.size()) + "\"";
                    blockInput = 0;
                }
                blockInput += segment.inputBytes;
                id = block;
            }
            auto [slot, isNew] = articles.try_emplace(id);
            if (isNew) order.push_back(id);
            mergeSegment(slot->second.first, slot->second.second, segment, ordinal, jsonString(data, "x"));
        }
        if (buffer.size() > (1 << 20)) { out << buffer; buffer.clear(); }
    }
    for (const std::string &id : order) {
        Dumped &article = articles[id].first;
        article.data += "]";
        article.terms["Q" + id.substr(1, id.size() - 2)] = {};  // id is JSON text, quotes included
        article.values.emplace_back(kOffsetSlot, article.offsets);
        article.write(buffer);
        if (buffer.size() > (1 << 20)) { out << buffer; buffer.clear(); }
    }
    out << buffer;
    std::fprintf(stderr, "floor dump: %u segments%s\n", db.get_doccount(),
                 levers.perArticle ? (", " + std::to_string(order.size()) + " articles").c_str() : "");
    return 0;
}

struct Reader {
    const char *p;
    uint32_t u32() { uint32_t v; std::memcpy(&v, p, 4); p += 4; return v; }
    std::string str() { uint32_t n = u32(); std::string s(p, n); p += n; return s; }
};

// One dumped document, decoded into a Xapian::Document (timed: it stands for the Swift side's hand-over).
Xapian::Document decode(Reader &r, uint32_t &inputBytes) {
    Xapian::Document doc;
    inputBytes = r.u32();
    doc.set_data(r.str());
    for (uint32_t n = r.u32(); n > 0; --n) {
        uint32_t slot = r.u32();
        doc.add_value(slot, r.str());
    }
    for (uint32_t n = r.u32(); n > 0; --n) {
        std::string term = r.str();
        uint32_t wdf = r.u32(), positions = r.u32();
        if (wdf == 0 && positions == 0) { doc.add_boolean_term(term); continue; }
        // title phrase terms (H) are positioned with wdf 0
        for (uint32_t i = 0; i < positions; ++i) doc.add_posting(term, r.u32(), wdf >= positions ? 1 : 0);
        if (wdf > positions) doc.add_term(term, wdf - positions);
    }
    return doc;
}

int build(const char *path, const char *outPath, int threads) {
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Batches of about 64 KB of input, dealt round robin to the workers as BulkIndexer's queue does
    // on a machine whose workers keep up.
    std::vector<std::vector<const char *>> perWorker(threads);
    std::vector<std::vector<uint32_t>> batchEnds(threads);
    {
        Reader r{bytes.data()};
        const char *end = bytes.data() + bytes.size();
        int worker = 0;
        uint32_t batch = 0;
        while (r.p < end) {
            perWorker[worker].push_back(r.p);
            uint32_t input;
            decode(r, input);  // only to find the next record; decoded again when timed
            batch += input;
            if (batch >= (64u << 10)) {
                batchEnds[worker].push_back(uint32_t(perWorker[worker].size()));
                batch = 0;
                worker = (worker + 1) % threads;
            }
        }
    }
    setenv("XAPIAN_FLUSH_THRESHOLD", "4000000000", 1);
    auto start = std::chrono::steady_clock::now();
    std::vector<std::vector<std::string>> shards(threads);
    std::vector<std::thread> pool;
    for (int w = 0; w < threads; ++w) {
        pool.emplace_back([&, w] {
            Xapian::WritableDatabase db;
            bool open = false;
            uint32_t pending = 0, inShard = 0;
            for (const char *record : perWorker[w]) {
                if (!open) {
                    shards[w].push_back(std::string(outPath) + ".shard-" + std::to_string(w) + "-" +
                                        std::to_string(shards[w].size()));
                    db = Xapian::WritableDatabase(shards[w].back(), Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC | Xapian::DB_NO_TERMLIST);
                    open = true;
                }
                Reader r{record};
                uint32_t input;
                db.add_document(decode(r, input));
                pending += input;
                inShard += input;
                if (inShard >= (4u << 20)) {
                    db.commit();
                    db.close();
                    open = false;
                    pending = inShard = 0;
                } else if (pending >= (256u << 10)) {
                    db.commit();
                    pending = 0;
                }
            }
            if (open) { db.commit(); db.close(); }
        });
    }
    for (auto &t : pool) t.join();
    auto added = std::chrono::steady_clock::now();
    Xapian::Database all;
    for (auto &list : shards) for (auto &s : list) all.add_database(Xapian::Database(s));
    all.compact(outPath, Xapian::Compactor::FULL);  // as BulkIndexer.finish() merges
    auto merged = std::chrono::steady_clock::now();
    for (auto &list : shards) for (auto &s : list) std::system(("rm -rf '" + s + "'").c_str());
    auto seconds = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
    std::printf("floor: %u documents, add %.2f s, merge %.2f s, total %.2f s wall\n", all.get_doccount(),
                seconds(start, added), seconds(added, merged), seconds(start, merged));
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    try {
        if (argc >= 4 && std::strcmp(argv[1], "dump") == 0) {
            Levers levers;
            for (int i = 4; i < argc; ++i) {
                if (std::strcmp(argv[i], "titles-once") == 0) levers.titlesOnce = true;
                else if (std::strcmp(argv[i], "lean-data") == 0) levers.leanData = true;
                else if (std::strcmp(argv[i], "per-article") == 0) levers.perArticle = true;
                else if (std::strcmp(argv[i], "unigram-positions") == 0) levers.unigramPositions = true;
                else if (std::strncmp(argv[i], "per-block=", 10) == 0) {
                    levers.perArticle = true;
                    levers.blockBytes = uint32_t(std::atoi(argv[i] + 10));
                }
                else { std::cerr << "floor: unknown lever " << argv[i] << "\n"; return 64; }
            }
            return dump(argv[2], argv[3], levers);
        }
        if ((argc == 4 || argc == 5) && std::strcmp(argv[1], "build") == 0)
            return build(argv[2], argv[3], argc == 5 ? std::atoi(argv[4]) : 2);
    } catch (const Xapian::Error &e) {
        std::cerr << "floor: " << e.get_description() << "\n";
        return 1;
    }
    std::cerr << "usage: floor dump INDEX DUMP [titles-once] [lean-data] [per-article] [per-block=N] [unigram-positions] | floor build DUMP OUT [THREADS]\n";
    return 64;
}
