/*
 * cxapian.h — a small extern "C" API over Xapian 1.4's C++ API.
 *
 * Conventions
 * -----------
 * - All objects are opaque heap handles, released with the matching
 *   hx_*_free function (which accepts NULL).
 * - No function ever lets a C++ exception escape.  Functions that can fail
 *   take a trailing `hx_error **err` out-parameter (which may be NULL when
 *   the caller does not care).  On failure *err receives a heap hx_error
 *   that must be released with hx_error_free; on success *err is left
 *   untouched.
 * - Functions returning `int` return 0 on success and nonzero on error;
 *   results are delivered through out-parameters.  Functions returning a
 *   pointer return NULL on error.
 * - Strings and byte buffers handed to the caller are malloc'ed and must be
 *   released with hx_string_free.  Byte buffers (document data, values,
 *   metadata) are binary safe and come with an explicit length; they are
 *   also NUL-terminated for convenience.  Terms are C strings.
 * - Handles are not thread-safe.
 *
 * Only what HanSearch uses is bound, with one exception kept on purpose:
 * hx_document_termlist and its accessors, which the tests use to compare
 * what two ways of indexing stored.
 */
#ifndef CXAPIAN_H
#define CXAPIAN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- errors */

/** An error reported by Xapian (or by the C++ runtime). */
typedef struct hx_error {
    /** Xapian's error class name (e.g. "DatabaseLockError"), or
     *  "std::exception" / "UnknownError" for non-Xapian exceptions. */
    char *type;
    /** Human-readable message (Xapian's get_msg(), or what()). */
    char *message;
} hx_error;

/** Releases an error returned through an `hx_error **` out-parameter. */
void hx_error_free(hx_error *err);

/** Releases a string or byte buffer returned by this API. */
void hx_string_free(char *s);


/* --------------------------------------------------------------- handles */

typedef struct hx_database hx_database;                   /* Xapian::Database */
typedef struct hx_writable_database hx_writable_database; /* Xapian::WritableDatabase */
typedef struct hx_document hx_document;                   /* Xapian::Document */
typedef struct hx_termlist hx_termlist;                   /* snapshot of a document's terms */
typedef struct hx_query hx_query;                         /* Xapian::Query */
typedef struct hx_enquire hx_enquire;                     /* Xapian::Enquire */
typedef struct hx_mset hx_mset;                           /* Xapian::MSet */
typedef struct hx_value_count_spy hx_value_count_spy;     /* Xapian::ValueCountMatchSpy */

/* ------------------------------------------------------ database actions */

/* Open actions (values equal Xapian::DB_*). */
enum {
    HX_DB_CREATE_OR_OPEN = 0x00,
    HX_DB_CREATE_OR_OVERWRITE = 0x01,
    HX_DB_CREATE = 0x02,
    HX_DB_OPEN = 0x03
};

/* Flags, OR-ed with an action (values equal Xapian::DB_NO_SYNC, DB_NO_TERMLIST). */
enum {
    HX_DB_NO_SYNC = 0x04,
    HX_DB_NO_TERMLIST = 0x20
};

/* ------------------------------------------------------- read database */

/** Opens a database read-only.  Throws e.g. DatabaseOpeningError /
 *  DatabaseNotFoundError when the path is not a database. */
hx_database *hx_database_open(const char *path, hx_error **err);
/** Creates a database with no shards (add shards with hx_database_add_database). */
hx_database *hx_database_new_empty(hx_error **err);
void hx_database_free(hx_database *db);
/** Adds all shards of `other` to `db`. */
int hx_database_add_database(hx_database *db, const hx_database *other, hx_error **err);
/** Reopens at the latest revision; *changed is set to 1 if it changed. */
int hx_database_reopen(hx_database *db, int *changed, hx_error **err);
int hx_database_get_doccount(const hx_database *db, uint32_t *out, hx_error **err);
int hx_database_get_termfreq(const hx_database *db, const char *term, uint32_t *out, hx_error **err);
/** Number of distinct terms starting with `prefix` ("" counts every term). */
int hx_database_count_terms(const hx_database *db, const char *prefix, uint64_t *out, hx_error **err);
/** Metadata value for `key` ("" if unset) in a malloc'ed buffer. */
int hx_database_get_metadata(const hx_database *db, const char *key,
                             char **value, size_t *len, hx_error **err);
/** The metadata keys starting with `prefix`, in sorted order, each followed by
 *  a NUL byte, in one malloc'ed buffer of *len bytes (keys holding a NUL byte
 *  cannot be told apart). */
int hx_database_metadata_keys(const hx_database *db, const char *prefix,
                              char **keys, size_t *len, hx_error **err);
/** Loads document `docid` (its data and values are fetched eagerly). */
hx_document *hx_database_get_document(const hx_database *db, uint32_t docid, hx_error **err);
/** All docids indexed by `term`, ascending, in a malloc'ed array
 *  (free with hx_docids_free; NULL with *count == 0 when none). */
int hx_database_postlist(const hx_database *db, const char *term,
                         uint32_t **docids, size_t *count, hx_error **err);
void hx_docids_free(uint32_t *docids);

/* A compaction level for hx_database_compact (value equals Xapian::Compactor::FULL). */
enum {
    HX_COMPACT_FULL = 1
};

/** Writes a compacted copy of all shards of `db` to the new database folder
 *  `dest` (Xapian::Database::compact): tables are rewritten in sorted order,
 *  and documents of later shards are renumbered after earlier ones.  `flags`
 *  are Xapian's (a level such as HX_COMPACT_FULL); `block_size` 0 keeps the
 *  default. */
int hx_database_compact(const hx_database *db, const char *dest, unsigned flags, int block_size,
                        hx_error **err);

/* --------------------------------------------------- writable database */

/** Opens a writable database; `action_and_flags` is one HX_DB_* action OR-ed
 *  with HX_DB_* flags.  Throws DatabaseLockError when another writer holds
 *  the lock. */
hx_writable_database *hx_writable_database_open(const char *path, int action_and_flags,
                                                hx_error **err);
void hx_writable_database_free(hx_writable_database *db);
/** A read handle sharing the writable database's state (sees uncommitted
 *  changes; closing either closes both). */
hx_database *hx_writable_database_as_database(const hx_writable_database *db, hx_error **err);
int hx_writable_database_add_document(hx_writable_database *db, const hx_document *doc,
                                      uint32_t *docid, hx_error **err);
int hx_writable_database_replace_document_by_term(hx_writable_database *db, const char *unique_term,
                                                  const hx_document *doc, uint32_t *docid,
                                                  hx_error **err);
int hx_writable_database_delete_documents_by_term(hx_writable_database *db, const char *term,
                                                  hx_error **err);
int hx_writable_database_delete_document(hx_writable_database *db, uint32_t docid, hx_error **err);
int hx_writable_database_commit(hx_writable_database *db, hx_error **err);
int hx_writable_database_begin_transaction(hx_writable_database *db, int flushed, hx_error **err);
int hx_writable_database_commit_transaction(hx_writable_database *db, hx_error **err);
int hx_writable_database_cancel_transaction(hx_writable_database *db, hx_error **err);
int hx_writable_database_set_metadata(hx_writable_database *db, const char *key,
                                      const char *value, size_t len, hx_error **err);
int hx_writable_database_close(hx_writable_database *db, hx_error **err);

/* ------------------------------------------------------------- document */

hx_document *hx_document_new(hx_error **err);
void hx_document_free(hx_document *doc);
int hx_document_set_data(hx_document *doc, const char *data, size_t len, hx_error **err);
int hx_document_get_data(const hx_document *doc, char **data, size_t *len, hx_error **err);
/** The value in `slot` ("" when unset) in a malloc'ed buffer. */
int hx_document_get_value(const hx_document *doc, uint32_t slot, char **value, size_t *len, hx_error **err);
int hx_document_add_boolean_term(hx_document *doc, const char *term, hx_error **err);
/** Bulk add: `terms` holds `count` NUL-terminated terms back to back
 *  (`terms_len` bytes in total).  positions[i] == 0 means add_term(term, w),
 *  otherwise add_posting(term, positions[i], w), where w is wdf_increments[i].
 *  Empty terms are skipped.
 *  Fails with InvalidArgumentError if the buffer does not hold exactly
 *  `count` terms. */
int hx_document_add_terms(hx_document *doc, const char *terms, size_t terms_len,
                          const uint32_t *positions, const uint8_t *wdf_increments, size_t count,
                          hx_error **err);
int hx_document_add_value(hx_document *doc, uint32_t slot, const char *value, size_t len,
                          hx_error **err);
/** Snapshot of the document's terms with wdf and positions. */
hx_termlist *hx_document_termlist(const hx_document *doc, hx_error **err);

size_t hx_termlist_size(const hx_termlist *tl);
/** Term i (owned by the termlist, valid until hx_termlist_free). */
const char *hx_termlist_term(const hx_termlist *tl, size_t i);
uint32_t hx_termlist_wdf(const hx_termlist *tl, size_t i);
/** Positions of term i (owned by the termlist); *count receives their number. */
const uint32_t *hx_termlist_positions(const hx_termlist *tl, size_t i, size_t *count);
void hx_termlist_free(hx_termlist *tl);

/* ---------------------------------------------------------------- query */

/* Operators for hx_query_combine (values equal Xapian::Query::op). */
enum {
    HX_OP_AND = 0,
    HX_OP_OR = 1,
    HX_OP_AND_NOT = 2,
    HX_OP_AND_MAYBE = 4,
    HX_OP_FILTER = 5,
    HX_OP_PHRASE = 7
};

/** A term query; pos 0 means no position. */
hx_query *hx_query_term(const char *term, uint32_t wqf, uint32_t pos, hx_error **err);
/** Combines `count` subqueries with operator `op`.  `parameter` is the
 *  window for PHRASE (0 = number of subqueries); ignored otherwise. */
hx_query *hx_query_combine(int op, const hx_query *const *subqueries, size_t count,
                           uint32_t parameter, hx_error **err);
hx_query *hx_query_scale_weight(const hx_query *q, double factor, hx_error **err);
hx_query *hx_query_value_range(uint32_t slot, const char *lo, size_t lo_len,
                               const char *hi, size_t hi_len, hx_error **err);
/** Every document (hanindex list walks them). */
hx_query *hx_query_match_all(hx_error **err);
/** The documents that each (sub)database lists in its metadata under `key`:
 *  ascending docids and ranges, "3,7-9,12".  Local databases only (the source
 *  cannot be sent to a remote one). */
hx_query *hx_query_listed_documents(const char *key, hx_error **err);
void hx_query_free(hx_query *q);

/* -------------------------------------------------------------- enquire */

hx_enquire *hx_enquire_new(const hx_database *db, hx_error **err);
void hx_enquire_free(hx_enquire *enq);
int hx_enquire_set_query(hx_enquire *enq, const hx_query *q, hx_error **err);
int hx_enquire_set_weighting_bool(hx_enquire *enq, hx_error **err);
int hx_enquire_set_sort_by_value_then_relevance(hx_enquire *enq, uint32_t slot, int reverse,
                                                hx_error **err);
/** Keeps at most `max` matches per value in `slot` (Xapian's collapse key);
 *  `max` 0 turns collapsing off.  The match count then counts collapsed
 *  matches. */
int hx_enquire_set_collapse_key(hx_enquire *enq, uint32_t slot, uint32_t max, hx_error **err);
hx_mset *hx_enquire_get_mset(hx_enquire *enq, uint32_t first, uint32_t maxitems,
                             uint32_t check_at_least, hx_error **err);
/** Makes the next get_mset calls feed every match they examine to `spy`
 *  (Enquire::add_matchspy).  The enquire does not own the spy: it must stay
 *  alive until the enquire is freed.  A spy sees every match only when
 *  check_at_least is at least the number of matches. */
int hx_enquire_add_value_count_spy(hx_enquire *enq, hx_value_count_spy *spy, hx_error **err);

/* ------------------------------------------------- value count match spy */

/** A spy counting the matches per distinct value in `slot`
 *  (Xapian::ValueCountMatchSpy; matches with no value there are not counted). */
hx_value_count_spy *hx_value_count_spy_new(uint32_t slot, hx_error **err);
void hx_value_count_spy_free(hx_value_count_spy *spy);
/** How many distinct values the spy has counted. */
int hx_value_count_spy_get_value_count(const hx_value_count_spy *spy, size_t *out, hx_error **err);
/** The counted values in ascending byte order: back to back in one malloc'ed
 *  buffer (*bytes, *bytes_len bytes; NULL when all are empty), each one's
 *  length in `lengths` and its number of matches in `counts`, both caller
 *  arrays of `capacity` entries.  Fails with InvalidArgumentError unless
 *  `capacity` equals hx_value_count_spy_get_value_count(). */
int hx_value_count_spy_get_values(const hx_value_count_spy *spy, char **bytes, size_t *bytes_len,
                                  uint32_t *lengths, uint32_t *counts, size_t capacity,
                                  hx_error **err);

/* ----------------------------------------------------------------- mset */

void hx_mset_free(hx_mset *mset);
size_t hx_mset_size(const hx_mset *mset);
int hx_mset_get_matches_lower_bound(const hx_mset *mset, uint32_t *out, hx_error **err);
int hx_mset_get_matches_upper_bound(const hx_mset *mset, uint32_t *out, hx_error **err);
/** Copies the hx_mset_size() items' docids and weights into caller arrays
 *  (each may be NULL to skip it). */
int hx_mset_get_items(const hx_mset *mset, uint32_t *docids, double *weights, hx_error **err);
/** The collapse keys of all hx_mset_size() items (empty when the enquire did
 *  not collapse), in one call and without reading any document: back to back
 *  in one malloc'ed buffer (*bytes, *bytes_len bytes; NULL when all are
 *  empty), each one's length in the caller's array `lengths`
 *  (hx_mset_size() entries). */
int hx_mset_get_collapse_keys(const hx_mset *mset, char **bytes, size_t *bytes_len, uint32_t *lengths,
                              hx_error **err);
/** Document data of item i in a malloc'ed buffer. */
int hx_mset_get_data(const hx_mset *mset, size_t i, char **data, size_t *len, hx_error **err);
/** The value in `slot` of the i-th document of the MSet ("" when unset). */
int hx_mset_get_value(const hx_mset *mset, size_t i, uint32_t slot, char **value, size_t *len, hx_error **err);


/* =====================================================================
 * Remote databases (sharding branch): databases served by xapian-tcpsrv.
 * Timeouts are in milliseconds (Xapian's "useconds_t" parameters of
 * Xapian::Remote::open are milliseconds despite the type); 0 means wait
 * forever for `timeout` and is refused here for `connect_timeout`.
 * ===================================================================== */

/** Adds the remote database at host:port (a `xapian-tcpsrv`) as a shard of
 *  `db` (Xapian::Remote::open).  Throws NetworkError / NetworkTimeoutError
 *  when the server cannot be reached within `connect_timeout_ms`. */
int hx_database_add_remote(hx_database *db, const char *host, unsigned port,
                           unsigned timeout_ms, unsigned connect_timeout_ms, hx_error **err);
/** Opens the remote database at host:port for writing
 *  (Xapian::Remote::open_writable; needs `xapian-tcpsrv --writable`). */
hx_writable_database *hx_writable_database_open_remote(const char *host, unsigned port,
                                                       unsigned timeout_ms, unsigned connect_timeout_ms,
                                                       hx_error **err);

#ifdef __cplusplus
}
#endif

#endif /* CXAPIAN_H */
