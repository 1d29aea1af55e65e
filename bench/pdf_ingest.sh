#!/usr/bin/env bash
# PDF ingestion throughput: `hanindex index` of a folder of Chinese PDFs into a new index (text layer
# read with poppler, layout rebuilt, pages parsed, indexed), timed over --repeat runs (the median).
# Prints pages/s and MB/s of extracted text (UTF-8 of every indexed segment).
#
#   bench/pdf_ingest.sh HANINDEX WORK [--repeat N]
#
# The PDFs: the CTeX and xeCJK manuals and the CTeX FAQ (419 pages; from /usr/share/doc/texlive-doc when
# texlive-lang-chinese is installed, else fetched with apt-get download) and the repository's fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."
hanindex="$1" work="$2"
repeat=3
[ "${3:-}" != "--repeat" ] || repeat="$4"
mkdir -p "$work/pdfs"
docs=/usr/share/doc/texlive-doc
if [ ! -f "$docs/latex/ctex/ctex.pdf" ] || [ ! -f "$docs/xelatex/xecjk/xeCJK.pdf" ]; then
    (cd "$work" && apt-get download -qq texlive-lang-chinese texlive-lang-cjk 2>/dev/null)
    for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
    docs="$work/root/usr/share/doc/texlive-doc"
fi
cp "$docs/latex/ctex/ctex.pdf" "$docs/latex/ctex-faq/ctex-faq.pdf" "$docs/xelatex/xecjk/xeCJK.pdf" \
   Tests/HanSearchTests/Fixtures/pdf/report.pdf Tests/HanSearchTests/Fixtures/pdf/ningbo-page.pdf "$work/pdfs/"

times=()
for _ in $(seq 1 "$repeat"); do
    rm -rf "$work/index"
    start=$(date +%s.%N)
    "$hanindex" index "$work/pdfs" --index "$work/index" > /dev/null 2>&1
    end=$(date +%s.%N)
    times+=("$(python3 -c "print($end - $start)")")
done
seconds="$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (repeat + 1) / 2 ))p")"
python3 - "$hanindex" "$work" "$seconds" <<'PY'
import json, subprocess, sys, glob
hanindex, work, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
pages = text = 0
for path in sorted(glob.glob(work + "/pdfs/*.pdf")):
    parsed = json.loads(subprocess.run([hanindex, "parse", "--json", path], capture_output=True, text=True, check=True).stdout)
    if "articles" in parsed:
        segments = [s for a in parsed["articles"] for s in a["segments"]]
        pages += max(s.get("page", 1) for s in segments)
        text += sum(len(s["text"].encode()) for s in segments)
    else:
        pages += max(parsed["pages"])
        text += len(parsed["body"].encode())
print("PDF ingestion: %d pages, %.2f MB of text, %d PDFs in %.2f s (median): %.0f pages/s, %.2f MB/s of text"
      % (pages, text / 1e6, len(glob.glob(work + "/pdfs/*.pdf")), seconds, pages / seconds, text / 1e6 / seconds))
PY
