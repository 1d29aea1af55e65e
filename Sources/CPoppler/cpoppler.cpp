// cpoppler.cpp — implementation of cpoppler.h over poppler-cpp. Every entry point catches
// everything; poppler's complaints go to a buffer (not stderr) and into the error messages.

#include "cpoppler.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-page.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

std::mutex poppler_lock;
std::string last_complaint;  // guarded by poppler_lock

void remember_complaint(const std::string &message, void *) { last_complaint = message; }

// Installs the complaint hook once, under the lock.
void quiet_poppler() {
    static bool installed = false;
    if (!installed) {
        poppler::set_debug_error_function(remember_complaint, nullptr);
        installed = true;
    }
}

char *copy_string(const std::string &s) {
    char *out = static_cast<char *>(std::malloc(s.size() + 1));
    if (out) {
        std::memcpy(out, s.data(), s.size());
        out[s.size()] = '\0';
    }
    return out;
}

void set_error(hp_error **err, hp_error_kind kind, std::string message) {
    if (!err) return;
    if (!last_complaint.empty()) message += " (poppler: " + last_complaint + ")";
    hp_error *e = static_cast<hp_error *>(std::malloc(sizeof(hp_error)));
    if (!e) return;
    e->kind = kind;
    e->message = copy_string(message);
    *err = e;
}

// Runs `body`, turning any exception into an internal error (and a NULL result).
template <typename Body>
auto guarded(hp_error **err, Body body) -> decltype(body()) {
    try {
        return body();
    } catch (const std::exception &e) {
        set_error(err, HP_ERROR_INTERNAL, e.what());
    } catch (...) {
        set_error(err, HP_ERROR_INTERNAL, "unknown C++ exception");
    }
    return nullptr;
}

std::string utf8(const poppler::ustring &s) {
    poppler::byte_array bytes = s.to_utf8();
    return std::string(bytes.begin(), bytes.end());
}

}  // namespace

struct hp_document {
    std::vector<char> bytes;  // poppler reads from these for the document's lifetime
    std::unique_ptr<poppler::document> doc;
};

struct hp_page_text {
    double width = 0, height = 0;
    std::vector<std::string> texts;
    std::vector<hp_word> words;
};

extern "C" {

void hp_error_free(hp_error *err) {
    if (!err) return;
    std::free(err->message);
    std::free(err);
}

void hp_string_free(char *s) { std::free(s); }

hp_document *hp_document_load(const char *bytes, size_t length, hp_error **err) {
    std::lock_guard<std::mutex> guard(poppler_lock);
    quiet_poppler();
    last_complaint.clear();
    return guarded(err, [&]() -> hp_document * {
        if (length > static_cast<size_t>(INT32_MAX)) {
            set_error(err, HP_ERROR_DAMAGED, "the PDF is larger than poppler can read (2 GiB)");
            return nullptr;
        }
        auto result = std::make_unique<hp_document>();
        result->bytes.assign(bytes, bytes + length);
        result->doc.reset(poppler::document::load_from_raw_data(result->bytes.data(), static_cast<int>(length)));
        if (!result->doc) {
            set_error(err, HP_ERROR_DAMAGED, "poppler cannot read it as a PDF");
            return nullptr;
        }
        if (result->doc->is_locked()) {
            last_complaint.clear();
            set_error(err, HP_ERROR_ENCRYPTED, "the PDF is encrypted with a password");
            return nullptr;
        }
        return result.release();
    });
}

void hp_document_free(hp_document *doc) {
    std::lock_guard<std::mutex> guard(poppler_lock);
    delete doc;
}

int hp_document_page_count(const hp_document *doc) {
    std::lock_guard<std::mutex> guard(poppler_lock);
    try {
        return doc->doc->pages();
    } catch (...) {
        return 0;
    }
}

char *hp_document_info(const hp_document *doc, const char *key) {
    std::lock_guard<std::mutex> guard(poppler_lock);
    try {
        std::string value = utf8(doc->doc->info_key(key));
        return value.empty() ? nullptr : copy_string(value);
    } catch (...) {
        return nullptr;
    }
}

long long hp_document_info_date(const hp_document *doc, const char *key) {
    std::lock_guard<std::mutex> guard(poppler_lock);
    try {
        time_t value = doc->doc->info_date_t(key);
        return value == static_cast<time_t>(-1) ? -1 : static_cast<long long>(value);
    } catch (...) {
        return -1;
    }
}

hp_page_text *hp_page_text_load(const hp_document *doc, int index, hp_error **err) {
    std::lock_guard<std::mutex> guard(poppler_lock);
    last_complaint.clear();
    return guarded(err, [&]() -> hp_page_text * {
        std::unique_ptr<poppler::page> page(doc->doc->create_page(index));
        if (!page) {
            set_error(err, HP_ERROR_PAGE, "page " + std::to_string(index + 1) + " cannot be read");
            return nullptr;
        }
        auto result = std::make_unique<hp_page_text>();
        poppler::rectf box = page->page_rect(poppler::media_box);
        result->width = box.width();
        result->height = box.height();
        std::vector<poppler::text_box> boxes = page->text_list(poppler::page::text_list_include_font);
        result->texts.reserve(boxes.size());
        result->words.reserve(boxes.size());
        for (const poppler::text_box &box : boxes) {
            result->texts.push_back(utf8(box.text()));
            poppler::rectf r = box.bbox();
            hp_word word{r.x(), r.y(), r.width(), r.height(),
                         box.has_font_info() ? box.get_font_size() : r.height(),
                         box.has_space_after() ? 1 : 0, nullptr};
            result->words.push_back(word);
        }
        // The strings no longer move: point the words at them.
        for (size_t i = 0; i < result->words.size(); ++i) result->words[i].text = result->texts[i].c_str();
        return result.release();
    });
}

void hp_page_text_free(hp_page_text *text) { delete text; }
double hp_page_text_width(const hp_page_text *text) { return text->width; }
double hp_page_text_height(const hp_page_text *text) { return text->height; }
size_t hp_page_text_word_count(const hp_page_text *text) { return text->words.size(); }
const hp_word *hp_page_text_word(const hp_page_text *text, size_t i) { return &text->words[i]; }

}  // extern "C"
