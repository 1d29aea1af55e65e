// The query side of a per-article or per-block layout, measured before writing it: segments found by
// position offsets inside larger Xapian documents, against today's one document per segment.
//
//   locate SEGMENTS BLOCKS PATTERNS [REPEAT]
//
// SEGMENTS is an index built by `hanindex index`; BLOCKS the same corpus rebuilt by
// `floor dump ... per-article` or `per-block=N` and `floor build` (each document's data is a JSON
// array of its segments, each with "b", its first position). PATTERNS is `hanbench --patterns`: per
// query, its phrase patterns folded as the index is. For every query, in both indexes:
//   all   every matching segment: SEGMENTS by a Xapian match (BoolWeight, all documents); BLOCKS by a
//         Xapian match of the blocks, then each pattern's phrase starts from the position lists of its
//         terms, mapped to segments by the "b" table, the patterns' segment sets intersected;
//   top   ten ranked segments and the exact total: SEGMENTS by a BM25 match of ten, then an unranked
//         count when Xapian's bounds on the total differ (as a search does); BLOCKS as `all`, then each matching
//         segment scored by its terms' occurrences in it, the best ten kept (all must be located: a
//         block's weight says nothing about its segments).
// Both give the exact number of matching segments; they must agree, and any query where they do not is
// printed, as is one whose ranking kept other than min(10, total) segments. BLOCKS are timed twice: with
// the offset tables ("b") read into memory before timing, and read from each matching block's value slot
// 9 (as `floor dump` stores them, 4 bytes per segment). A query with a one-term pattern whose term has occurrences without a
// position (a CJK character inside a run) cannot be located by positions; such queries are counted and
// left out of both sides' figures.
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Pattern = std::vector<std::string>;

struct QueryLine {
    std::string text;
    std::vector<Pattern> patterns;
};

std::vector<QueryLine> readPatterns(const char *path) {
    std::ifstream in(path);
    std::vector<QueryLine> queries;
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        QueryLine query;
        std::getline(fields, query.text, '\t');
        for (std::string field; std::getline(fields, field, '\t');) {
            std::istringstream words(field);
            Pattern pattern;
            for (std::string term; words >> term;) pattern.push_back(term);
            query.patterns.push_back(pattern);
        }
        queries.push_back(query);
    }
    return queries;
}

Xapian::Query matcher(const QueryLine &query) {
    std::vector<Xapian::Query> phrases;
    for (const Pattern &p : query.patterns) {
        std::vector<Xapian::Query> terms(p.begin(), p.end());
        phrases.push_back(terms.size() == 1 ? terms[0]
                                            : Xapian::Query(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(), terms.size()));
    }
    return phrases.size() == 1 ? phrases[0] : Xapian::Query(Xapian::Query::OP_AND, phrases.begin(), phrases.end());
}

// The first positions of a block's segments ("b"), by block docid, read from the blocks' data.
struct BlockTable {
    std::vector<std::vector<uint32_t>> bases;
    uint32_t segments = 0;

    explicit BlockTable(Xapian::Database &db) {
        bases.resize(db.get_lastdocid() + 1);
        for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
            std::string data = db.get_document(*it).get_data();
            for (size_t at = data.find("\"b\":"); at != std::string::npos; at = data.find("\"b\":", at + 4)) {
                bases[*it].push_back(uint32_t(std::strtoul(data.c_str() + at + 4, nullptr, 10)));
                ++segments;
            }
        }
    }
};

// The value slot where `floor dump` stores a block's offset table (floor.cpp's kOffsetSlot).
constexpr Xapian::valueno kOffsetSlot = 9;

// The table as `floor dump` stores it: 4-byte little-endian integers.
std::vector<uint32_t> offsetsFromValue(Xapian::Database &db, Xapian::docid did) {
    std::string value = db.get_document(did).get_value(kOffsetSlot);
    std::vector<uint32_t> out(value.size() / 4);
    std::memcpy(out.data(), value.data(), out.size() * 4);
    return out;
}

std::vector<uint32_t> positions(Xapian::Database &db, Xapian::docid did, const std::string &term) {
    std::vector<uint32_t> out;
    for (auto p = db.positionlist_begin(did, term); p != db.positionlist_end(did, term); ++p) out.push_back(*p);
    return out;
}

// Whether some occurrence of `term` has no position (then positions cannot locate it).
bool hasPositionlessOccurrences(Xapian::Database &db, const std::string &term) {
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
        Xapian::termcount count = 0;
        for (auto p = it.positionlist_begin(); p != it.positionlist_end(); ++p) ++count;
        if (count < it.get_wdf()) return true;
    }
    return false;
}

struct Located {
    size_t total = 0;
    std::vector<double> best;  // the ten best scores (fewer when fewer segments match)
};

// Every segment of BLOCKS matching `query`; with `rank`, also scores them and keeps the best ten. The
// offset tables come from `table` in memory, or with `fromValues` from each matching block's value.
Located locate(Xapian::Database &db, const BlockTable &table, const QueryLine &query, bool rank, bool fromValues) {
    Xapian::Enquire enquire(db);
    enquire.set_query(matcher(query));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    Xapian::MSet blocks = enquire.get_mset(0, db.get_doccount());
    Located result;
    std::vector<double> &best = result.best;
    for (auto m = blocks.begin(); m != blocks.end(); ++m) {
        Xapian::docid did = *m;
        std::vector<uint32_t> read;
        const std::vector<uint32_t> &b = fromValues ? (read = offsetsFromValue(db, did)) : table.bases[did];
        std::vector<uint32_t> matching;  // the block's segments (by index in b) holding every pattern
        std::vector<std::vector<uint32_t>> termPositions;
        for (size_t i = 0; i < query.patterns.size(); ++i) {
            const Pattern &pattern = query.patterns[i];
            std::vector<std::vector<uint32_t>> lists;
            for (const std::string &term : pattern) lists.push_back(positions(db, did, term));
            std::vector<uint32_t> segments;
            for (uint32_t start : lists[0]) {
                bool all = true;
                for (size_t t = 1; t < lists.size() && all; ++t)
                    all = std::binary_search(lists[t].begin(), lists[t].end(), start + uint32_t(t));
                if (all) segments.push_back(uint32_t(std::upper_bound(b.begin(), b.end(), start) - b.begin() - 1));
            }
            segments.erase(std::unique(segments.begin(), segments.end()), segments.end());
            if (i == 0) {
                matching = segments;
            } else {
                std::vector<uint32_t> both;
                std::set_intersection(matching.begin(), matching.end(), segments.begin(), segments.end(),
                                      std::back_inserter(both));
                matching.swap(both);
            }
            if (rank) for (auto &l : lists) termPositions.push_back(std::move(l));
        }
        result.total += matching.size();
        if (!rank) continue;
        // occurrences of the query's terms inside each matching segment (a stand-in for BM25's term
        // frequencies), one sweep of each position list since segments and positions both ascend
        std::vector<double> scores(matching.size(), 0);
        for (const auto &list : termPositions) {
            auto p = list.begin();
            for (size_t i = 0; i < matching.size(); ++i) {
                uint32_t index = matching[i];
                uint32_t from = b[index], to = index + 1 < b.size() ? b[index + 1] : UINT32_MAX;
                while (p != list.end() && *p < from) ++p;
                while (p != list.end() && *p < to) { ++p; scores[i] += 1; }
            }
        }
        for (double score : scores) {
            if (best.size() == 10 && score <= best.front()) continue;
            best.push_back(score);
            std::push_heap(best.begin(), best.end(), std::greater<double>());
            if (best.size() > 10) { std::pop_heap(best.begin(), best.end(), std::greater<double>()); best.pop_back(); }
        }
    }
    return result;
}

size_t segmentMatches(Xapian::Database &db, const QueryLine &query, bool rank) {
    Xapian::Enquire enquire(db);
    enquire.set_query(matcher(query));
    if (!rank) {
        enquire.set_weighting_scheme(Xapian::BoolWeight());
        return enquire.get_mset(0, db.get_doccount()).size();
    }
    // with the exact total, as a search returns it: Xapian's bounds when they agree, else a count
    Xapian::MSet top = enquire.get_mset(0, 10);
    if (top.get_matches_lower_bound() == top.get_matches_upper_bound()) return top.get_matches_lower_bound();
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    return enquire.get_mset(0, db.get_doccount()).size();
}

template <typename Body> double medianMilliseconds(int repeat, Body body) {
    std::vector<double> times;
    for (int i = 0; i < repeat; ++i) {
        auto start = std::chrono::steady_clock::now();
        body();
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

double percentile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, size_t(q * double(v.size())))];
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) {
        std::cerr << "usage: locate SEGMENTS BLOCKS PATTERNS [REPEAT]\n";
        return 64;
    }
    try {
        Xapian::Database segments(argv[1]), blocks(argv[2]);
        std::vector<QueryLine> queries = readPatterns(argv[3]);
        int repeat = argc == 5 ? std::atoi(argv[4]) : 3;
        BlockTable table(blocks);
        if (table.segments != segments.get_doccount()) {
            std::cerr << "locate: " << argv[2] << " holds " << table.segments << " segments, " << argv[1]
                      << " " << segments.get_doccount() << "\n";
            return 1;
        }
        std::vector<double> segAll, segTop, blkAll[2], blkTop[2];  // [0]: tables in memory, [1]: from values
        int unlocatable = 0, mismatches = 0;
        for (const QueryLine &query : queries) {
            bool locatable = true;
            for (const Pattern &p : query.patterns)
                if (p.size() == 1 && hasPositionlessOccurrences(blocks, p[0])) locatable = false;
            if (!locatable) { ++unlocatable; continue; }
            size_t expected = 0;
            segAll.push_back(medianMilliseconds(repeat, [&] { expected = segmentMatches(segments, query, false); }));
            segTop.push_back(medianMilliseconds(repeat, [&] { segmentMatches(segments, query, true); }));
            for (int fromValues = 0; fromValues < 2; ++fromValues) {
                Located found, ranked;
                blkAll[fromValues].push_back(medianMilliseconds(repeat, [&] { found = locate(blocks, table, query, false, fromValues); }));
                blkTop[fromValues].push_back(medianMilliseconds(repeat, [&] { ranked = locate(blocks, table, query, true, fromValues); }));
                if (found.total != expected || ranked.total != expected || ranked.best.size() != std::min<size_t>(10, expected)) {
                    ++mismatches;
                    std::printf("mismatch: %s: %zu segments, located %zu\n", query.text.c_str(), expected, found.total);
                }
            }
        }
        std::printf("%zu queries: %zu located, %d left out (a one-term pattern with positionless occurrences), "
                    "%d differ (in total or in the ranked count)\n", queries.size(), segAll.size(), unlocatable, mismatches);
        std::printf("| | all p50 ms | all p99 ms | top-10 p50 ms | top-10 p99 ms |\n|---|---:|---:|---:|---:|\n");
        std::printf("| one document per segment | %.3f | %.3f | %.3f | %.3f |\n", percentile(segAll, 0.5),
                    percentile(segAll, 0.99), percentile(segTop, 0.5), percentile(segTop, 0.99));
        std::string blocksName = argv[2];
        blocksName = blocksName.substr(blocksName.find_last_of('/') + 1);
        for (int fromValues = 0; fromValues < 2; ++fromValues)
            std::printf("| %s, located, offsets %s | %.3f | %.3f | %.3f | %.3f |\n", blocksName.c_str(),
                        fromValues ? "read from value slot 9" : "in memory", percentile(blkAll[fromValues], 0.5),
                        percentile(blkAll[fromValues], 0.99), percentile(blkTop[fromValues], 0.5),
                        percentile(blkTop[fromValues], 0.99));
    } catch (const Xapian::Error &e) {
        std::cerr << "locate: " << e.get_description() << "\n";
        return 1;
    }
    return 0;
}
