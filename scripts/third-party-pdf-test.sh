#!/usr/bin/env bash
# Real Chinese PDFs that nobody here made (issue 15): the CTeX and xeCJK manuals and the CTeX FAQ from
# Debian's texlive-lang-chinese and texlive-lang-cjk, fetched with apt-get download (not committed).
# Checks that hanindex indexes each as one report with no error, that searches find them, and that the
# page of every hit is right: pdftotext's text of that page holds a piece of the hit's segment (a run of 4
# or more characters between punctuation; pdftotext orders margin notes differently, so not the whole text).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
command -v pdftotext >/dev/null || apt_install poppler-utils

work="$(mktemp -d -t hansearch-pdf-test-XXXXXX)"
trap 'rm -rf "$work"' EXIT
swift build --product hanindex
bin="$(swift build --show-bin-path)"

(cd "$work" && apt-get download -qq texlive-lang-chinese texlive-lang-cjk)
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
mkdir "$work/pdfs"
for name in latex/ctex/ctex.pdf latex/ctex-faq/ctex-faq.pdf xelatex/xecjk/xeCJK.pdf; do
    cp "$work/root/usr/share/doc/texlive-doc/$name" "$work/pdfs/"
done

"$bin/hanindex" index "$work/pdfs" --index "$work/index"
for query in 中文字体 标点压缩 '"字体族"' 断行; do
    "$bin/hanindex" search --index "$work/index" --limit 20 --json -- "$query" > "$work/hits.json"
    python3 - "$work" "$query" <<'PY'
import json, re, subprocess, sys
work, query = sys.argv[1], sys.argv[2]
hits = json.load(open(work + "/hits.json"))["hits"]
assert hits, "no hits for %s" % query
squeeze = lambda text: re.sub(r"\s", "", text)
for hit in hits:
    assert hit.get("page"), "hit %s has no page" % hit["id"]
    page = subprocess.run(["pdftotext", "-f", str(hit["page"]), "-l", str(hit["page"]), "%s/pdfs/%s" % (work, hit["doc"]), "-"],
                          capture_output=True, text=True, check=True).stdout
    pieces = [p for p in re.split(r"[\s，。、；：！？“”（）(),.;:]+", hit["text"]) if len(p) >= 3] or [squeeze(hit["text"])]
    assert any(p in squeeze(page) for p in pieces), "%s: %r is not on page %d" % (hit["id"], hit["text"][:40], hit["page"])
print("third-party PDFs: %s: %d hits, all on the right page" % (query, len(hits)))
PY
done
"$bin/hanindex" stats --index "$work/index" | head -3
