/*
 * chtml.h — the text of an HTML document as blocks, through libxml2's HTML parser (which decodes
 * entities and recovers from bad markup). Conventions as in cxapian.h: opaque handles freed with the
 * matching *_free (NULL accepted), failures as NULL plus a message.
 */
#ifndef CHTML_H
#define CHTML_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a block is. */
typedef enum hh_block_kind {
    HH_PARAGRAPH = 0, /* text of a block element (p, li, td, div…) or loose text between blocks */
    HH_TITLE = 1,     /* <title> */
    HH_H1 = 2,        /* <h1> */
    HH_HEADING = 3    /* <h2>…<h6> */
} hh_block_kind;

typedef struct hh_block {
    hh_block_kind kind;
    /** UTF-8, whitespace as in the document (not collapsed); owned by the hh_document. */
    const char *text;
} hh_block;

typedef struct hh_document hh_document;

/** Parses `length` bytes of HTML. `encoding` ("UTF-8") is used when the document declares none; NULL lets
 *  libxml2 guess. On failure returns NULL and sets *message (free with free()). */
hh_document *hh_parse(const char *bytes, size_t length, const char *encoding, char **message);
void hh_document_free(hh_document *doc);
size_t hh_block_count(const hh_document *doc);
const hh_block *hh_block_at(const hh_document *doc, size_t i);

#ifdef __cplusplus
}
#endif

#endif
