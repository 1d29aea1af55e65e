// cxapian.cpp — implementation of the extern "C" API declared in cxapian.h.
//
// Every entry point runs its body inside guard()/guard_ptr(), which catch
// Xapian::Error, std::exception and anything else, so no exception ever
// crosses the C boundary.

#include "cxapian.h"

#include <xapian.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <utility>
#include <vector>

struct hx_database {
    Xapian::Database db;
};

struct hx_writable_database {
    Xapian::WritableDatabase db;
};

struct hx_document {
    Xapian::Document doc;
};

struct hx_termlist {
    std::vector<std::string> terms;
    std::vector<uint32_t> wdfs;
    std::vector<std::vector<uint32_t>> positions;
};

struct hx_query {
    Xapian::Query query;
};

struct hx_enquire {
    Xapian::Enquire enquire;
    explicit hx_enquire(const Xapian::Database &db) : enquire(db) {}
};

struct hx_mset {
    Xapian::MSet mset;
};

struct hx_value_count_spy {
    Xapian::ValueCountMatchSpy spy;
    explicit hx_value_count_spy(Xapian::valueno slot) : spy(slot) {}
};

static_assert(HX_DB_CREATE_OR_OPEN == Xapian::DB_CREATE_OR_OPEN, "action");
static_assert(HX_DB_CREATE_OR_OVERWRITE == Xapian::DB_CREATE_OR_OVERWRITE, "action");
static_assert(HX_DB_CREATE == Xapian::DB_CREATE, "action");
static_assert(HX_DB_OPEN == Xapian::DB_OPEN, "action");
static_assert(HX_DB_NO_SYNC == Xapian::DB_NO_SYNC, "flag");
static_assert(HX_DB_NO_TERMLIST == Xapian::DB_NO_TERMLIST, "flag");
static_assert(HX_COMPACT_FULL == Xapian::Compactor::FULL, "compact");
static_assert(HX_OP_AND == Xapian::Query::OP_AND, "op");
static_assert(HX_OP_OR == Xapian::Query::OP_OR, "op");
static_assert(HX_OP_AND_NOT == Xapian::Query::OP_AND_NOT, "op");
static_assert(HX_OP_AND_MAYBE == Xapian::Query::OP_AND_MAYBE, "op");
static_assert(HX_OP_FILTER == Xapian::Query::OP_FILTER, "op");
static_assert(HX_OP_PHRASE == Xapian::Query::OP_PHRASE, "op");

namespace {

char *dup_bytes(const char *p, size_t n) {
    char *out = static_cast<char *>(std::malloc(n + 1));
    if (!out) throw std::bad_alloc();
    if (n) std::memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

char *dup_string(const std::string &s) { return dup_bytes(s.data(), s.size()); }

// Never throws: on allocation failure the error is simply not reported
// in detail (type/message may be NULL).
void set_error(hx_error **err, const char *type, const std::string &message) {
    if (!err) return;
    hx_error *e = static_cast<hx_error *>(std::malloc(sizeof(hx_error)));
    if (!e) return;
    size_t tl = std::strlen(type);
    e->type = static_cast<char *>(std::malloc(tl + 1));
    if (e->type) std::memcpy(e->type, type, tl + 1);
    e->message = static_cast<char *>(std::malloc(message.size() + 1));
    if (e->message) std::memcpy(e->message, message.c_str(), message.size() + 1);
    *err = e;
}

void report(hx_error **err) noexcept {
    try {
        throw;
    } catch (const Xapian::Error &e) {
        try {
            set_error(err, e.get_type(), e.get_msg());
        } catch (...) {
        }
    } catch (const std::exception &e) {
        try {
            set_error(err, "std::exception", e.what());
        } catch (...) {
        }
    } catch (...) {
        try {
            set_error(err, "UnknownError", "unknown C++ exception");
        } catch (...) {
        }
    }
}

template <class F>
int guard(hx_error **err, F &&f) noexcept {
    try {
        f();
        return 0;
    } catch (...) {
        report(err);
        return 1;
    }
}

template <class T, class F>
T *guard_ptr(hx_error **err, F &&f) noexcept {
    try {
        return f();
    } catch (...) {
        report(err);
        return nullptr;
    }
}

void require(const void *p, const char *what) {
    if (!p) throw Xapian::InvalidArgumentError(std::string("NULL ") + what);
}

hx_mset *check_index(const hx_mset *m, size_t i) {
    require(m, "mset");
    if (i >= m->mset.size()) throw Xapian::RangeError("MSet index out of range");
    return const_cast<hx_mset *>(m);
}

}  // namespace

extern "C" {

/* ---------------------------------------------------------------- errors */

void hx_error_free(hx_error *err) {
    if (!err) return;
    std::free(err->type);
    std::free(err->message);
    std::free(err);
}

void hx_string_free(char *s) { std::free(s); }

/* ------------------------------------------------------- read database */

hx_database *hx_database_open(const char *path, hx_error **err) {
    return guard_ptr<hx_database>(err, [&] {
        require(path, "path");
        return new hx_database{Xapian::Database(path)};
    });
}

hx_database *hx_database_new_empty(hx_error **err) {
    return guard_ptr<hx_database>(err, [&] { return new hx_database{Xapian::Database()}; });
}

void hx_database_free(hx_database *db) { delete db; }

int hx_database_add_database(hx_database *db, const hx_database *other, hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        require(other, "database");
        db->db.add_database(other->db);
    });
}

int hx_database_reopen(hx_database *db, int *changed, hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        bool c = db->db.reopen();
        if (changed) *changed = c ? 1 : 0;
    });
}

int hx_database_compact(const hx_database *db, const char *dest, unsigned flags, int block_size,
                        hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        require(dest, "dest");
        // Database::compact is not const in 1.4, though it only reads the database.
        const_cast<Xapian::Database &>(db->db).compact(dest, flags, block_size);
    });
}

int hx_database_get_doccount(const hx_database *db, uint32_t *out, hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        *out = db->db.get_doccount();
    });
}

int hx_database_get_termfreq(const hx_database *db, const char *term, uint32_t *out,
                             hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        require(term, "term");
        *out = db->db.get_termfreq(term);
    });
}

int hx_database_count_terms(const hx_database *db, const char *prefix, uint64_t *out, hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        require(prefix, "prefix");
        uint64_t count = 0;
        for (auto it = db->db.allterms_begin(prefix); it != db->db.allterms_end(prefix); ++it) ++count;
        *out = count;
    });
}

int hx_database_get_metadata(const hx_database *db, const char *key, char **value, size_t *len,
                             hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        require(key, "key");
        require(value, "value");
        std::string v = db->db.get_metadata(key);
        *value = dup_string(v);
        if (len) *len = v.size();
    });
}

int hx_database_metadata_keys(const hx_database *db, const char *prefix, char **keys, size_t *len,
                              hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        require(prefix, "prefix");
        require(keys, "keys");
        std::string all;
        for (auto it = db->db.metadata_keys_begin(prefix); it != db->db.metadata_keys_end(prefix); ++it) {
            all += *it;
            all += '\0';
        }
        *keys = dup_string(all);
        if (len) *len = all.size();
    });
}

hx_document *hx_database_get_document(const hx_database *db, uint32_t docid, hx_error **err) {
    return guard_ptr<hx_document>(err, [&] {
        require(db, "database");
        Xapian::Document doc = db->db.get_document(docid);
        // Fetch the data now, so that later reads from the handle cannot fail
        // with DatabaseModifiedError.  (Not the values: nothing reads them from
        // here, and listing them needs a term list, which bulk builds omit.)
        doc.set_data(doc.get_data());
        return new hx_document{std::move(doc)};
    });
}

int hx_database_postlist(const hx_database *db, const char *term, uint32_t **docids,
                         size_t *count, hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        require(term, "term");
        require(docids, "docids");
        std::vector<uint32_t> ids;
        ids.reserve(db->db.get_termfreq(term));
        for (auto it = db->db.postlist_begin(term), end = db->db.postlist_end(term); it != end;
             ++it) {
            ids.push_back(*it);
        }
        uint32_t *out = nullptr;
        if (!ids.empty()) {
            out = static_cast<uint32_t *>(std::malloc(ids.size() * sizeof(uint32_t)));
            if (!out) throw std::bad_alloc();
            std::memcpy(out, ids.data(), ids.size() * sizeof(uint32_t));
        }
        *docids = out;
        if (count) *count = ids.size();
    });
}

void hx_docids_free(uint32_t *docids) { std::free(docids); }

/* --------------------------------------------------- writable database */

hx_writable_database *hx_writable_database_open(const char *path, int action_and_flags,
                                                hx_error **err) {
    return guard_ptr<hx_writable_database>(err, [&] {
        require(path, "path");
        return new hx_writable_database{Xapian::WritableDatabase(path, action_and_flags)};
    });
}

void hx_writable_database_free(hx_writable_database *db) { delete db; }

hx_database *hx_writable_database_as_database(const hx_writable_database *db, hx_error **err) {
    return guard_ptr<hx_database>(err, [&] {
        require(db, "database");
        return new hx_database{Xapian::Database(db->db)};
    });
}

int hx_writable_database_add_document(hx_writable_database *db, const hx_document *doc,
                                      uint32_t *docid, hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        require(doc, "document");
        Xapian::docid id = db->db.add_document(doc->doc);
        if (docid) *docid = id;
    });
}

int hx_writable_database_replace_document_by_term(hx_writable_database *db,
                                                  const char *unique_term, const hx_document *doc,
                                                  uint32_t *docid, hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        require(unique_term, "term");
        require(doc, "document");
        Xapian::docid id = db->db.replace_document(unique_term, doc->doc);
        if (docid) *docid = id;
    });
}

int hx_writable_database_delete_documents_by_term(hx_writable_database *db, const char *term,
                                                  hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        require(term, "term");
        db->db.delete_document(std::string(term));
    });
}

int hx_writable_database_delete_document(hx_writable_database *db, uint32_t docid,
                                         hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        db->db.delete_document(docid);
    });
}

int hx_writable_database_commit(hx_writable_database *db, hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        db->db.commit();
    });
}

int hx_writable_database_begin_transaction(hx_writable_database *db, int flushed,
                                           hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        db->db.begin_transaction(flushed != 0);
    });
}

int hx_writable_database_commit_transaction(hx_writable_database *db, hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        db->db.commit_transaction();
    });
}

int hx_writable_database_cancel_transaction(hx_writable_database *db, hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        db->db.cancel_transaction();
    });
}

int hx_writable_database_set_metadata(hx_writable_database *db, const char *key,
                                      const char *value, size_t len, hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        require(key, "key");
        if (len) require(value, "value");
        db->db.set_metadata(key, std::string(value ? value : "", len));
    });
}

int hx_writable_database_close(hx_writable_database *db, hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        db->db.close();
    });
}

/* ------------------------------------------------------------- document */

hx_document *hx_document_new(hx_error **err) {
    return guard_ptr<hx_document>(err, [&] { return new hx_document{Xapian::Document()}; });
}

void hx_document_free(hx_document *doc) { delete doc; }

int hx_document_set_data(hx_document *doc, const char *data, size_t len, hx_error **err) {
    return guard(err, [&] {
        require(doc, "document");
        if (len) require(data, "data");
        doc->doc.set_data(std::string(data ? data : "", len));
    });
}

int hx_document_get_data(const hx_document *doc, char **data, size_t *len, hx_error **err) {
    return guard(err, [&] {
        require(doc, "document");
        require(data, "data");
        std::string d = doc->doc.get_data();
        *data = dup_string(d);
        if (len) *len = d.size();
    });
}

int hx_document_get_value(const hx_document *doc, uint32_t slot, char **value, size_t *len, hx_error **err) {
    return guard(err, [&] {
        require(doc, "document");
        require(value, "value");
        std::string v = doc->doc.get_value(slot);
        *value = dup_string(v);
        if (len) *len = v.size();
    });
}

int hx_document_add_boolean_term(hx_document *doc, const char *term, hx_error **err) {
    return guard(err, [&] {
        require(doc, "document");
        require(term, "term");
        doc->doc.add_boolean_term(term);
    });
}

int hx_document_add_terms(hx_document *doc, const char *terms, size_t terms_len,
                          const uint32_t *positions, const uint8_t *wdf_increments, size_t count,
                          hx_error **err) {
    return guard(err, [&] {
        require(doc, "document");
        if (count == 0) return;
        require(terms, "terms");
        require(positions, "positions");
        require(wdf_increments, "wdf_increments");
        // Validate the layout first so a malformed buffer adds nothing.
        {
            const char *p = terms;
            const char *end = terms + terms_len;
            for (size_t i = 0; i < count; ++i) {
                const void *nul = std::memchr(p, '\0', static_cast<size_t>(end - p));
                if (!nul) {
                    throw Xapian::InvalidArgumentError(
                        "hx_document_add_terms: buffer holds fewer terms than count");
                }
                p = static_cast<const char *>(nul) + 1;
            }
            if (p != end) {
                throw Xapian::InvalidArgumentError(
                    "hx_document_add_terms: buffer holds more bytes than count terms");
            }
        }
        Xapian::Document &d = doc->doc;
        std::string term;
        const char *p = terms;
        for (size_t i = 0; i < count; ++i) {
            size_t n = std::strlen(p);
            if (n) {
                term.assign(p, n);
                if (positions[i] == 0) {
                    d.add_term(term, wdf_increments[i]);
                } else {
                    d.add_posting(term, positions[i], wdf_increments[i]);
                }
            }
            p += n + 1;
        }
    });
}

int hx_document_add_value(hx_document *doc, uint32_t slot, const char *value, size_t len,
                          hx_error **err) {
    return guard(err, [&] {
        require(doc, "document");
        if (len) require(value, "value");
        doc->doc.add_value(slot, std::string(value ? value : "", len));
    });
}

hx_termlist *hx_document_termlist(const hx_document *doc, hx_error **err) {
    return guard_ptr<hx_termlist>(err, [&] {
        require(doc, "document");
        hx_termlist *tl = new hx_termlist;
        try {
            for (auto it = doc->doc.termlist_begin(), end = doc->doc.termlist_end(); it != end;
                 ++it) {
                tl->terms.push_back(*it);
                tl->wdfs.push_back(it.get_wdf());
                std::vector<uint32_t> pos;
                for (auto p = it.positionlist_begin(), pend = it.positionlist_end(); p != pend;
                     ++p) {
                    pos.push_back(*p);
                }
                tl->positions.push_back(std::move(pos));
            }
        } catch (...) {
            delete tl;
            throw;
        }
        return tl;
    });
}

size_t hx_termlist_size(const hx_termlist *tl) { return tl ? tl->terms.size() : 0; }

const char *hx_termlist_term(const hx_termlist *tl, size_t i) {
    if (!tl || i >= tl->terms.size()) return nullptr;
    return tl->terms[i].c_str();
}

uint32_t hx_termlist_wdf(const hx_termlist *tl, size_t i) {
    if (!tl || i >= tl->wdfs.size()) return 0;
    return tl->wdfs[i];
}

const uint32_t *hx_termlist_positions(const hx_termlist *tl, size_t i, size_t *count) {
    if (!tl || i >= tl->positions.size()) {
        if (count) *count = 0;
        return nullptr;
    }
    const auto &p = tl->positions[i];
    if (count) *count = p.size();
    return p.data();
}

void hx_termlist_free(hx_termlist *tl) { delete tl; }

/* ---------------------------------------------------------------- query */

hx_query *hx_query_term(const char *term, uint32_t wqf, uint32_t pos, hx_error **err) {
    return guard_ptr<hx_query>(err, [&] {
        require(term, "term");
        return new hx_query{Xapian::Query(std::string(term), wqf, pos)};
    });
}

hx_query *hx_query_combine(int op, const hx_query *const *subqueries, size_t count,
                           uint32_t parameter, hx_error **err) {
    return guard_ptr<hx_query>(err, [&] {
        if (count) require(subqueries, "subqueries");
        std::vector<Xapian::Query> subs;
        subs.reserve(count);
        for (size_t i = 0; i < count; ++i) {
            require(subqueries[i], "subquery");
            subs.push_back(subqueries[i]->query);
        }
        return new hx_query{Xapian::Query(static_cast<Xapian::Query::op>(op), subs.begin(),
                                          subs.end(), parameter)};
    });
}

hx_query *hx_query_scale_weight(const hx_query *q, double factor, hx_error **err) {
    return guard_ptr<hx_query>(err, [&] {
        require(q, "query");
        return new hx_query{Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->query, factor)};
    });
}

hx_query *hx_query_value_range(uint32_t slot, const char *lo, size_t lo_len, const char *hi,
                               size_t hi_len, hx_error **err) {
    return guard_ptr<hx_query>(err, [&] {
        if (lo_len) require(lo, "lo");
        if (hi_len) require(hi, "hi");
        return new hx_query{Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot,
                                          std::string(lo ? lo : "", lo_len),
                                          std::string(hi ? hi : "", hi_len))};
    });
}

hx_query *hx_query_match_all(hx_error **err) {
    /* Query::MatchAll is one static object whose reference count is not atomic: copies of it made on
     * several threads at once corrupt it. The empty term is the same query, built afresh. */
    return guard_ptr<hx_query>(err, [&] { return new hx_query{Xapian::Query(std::string())}; });
}

namespace {
/* The docids a database lists in its metadata under a key ("3,7-9,12", ascending).  Xapian clones
 * the source for each subdatabase and initialises the clone with it, so each shard reads its own list. */
class ListedDocuments : public Xapian::PostingSource {
    std::string key;
    std::vector<std::pair<Xapian::docid, Xapian::docid>> ranges;
    size_t range = 0;
    Xapian::docid current = 0;
    Xapian::doccount count = 0;

  public:
    explicit ListedDocuments(std::string key_) : key(std::move(key_)) {}
    Xapian::PostingSource *clone() const override { return new ListedDocuments(key); }

    void init(const Xapian::Database &db) override {
        ranges.clear();
        count = 0;
        const std::string list = db.get_metadata(key);
        const char *p = list.c_str();
        while (*p) {
            char *end;
            Xapian::docid first = Xapian::docid(std::strtoul(p, &end, 10)), last = first;
            if (*end == '-') last = Xapian::docid(std::strtoul(end + 1, &end, 10));
            if (end == p || first == 0 || last < first || (!ranges.empty() && first <= ranges.back().second))
                throw Xapian::DatabaseCorruptError("metadata " + key + " is not an ascending docid list");
            ranges.emplace_back(first, last);
            count += last - first + 1;
            p = *end == ',' ? end + 1 : end;
        }
        range = 0;
        current = 0;
    }

    Xapian::doccount get_termfreq_min() const override { return count; }
    Xapian::doccount get_termfreq_est() const override { return count; }
    Xapian::doccount get_termfreq_max() const override { return count; }
    bool at_end() const override { return range >= ranges.size(); }
    Xapian::docid get_docid() const override { return current; }

    void next(double) override {
        if (current == 0) current = ranges.empty() ? 0 : ranges[0].first;
        else skip_to(current + 1, 0);
    }

    void skip_to(Xapian::docid did, double) override {
        if (did <= current) return;
        while (range < ranges.size() && ranges[range].second < did) ++range;
        current = range < ranges.size() ? std::max(did, ranges[range].first) : did;
    }
};
}  // namespace

hx_query *hx_query_listed_documents(const char *key, hx_error **err) {
    return guard_ptr<hx_query>(err, [&] {
        require(key, "key");
        return new hx_query{Xapian::Query((new ListedDocuments(key))->release())};
    });
}

void hx_query_free(hx_query *q) { delete q; }

/* -------------------------------------------------------------- enquire */

hx_enquire *hx_enquire_new(const hx_database *db, hx_error **err) {
    return guard_ptr<hx_enquire>(err, [&] {
        require(db, "database");
        return new hx_enquire(db->db);
    });
}

void hx_enquire_free(hx_enquire *enq) { delete enq; }

int hx_enquire_set_query(hx_enquire *enq, const hx_query *q, hx_error **err) {
    return guard(err, [&] {
        require(enq, "enquire");
        require(q, "query");
        enq->enquire.set_query(q->query);
    });
}

int hx_enquire_set_weighting_bool(hx_enquire *enq, hx_error **err) {
    return guard(err, [&] {
        require(enq, "enquire");
        enq->enquire.set_weighting_scheme(Xapian::BoolWeight());
    });
}

int hx_enquire_set_collapse_key(hx_enquire *enq, uint32_t slot, uint32_t max, hx_error **err) {
    return guard(err, [&] {
        require(enq, "enquire");
        if (max == 0) {
            enq->enquire.set_collapse_key(Xapian::BAD_VALUENO);
        } else {
            enq->enquire.set_collapse_key(slot, max);
        }
    });
}

int hx_enquire_set_sort_by_value_then_relevance(hx_enquire *enq, uint32_t slot, int reverse,
                                                hx_error **err) {
    return guard(err, [&] {
        require(enq, "enquire");
        enq->enquire.set_sort_by_value_then_relevance(slot, reverse != 0);
    });
}

hx_mset *hx_enquire_get_mset(hx_enquire *enq, uint32_t first, uint32_t maxitems,
                             uint32_t check_at_least, hx_error **err) {
    return guard_ptr<hx_mset>(err, [&] {
        require(enq, "enquire");
        return new hx_mset{enq->enquire.get_mset(first, maxitems, check_at_least)};
    });
}

int hx_enquire_add_value_count_spy(hx_enquire *enq, hx_value_count_spy *spy, hx_error **err) {
    return guard(err, [&] {
        require(enq, "enquire");
        require(spy, "spy");
        enq->enquire.add_matchspy(&spy->spy);
    });
}

/* ------------------------------------------------- value count match spy */

hx_value_count_spy *hx_value_count_spy_new(uint32_t slot, hx_error **err) {
    return guard_ptr<hx_value_count_spy>(err, [&] { return new hx_value_count_spy(slot); });
}

void hx_value_count_spy_free(hx_value_count_spy *spy) { delete spy; }

int hx_value_count_spy_get_value_count(const hx_value_count_spy *spy, size_t *out, hx_error **err) {
    return guard(err, [&] {
        require(spy, "spy");
        require(out, "out");
        size_t n = 0;
        for (auto it = spy->spy.values_begin(), end = spy->spy.values_end(); it != end; ++it) ++n;
        *out = n;
    });
}

int hx_value_count_spy_get_values(const hx_value_count_spy *spy, char **bytes, size_t *bytes_len,
                                  uint32_t *lengths, uint32_t *counts, size_t capacity,
                                  hx_error **err) {
    return guard(err, [&] {
        require(spy, "spy");
        require(bytes, "bytes");
        require(bytes_len, "bytes_len");
        std::string all;
        size_t i = 0;
        for (auto it = spy->spy.values_begin(), end = spy->spy.values_end(); it != end; ++it, ++i) {
            if (i >= capacity) throw Xapian::InvalidArgumentError("capacity is less than the number of values");
            require(lengths, "lengths");
            require(counts, "counts");
            std::string value = *it;
            lengths[i] = static_cast<uint32_t>(value.size());
            counts[i] = static_cast<uint32_t>(it.get_termfreq());
            all += value;
        }
        if (i != capacity) throw Xapian::InvalidArgumentError("capacity exceeds the number of values");
        *bytes = all.empty() ? nullptr : dup_string(all);
        *bytes_len = all.size();
    });
}

/* ----------------------------------------------------------------- mset */

void hx_mset_free(hx_mset *mset) { delete mset; }

size_t hx_mset_size(const hx_mset *mset) { return mset ? mset->mset.size() : 0; }

int hx_mset_get_matches_lower_bound(const hx_mset *mset, uint32_t *out, hx_error **err) {
    return guard(err, [&] {
        require(mset, "mset");
        *out = mset->mset.get_matches_lower_bound();
    });
}

int hx_mset_get_matches_upper_bound(const hx_mset *mset, uint32_t *out, hx_error **err) {
    return guard(err, [&] {
        require(mset, "mset");
        *out = mset->mset.get_matches_upper_bound();
    });
}

int hx_mset_get_items(const hx_mset *mset, uint32_t *docids, double *weights, hx_error **err) {
    return guard(err, [&] {
        require(mset, "mset");
        size_t i = 0;
        for (auto it = mset->mset.begin(), end = mset->mset.end(); it != end; ++it, ++i) {
            if (docids) docids[i] = *it;
            if (weights) weights[i] = it.get_weight();
        }
    });
}

int hx_mset_get_collapse_keys(const hx_mset *mset, char **bytes, size_t *bytes_len, uint32_t *lengths,
                              hx_error **err) {
    return guard(err, [&] {
        require(mset, "mset");
        require(bytes, "bytes");
        require(bytes_len, "bytes_len");
        require(lengths, "lengths");
        std::string all;
        size_t i = 0;
        for (auto it = mset->mset.begin(), end = mset->mset.end(); it != end; ++it, ++i) {
            std::string key = it.get_collapse_key();
            lengths[i] = static_cast<uint32_t>(key.size());
            all += key;
        }
        *bytes = all.empty() ? nullptr : dup_string(all);
        *bytes_len = all.size();
    });
}

int hx_mset_get_data(const hx_mset *mset, size_t i, char **data, size_t *len, hx_error **err) {
    return guard(err, [&] {
        require(data, "data");
        std::string d = check_index(mset, i)->mset[i].get_document().get_data();
        *data = dup_string(d);
        if (len) *len = d.size();
    });
}

int hx_mset_get_value(const hx_mset *mset, size_t i, uint32_t slot, char **value, size_t *len, hx_error **err) {
    return guard(err, [&] {
        require(value, "value");
        std::string v = check_index(mset, i)->mset[i].get_document().get_value(slot);
        *value = dup_string(v);
        if (len) *len = v.size();
    });
}

// =====================================================================
// Remote databases (sharding branch): see the block at the end of cxapian.h.
// =====================================================================

int hx_database_add_remote(hx_database *db, const char *host, unsigned port,
                           unsigned timeout_ms, unsigned connect_timeout_ms, hx_error **err) {
    return guard(err, [&] {
        require(db, "database");
        require(host, "host");
        if (connect_timeout_ms == 0) throw Xapian::InvalidArgumentError("connect timeout must be positive");
        db->db.add_database(Xapian::Remote::open(host, port, timeout_ms, connect_timeout_ms));
    });
}

hx_writable_database *hx_writable_database_open_remote(const char *host, unsigned port,
                                                       unsigned timeout_ms, unsigned connect_timeout_ms,
                                                       hx_error **err) {
    return guard_ptr<hx_writable_database>(err, [&] {
        require(host, "host");
        if (connect_timeout_ms == 0) throw Xapian::InvalidArgumentError("connect timeout must be positive");
        return new hx_writable_database{
            Xapian::Remote::open_writable(host, port, timeout_ms, connect_timeout_ms)};
    });
}

}  // extern "C"
