// The engine's floor for a HanSearch bulk build: Xapian alone adding exactly the documents HanSearch adds.
//
//   floor dump INDEX DUMP [LEVER...]
//                              writes every document of INDEX (built by `hanindex index`): its data,
//                              values, and each term with its wdf and positions; each LEVER changes
//                              the layout as a prototype would, to measure it before writing it:
//                              titles-once: title terms only in each article's first segment;
//                              lean-data: data {"ordinal","text"} only, the article's fields kept
//                              in its first segment
//   floor build DUMP OUT [T]   adds the dumped documents to Xapian as BulkIndexer does (T threads,
//                              default 2, each writing shards of 4 MB of input without syncing and
//                              committing every 256 KB, handed batches of 64 KB), then merges the
//                              shards with compaction into OUT
//
// A document read back from an index is the document that was added (terms, wdf, positions, data,
// values), so the dump needs no Swift. Input bytes (segment text and title, which set the commit and
// shard cadence) are read from the JSON data's "text" and "title" strings.
#include <xapian.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

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

int dump(const char *index, const char *path, bool titlesOnce, bool leanData) {
    Xapian::Database db(index);
    std::ofstream out(path, std::ios::binary);
    std::string buffer;
    for (Xapian::PostingIterator it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
        Xapian::Document doc = db.get_document(*it);
        std::string data = doc.get_data();
        uint32_t ordinal = jsonNumber(data, "ordinal");
        put32(buffer, jsonStringBytes(data, "text") + jsonStringBytes(data, "title"));
        if (leanData && ordinal != 1) {
            data = "{\"ordinal\":" + std::to_string(ordinal) + ",\"text\":" + jsonString(data, "text") + "}";
        }
        putString(buffer, data);
        put32(buffer, doc.values_count());
        for (auto v = doc.values_begin(); v != doc.values_end(); ++v) {
            put32(buffer, v.get_valueno());
            putString(buffer, *v);
        }
        bool dropTitle = titlesOnce && ordinal != 1;
        uint32_t kept = 0;
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) kept += !(dropTitle && (*t)[0] == 'T');
        put32(buffer, kept);
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
            if (dropTitle && (*t)[0] == 'T') continue;
            putString(buffer, *t);
            put32(buffer, t.get_wdf());
            put32(buffer, t.positionlist_count());
            for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) put32(buffer, *p);
        }
        if (buffer.size() > (1 << 20)) { out << buffer; buffer.clear(); }
    }
    out << buffer;
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
        for (uint32_t i = 0; i < positions; ++i) doc.add_posting(term, r.u32(), 1);
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
                    db = Xapian::WritableDatabase(shards[w].back(), Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
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
            bool titlesOnce = false, leanData = false;
            for (int i = 4; i < argc; ++i) {
                if (std::strcmp(argv[i], "titles-once") == 0) titlesOnce = true;
                else if (std::strcmp(argv[i], "lean-data") == 0) leanData = true;
                else { std::cerr << "floor: unknown lever " << argv[i] << "\n"; return 64; }
            }
            return dump(argv[2], argv[3], titlesOnce, leanData);
        }
        if ((argc == 4 || argc == 5) && std::strcmp(argv[1], "build") == 0)
            return build(argv[2], argv[3], argc == 5 ? std::atoi(argv[4]) : 2);
    } catch (const Xapian::Error &e) {
        std::cerr << "floor: " << e.get_description() << "\n";
        return 1;
    }
    std::cerr << "usage: floor dump INDEX DUMP [titles-once] [lean-data] | floor build DUMP OUT [THREADS]\n";
    return 64;
}
