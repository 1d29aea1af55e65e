/*
 * cpoppler.h — a small extern "C" API over poppler-cpp, for reading the text of PDFs.
 *
 * Conventions (as in cxapian.h)
 * -----------------------------
 * - Objects are opaque heap handles released with the matching hp_*_free (which accepts NULL).
 * - No C++ exception ever escapes. Functions that can fail take a trailing `hp_error **err`;
 *   on failure they return NULL (or nonzero) and *err receives a heap hp_error to release with
 *   hp_error_free.
 * - Strings handed to the caller are malloc'ed UTF-8, released with hp_string_free.
 * - poppler's global state is shared, so every entry point that touches a document takes one
 *   process-wide lock: PDFs are read one at a time.
 */
#ifndef CPOPPLER_H
#define CPOPPLER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Why a call failed. */
typedef enum hp_error_kind {
    /** poppler could not read the bytes as a PDF (damaged, truncated, not a PDF). */
    HP_ERROR_DAMAGED = 1,
    /** The PDF is encrypted with a password we do not have. */
    HP_ERROR_ENCRYPTED = 2,
    /** A page could not be read. */
    HP_ERROR_PAGE = 3,
    /** Out of memory or another C++ exception. */
    HP_ERROR_INTERNAL = 4
} hp_error_kind;

typedef struct hp_error {
    hp_error_kind kind;
    /** What went wrong, with poppler's last complaint when it made one. */
    char *message;
} hp_error;

void hp_error_free(hp_error *err);
void hp_string_free(char *s);

typedef struct hp_document hp_document;

/** Loads a PDF from `length` bytes (copied; the caller may free them afterwards). */
hp_document *hp_document_load(const char *bytes, size_t length, hp_error **err);
void hp_document_free(hp_document *doc);

/** The number of pages. */
int hp_document_page_count(const hp_document *doc);

/** The info dictionary entry `key` ("Title", "Author"…) as UTF-8, or NULL when absent or empty. */
char *hp_document_info(const hp_document *doc, const char *key);

/** The info dictionary date `key` ("CreationDate") as seconds since 1970, or -1 when absent. */
long long hp_document_info_date(const hp_document *doc, const char *key);

/** One word of a page's text layer, in poppler's reading order. Coordinates are in points, the
 *  origin at the page's top left, y growing downwards. */
typedef struct hp_word {
    double x, y, width, height;
    double font_size;
    /** Nonzero when poppler saw a space after the word on its line. */
    int space_after;
    /** The word as UTF-8, NUL-terminated; owned by the hp_page_text. */
    const char *text;
} hp_word;

typedef struct hp_page_text hp_page_text;

/** The words of page `index` (from 0). */
hp_page_text *hp_page_text_load(const hp_document *doc, int index, hp_error **err);
void hp_page_text_free(hp_page_text *text);
double hp_page_text_width(const hp_page_text *text);
double hp_page_text_height(const hp_page_text *text);
size_t hp_page_text_word_count(const hp_page_text *text);
/** Word `i` (< hp_page_text_word_count); valid as long as `text`. */
const hp_word *hp_page_text_word(const hp_page_text *text, size_t i);

#ifdef __cplusplus
}
#endif

#endif
