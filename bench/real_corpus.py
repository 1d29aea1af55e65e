#!/usr/bin/env python3
"""Assembles a real Chinese corpus (JSON Lines {"id","title","body","source"}) from text Debian ships.

Usage: python3 bench/real_corpus.py [OUT_DIR] [--min-mb 20] [--force]

OUT_DIR (default .build-bench/data/real-zh, git-ignored) receives debs/ (the packages, fetched with
`apt-get download`: nothing is installed), x/ (their contents, unpacked with `dpkg-deb -x`),
corpus.jsonl and sources.json (per source: package version, license, documents, UTF-8 bytes). A built
corpus is reused unless --force; the script fails with a message when a package cannot be fetched or the
corpus would hold less than --min-mb MB of title+body text.

One document per page, man page or poem. The sources, their works and licenses, as each package's
/usr/share/doc/PACKAGE/copyright states them (Debian 12 "bookworm" versions):

| package                  | what                                                           | license |
|--------------------------|----------------------------------------------------------------|---------|
| libreoffice-help-zh-cn   | LibreOffice 7.4 help, Simplified Chinese (HTML pages)          | MPL-2.0 (© 2000, 2010 Oracle and/or its affiliates; The Document Foundation) |
| libreoffice-help-zh-tw   | LibreOffice 7.4 help, Traditional Chinese (HTML pages)         | MPL-2.0 |
| manpages-zh              | Chinese manual pages (zh_CN and zh_TW), the CMPP project       | GFDL-1.2+ (© 2005 Carlos Z.F. Liu and the translators) |
| debian-handbook          | The Debian Administrator's Handbook, zh-CN and zh-TW HTML      | GPL-2.0+ or CC-BY-SA-3.0 (© 2003-2015 Raphaël Hertzog, Roland Mas) |
| debian-reference-zh-tw   | Debian Reference, Traditional Chinese (HTML)                   | GPL-2+ (© 2007-2013 Osamu Aoki) |
| fortunes-zh              | Tang 300 poems, Song 100 ci, Chinese sayings (fortune files)   | GPL-3.0+ (packaging © 2001-2009 Yu Guanghui; the poems themselves are centuries old) |
| debian-edu-doc-legacy-zh-cn | Debian Edu manuals (Audacity, Rosegarden, ITIL), zh-CN HTML | GPL-2+ |
| libreoffice-l10n-zh-cn, -zh-tw | LibreOffice 7.4 user-interface translations (.mo catalogs) | MPL-2.0 |
| firefox-esr-l10n-zh-cn, -zh-tw | Firefox ESR language packs (.ftl/.properties/.dtd strings)   | MPL-2.0 |
| thunderbird-l10n-zh-cn, -zh-tw | Thunderbird language packs (.ftl/.properties/.dtd strings)   | MPL-2.0 (or GPL-2 or LGPL-2.1) |

A page or man page is one document; a poem is one; a message catalog gives one document per 40
translated strings (the translations only, in catalog order).

Tests/Data/dev.jsonl (the other Debian manuals) is not included, so the two real corpora do not overlap.
"""
import argparse
import glob
import gzip
import html.parser
import json
import os
import re
import subprocess
import sys
import unicodedata

SOURCES = [
    # package, id prefix, kind, glob under the unpacked package, license
    ("libreoffice-help-zh-cn", "lohelp-cn", "html", "usr/share/libreoffice/help/zh-CN/**/*.html", "MPL-2.0"),
    ("libreoffice-help-zh-tw", "lohelp-tw", "html", "usr/share/libreoffice/help/zh-TW/**/*.html", "MPL-2.0"),
    ("manpages-zh", "man-cn", "man", "usr/share/man/zh_CN/man*/*.gz", "GFDL-1.2+"),
    ("manpages-zh", "man-tw", "man", "usr/share/man/zh_TW/man*/*.gz", "GFDL-1.2+"),
    ("debian-handbook", "dah-cn", "html", "usr/share/doc/debian-handbook/html/zh-CN/*.html", "GPL-2.0+ or CC-BY-SA-3.0"),
    ("debian-handbook", "dah-tw", "html", "usr/share/doc/debian-handbook/html/zh-TW/*.html", "GPL-2.0+ or CC-BY-SA-3.0"),
    ("debian-reference-zh-tw", "debref-tw", "html", "usr/share/doc/debian-reference-zh-tw/docs/**/*.html", "GPL-2+"),
    ("fortunes-zh", "fortune", "fortune", "usr/share/games/fortunes/*", "GPL-3.0+"),
    ("debian-edu-doc-legacy-zh-cn", "edulegacy-cn", "html", "usr/share/doc/debian-edu-doc-legacy-zh-cn/*.html",
     "GPL-2+"),
    ("libreoffice-l10n-zh-cn", "loui-cn", "mo", "usr/lib/libreoffice/**/*.mo", "MPL-2.0"),
    ("libreoffice-l10n-zh-tw", "loui-tw", "mo", "usr/lib/libreoffice/**/*.mo", "MPL-2.0"),
    ("firefox-esr-l10n-zh-cn", "firefox-cn", "langpack", "usr/lib/firefox-esr/**/*.xpi", "MPL-2.0"),
    ("firefox-esr-l10n-zh-tw", "firefox-tw", "langpack", "usr/lib/firefox-esr/**/*.xpi", "MPL-2.0"),
    ("thunderbird-l10n-zh-cn", "tbird-cn", "langpack", "usr/lib/thunderbird/**/*.xpi", "MPL-2.0 or GPL-2 or LGPL-2.1"),
    ("thunderbird-l10n-zh-tw", "tbird-tw", "langpack", "usr/lib/thunderbird/**/*.xpi", "MPL-2.0 or GPL-2 or LGPL-2.1"),
]
STRINGS_PER_DOCUMENT = 40

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def fail(msg):
    sys.exit(f"bench/real_corpus.py: {msg}")


def fetch(packages, debs):
    """The .deb of each package in debs/ (apt-get download; one apt-get update if the lists are stale)."""
    os.makedirs(debs, exist_ok=True)
    missing = [p for p in packages if not glob.glob(os.path.join(debs, p + "_*.deb"))]
    if not missing:
        return
    print(f"real_corpus: apt-get download {' '.join(missing)}", file=sys.stderr)
    # as root, apt would drop to its _apt user, who cannot write here: download as the caller instead
    download = ["apt-get", "download", "-q", *(["-o", "APT::Sandbox::User=root"] if os.geteuid() == 0 else []),
                *missing]
    # apt's progress goes to stderr: stdout carries only the corpus path, for bench/run
    r = subprocess.run(download, cwd=debs, stdout=sys.stderr)
    if r.returncode != 0:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run([*sudo, "apt-get", "update", "-qq"], stdout=sys.stderr)
        r = subprocess.run(download, cwd=debs, stdout=sys.stderr)
        if r.returncode != 0:
            fail(f"apt-get download {' '.join(missing)} failed (needs Debian's package lists and network "
                 "access to its mirror)")


def unpack(package, debs, xdir):
    deb = sorted(glob.glob(os.path.join(debs, package + "_*.deb")))[-1]
    target = os.path.join(xdir, package)
    version = subprocess.run(["dpkg-deb", "-f", deb, "Version"], capture_output=True, text=True).stdout.strip()
    stamp = os.path.join(target, ".unpacked")
    if not (os.path.exists(stamp) and open(stamp).read() == deb):
        subprocess.run(["rm", "-rf", target], check=True)
        os.makedirs(target)
        subprocess.run(["dpkg-deb", "-x", deb, target], check=True)
        with open(stamp, "w") as f:
            f.write(deb)
    return target, version


# ---------------------------------------------------------------- converters
class HTMLText(html.parser.HTMLParser):
    BLOCK = {"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "dt", "dd",
             "table", "ul", "ol", "section", "article", "blockquote", "title"}
    SKIP = {"script", "style", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.title, self.h1, self.skip, self.in_title, self.in_h1 = [], [], [], 0, False, False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        elif tag in self.SKIP:
            self.skip += 1
        if tag == "h1":
            self.in_h1 = True
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        if tag == "h1":
            self.in_h1 = False
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        elif not self.skip:
            self.parts.append(data)
            if self.in_h1:
                self.h1.append(data)


def tidy(text):
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def from_html(path):
    p = HTMLText()
    with open(path, encoding="utf-8", errors="replace") as f:
        p.feed(f.read())
    body = tidy("".join(p.parts))
    title = tidy(" ".join(p.title)) or tidy(" ".join(p.h1)) or os.path.basename(path)
    yield title.replace("\n", " "), body


TROFF_ESCAPES = re.compile(r"\\f(?:\[[^\]]*\]|\(..|.)|\\s[-+]?\d+|\\\(..|\\\*(?:\(..|\[[^\]]*\]|.)|\\[&|^%c]")
TEXT_MACROS = {"SH", "SS", "B", "I", "BR", "RB", "IR", "RI", "BI", "IB", "SM", "SB", "TP", "IP", "HP", "UR", "MT"}


def from_man(path):
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        src = f.read()
    if src.lstrip().startswith(".so "):
        return  # a link to another page
    title, out, in_macro = os.path.basename(path)[:-3], [], False
    for line in src.splitlines():
        if in_macro:  # the body of a .de macro definition, up to ".."
            in_macro = not line.startswith("..")
            continue
        if re.match(r"[.']\s*(de|am|ig)\b", line):
            in_macro = True
            continue
        if line.startswith((".\\\"", "'\\\"", ".\\#")):
            continue
        if line.startswith((".", "'")):
            m = re.match(r"[.']\s*(\S+)\s*(.*)", line)
            if not m:
                continue
            macro, args = m.group(1), m.group(2)
            if macro == "TH":
                name = args.split()[0].strip('"') if args.split() else ""
                if name:
                    title = name
                continue
            if macro not in TEXT_MACROS:
                continue
            line = " ".join(a.strip('"') for a in re.findall(r'"[^"]*"|\S+', args))
        line = TROFF_ESCAPES.sub("", line).replace("\\-", "-").replace("\\e", "\\").replace("\\ ", " ")
        out.append(line)
    body = tidy("\n".join(out))
    if body:
        yield title, body


def from_fortune(path):
    if path.endswith((".dat", ".u8")) or os.path.islink(path):
        return
    with open(path, encoding="utf-8", errors="replace") as f:
        text = re.sub(r"\x1b\[[0-9;]*m", "", f.read())  # colour escapes around titles
    for entry in text.split("\n%\n"):
        entry = tidy(entry.strip("%\n"))
        if entry:
            first = entry.splitlines()[0]
            yield first.strip("《》 "), entry


def chunks(name, strings):
    strings = [tidy(x) for x in strings if CJK.search(x)]
    for i in range(0, len(strings), STRINGS_PER_DOCUMENT):
        yield f"{name} {i // STRINGS_PER_DOCUMENT + 1}", "\n".join(strings[i:i + STRINGS_PER_DOCUMENT])


def from_mo(path):
    import gettext
    with open(path, "rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    values = [v for k, v in catalog.items() if k and isinstance(v, str)]  # k == "": the catalog header
    yield from chunks(os.path.basename(path)[:-3], values)


FTL_VALUE = re.compile(r"^\s*(?:-?[\w.-]+|\.[\w-]+)\s*=\s*(.*)$")
DTD_VALUE = re.compile(r'<!ENTITY\s+\S+\s+"([^"]*)"')


def from_langpack(path):
    import zipfile
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if not name.endswith((".ftl", ".properties", ".dtd")):
                continue
            text = z.read(name).decode("utf-8", errors="replace")
            if name.endswith(".dtd"):
                values = DTD_VALUE.findall(text)
            else:
                values = [m.group(1) for line in text.splitlines() if not line.lstrip().startswith("#")
                          for m in [FTL_VALUE.match(line)] if m]
            values = [re.sub(r"\{[^}]*\}|%\S*?[sdS]|&\w+;", "", v) for v in values]
            yield from chunks(name.rsplit("/", 1)[-1].rsplit(".", 1)[0], values)


CONVERT = {"html": from_html, "man": from_man, "fortune": from_fortune, "mo": from_mo, "langpack": from_langpack}


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", nargs="?", default=os.path.join(repo, ".build-bench", "data", "real-zh"))
    ap.add_argument("--min-mb", type=float, default=20)
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    corpus = os.path.join(a.out, "corpus.jsonl")
    manifest = os.path.join(a.out, "sources.json")
    if os.path.exists(corpus) and os.path.exists(manifest) and not a.force:
        print(f"real_corpus: {corpus} already built (--force rebuilds)", file=sys.stderr)
        print(corpus)
        return
    for tool in ("apt-get", "dpkg-deb"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode != 0:
            fail(f"{tool} not found: this script needs Debian's package tools")
    debs, xdir = os.path.join(a.out, "debs"), os.path.join(a.out, "x")
    packages = list(dict.fromkeys(s[0] for s in SOURCES))
    fetch(packages, debs)
    stats, total, seen = [], 0, set()
    tmp = corpus + ".tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        for package, prefix, kind, pattern, license_ in SOURCES:
            root, version = unpack(package, debs, xdir)
            docs = size = 0
            for path in sorted(glob.glob(os.path.join(root, pattern), recursive=True)):
                if not os.path.isfile(path):
                    continue
                for title, body in CONVERT[kind](path):
                    title = unicodedata.normalize("NFC", title)[:200]
                    body = unicodedata.normalize("NFC", body)
                    if len(CJK.findall(body)) < 10 or body in seen:  # no Chinese, or a duplicate page
                        continue
                    seen.add(body)
                    doc_id = f"{prefix}-{docs:05d}"
                    out.write(json.dumps({"id": doc_id, "title": title, "body": body, "source": package},
                                         ensure_ascii=False) + "\n")
                    docs += 1
                    size += len(title.encode()) + len(body.encode())
            stats.append({"id_prefix": prefix, "package": package, "version": version, "license": license_,
                          "documents": docs, "utf8_bytes": size})
            total += size
            print(f"real_corpus: {prefix:10} {package} {version}: {docs} documents, {size / 1e6:.1f} MB",
                  file=sys.stderr)
    if total < a.min_mb * 1e6:
        os.remove(tmp)
        fail(f"only {total / 1e6:.1f} MB of text (need {a.min_mb} MB)")
    os.replace(tmp, corpus)
    with open(manifest, "w", encoding="utf-8") as f:
        json.dump({"utf8_bytes": total, "sources": stats}, f, ensure_ascii=False, indent=1)
    print(f"real_corpus: {corpus}: {sum(s['documents'] for s in stats)} documents, {total / 1e6:.1f} MB",
          file=sys.stderr)
    print(corpus)


if __name__ == "__main__":
    main()
