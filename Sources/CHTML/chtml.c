// chtml.c — walks libxml2's HTML tree into blocks: each block element's text in document order, no
// text from script, style, navigation and other non-content elements.

#include "chtml.h"

#include <libxml/HTMLparser.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct hh_document {
    hh_block *blocks;
    char **texts;
    size_t count, capacity;
    int failed;  /* out of memory */
};

typedef struct buffer {
    char *bytes;
    size_t length, capacity;
    hh_block_kind kind;
} buffer;

static const char *skipped[] = {"script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object", "nav", NULL};
static const char *blocks[] = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "tr", "td", "th",
                               "section", "article", "header", "footer", "nav", "aside", "main", "figure", "figcaption",
                               "caption", "address", "form", "fieldset", "h1", "h2", "h3", "h4", "h5", "h6", "br", "hr", "body", NULL};

static int named(const xmlNode *node, const char **names) {
    for (; *names; ++names) if (strcasecmp((const char *)node->name, *names) == 0) return 1;
    return 0;
}

static void append(buffer *b, const char *text, size_t length, hh_document *doc) {
    if (b->length + length + 1 > b->capacity) {
        size_t capacity = (b->length + length + 1) * 2;
        char *bytes = realloc(b->bytes, capacity);
        if (!bytes) { doc->failed = 1; return; }
        b->bytes = bytes;
        b->capacity = capacity;
    }
    memcpy(b->bytes + b->length, text, length);
    b->length += length;
    b->bytes[b->length] = '\0';
}

/* Ends the block being gathered: kept when it holds more than whitespace. */
static void flush(buffer *b, hh_document *doc) {
    int blank = 1;
    for (size_t i = 0; i < b->length; ++i) {
        unsigned char c = (unsigned char)b->bytes[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f') { blank = 0; break; }
    }
    if (!blank) {
        if (doc->count == doc->capacity) {
            size_t capacity = doc->capacity ? doc->capacity * 2 : 16;
            hh_block *grown = realloc(doc->blocks, capacity * sizeof(hh_block));
            char **texts = grown ? realloc(doc->texts, capacity * sizeof(char *)) : NULL;
            if (grown) doc->blocks = grown;
            if (!grown || !texts) { doc->failed = 1; return; }
            doc->texts = texts;
            doc->capacity = capacity;
        }
        doc->texts[doc->count] = b->bytes;
        doc->blocks[doc->count].kind = b->kind;
        doc->blocks[doc->count].text = b->bytes;
        doc->count += 1;
        b->bytes = NULL;
        b->capacity = 0;
    }
    b->length = 0;
    if (b->bytes) b->bytes[0] = '\0';
    b->kind = HH_PARAGRAPH;
}

static hh_block_kind kind_of(const xmlNode *node) {
    const char *name = (const char *)node->name;
    if (strcasecmp(name, "h1") == 0) return HH_H1;
    if ((name[0] == 'h' || name[0] == 'H') && name[1] >= '2' && name[1] <= '6' && name[2] == '\0') return HH_HEADING;
    return HH_PARAGRAPH;
}

static void walk(const xmlNode *node, buffer *b, hh_document *doc) {
    for (; node && !doc->failed; node = node->next) {
        if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
            if (node->content) append(b, (const char *)node->content, strlen((const char *)node->content), doc);
        } else if (node->type == XML_ELEMENT_NODE && !named(node, skipped)) {
            int block = named(node, blocks);
            if (block) flush(b, doc);
            if (block) b->kind = kind_of(node);
            walk(node->children, b, doc);
            if (block) flush(b, doc);
        }
    }
}

/* The <title> text, searched in the whole tree (it belongs in <head>, which walk() skips). */
static const xmlNode *find_title(const xmlNode *node) {
    for (; node; node = node->next) {
        if (node->type == XML_ELEMENT_NODE) {
            if (strcasecmp((const char *)node->name, "title") == 0) return node;
            const xmlNode *found = find_title(node->children);
            if (found) return found;
        }
    }
    return NULL;
}

hh_document *hh_parse(const char *bytes, size_t length, const char *encoding, char **message) {
    if (length > (size_t)0x7fffffff) {
        if (message) *message = strdup("the document is larger than libxml2 can read (2 GiB)");
        return NULL;
    }
    htmlDocPtr tree = htmlReadMemory(bytes, (int)length, NULL, encoding,
                                     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    if (!tree) {
        if (message) *message = strdup("libxml2 cannot parse it as HTML");
        return NULL;
    }
    hh_document *doc = calloc(1, sizeof(hh_document));
    buffer b = {NULL, 0, 0, HH_PARAGRAPH};
    if (doc) {
        const xmlNode *title = find_title(xmlDocGetRootElement(tree));
        if (title) {
            b.kind = HH_TITLE;
            walk(title->children, &b, doc);
            flush(&b, doc);
        }
        walk(xmlDocGetRootElement(tree), &b, doc);
        flush(&b, doc);
    }
    free(b.bytes);
    xmlFreeDoc(tree);
    if (!doc || doc->failed) {
        hh_document_free(doc);
        if (message) *message = strdup("out of memory");
        return NULL;
    }
    return doc;
}

void hh_document_free(hh_document *doc) {
    if (!doc) return;
    for (size_t i = 0; i < doc->count; ++i) free(doc->texts[i]);
    free(doc->texts);
    free(doc->blocks);
    free(doc);
}

size_t hh_block_count(const hh_document *doc) { return doc->count; }
const hh_block *hh_block_at(const hh_document *doc, size_t i) { return &doc->blocks[i]; }
