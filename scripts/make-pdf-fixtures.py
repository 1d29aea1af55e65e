#!/usr/bin/env python3
"""Makes the PDF fixtures in Tests/HanSearchTests/Fixtures/pdf with xelatex (xeCJK, AR PL UMing) and qpdf.

- ningbo-page.pdf: corpus/ningbo-2022-science-services.txt set as a two-column newspaper page: banner,
  titles, bylines, section headings, photo boxes with captions (one breaking a sentence, as in the text
  version), the photo credit, and a folio (page number) at the foot that must not be indexed.
- report.pdf: a multi-page report (paragraphs of corpus/debian-manuals-slice.jsonl and a few of our own)
  with a running header and footer, a Chinese word and a hyphenated English word broken by forced line
  wraps, and title/author/date in the info dictionary; report-paragraphs.txt holds its paragraphs, one a line.
- scan.pdf (no text layer), encrypted.pdf (a user password), truncated.pdf, damaged.pdf.

Run scripts/setup.sh --fixtures first (texlive-xetex, texlive-lang-chinese, fonts-arphic-uming, qpdf).
The output is reproducible (SOURCE_DATE_EPOCH fixes the dates xdvipdfmx writes), except encrypted.pdf:
qpdf draws a new encryption key each run.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "HanSearchTests", "Fixtures", "pdf")
CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2014-\u2026"

PREAMBLE = r"""\documentclass[%(size)s]{extarticle}
\usepackage[%(geometry)s]{geometry}
\usepackage{xeCJK}
\setmainfont{Latin Modern Roman}[Ligatures=TeXOff]
\setCJKmainfont{AR PL UMing CN}
\usepackage{multicol}
\usepackage{fancyhdr}
\special{pdf:docinfo << /Title <%(title)s> /Author <%(author)s> >>}
\setlength{\parindent}{2em}
\setlength{\parskip}{3pt}
\setlength{\columnsep}{8mm}
"""


def tex(text):
    """Escapes TeX's special characters."""
    out = []
    for ch in text:
        if ch in "%$#&_{}":
            out.append("\\" + ch)
        elif ch == "\\":
            out.append(r"\textbackslash{}")
        elif ch == "~":
            out.append(r"\textasciitilde{}")
        elif ch == "^":
            out.append(r"\textasciicircum{}")
        elif ch in "<>|":
            out.append(r"\texttt{%s}" % ch)
        else:
            out.append(ch)
    return "".join(out)


def clean(text):
    """Removes the extraction's stray spaces next to CJK characters (what PageParser does too)."""
    text = re.sub(r"\s+", " ", text.strip())
    return re.sub(r"(?<=[%s]) | (?=[%s])" % (CJK, CJK), "", text)


def ends_sentence(text):
    return re.search(r"[。．.！!？?…；;][\"'”’」』）)》]*$", text) is not None


def is_label(text):
    return len(text) <= 40 and re.search(r"[，,、；;：:。！!？?…]", text) is None


def newspaper_blocks():
    """The sample page's blocks with the blank lines above each: (blank lines, raw text)."""
    blocks, blanks = [], 0
    for line in open(os.path.join(ROOT, "corpus", "ningbo-2022-science-services.txt"), encoding="utf-8"):
        if not line.strip():
            blanks += 1
            continue
        blocks.append((blanks, line.strip()))
        blanks = 0
    return blocks


def is_byline(raw):
    return re.fullmatch(r"[\u4e00-\u9fff]+( +[\u4e00-\u9fff]+)+", raw) is not None


def pdf_string(text):
    """A PDF text string in UTF-16 hex, for the info dictionary."""
    return "FEFF" + text.encode("utf-16-be").hex().upper()


def newspaper_tex():
    """The sample page as a newspaper page, read in the text version's order with its layout cues."""
    blocks = newspaper_blocks()
    body = []
    in_columns = False
    open_paragraph = False  # the last paragraph breaks off mid-sentence and goes on after a photo

    def columns(on):
        nonlocal in_columns
        if on != in_columns:
            body.append(r"\begin{multicols}{2}" if on else r"\end{multicols}")
            in_columns = on

    i = 0
    body.append(r"\begin{center}{\large %s}\end{center}\vspace{4mm}" % tex(clean(blocks[0][1])))
    i = 1
    while i < len(blocks):
        blanks, raw = blocks[i]
        text = clean(raw)
        nxt = blocks[i + 1][1] if i + 1 < len(blocks) else ""
        if is_label(text) and is_byline(nxt):
            columns(False)
            body.append(r"\vspace{3mm}{\centering\LARGE\bfseries %s\par}\vspace{2mm}" % tex(text))
            body.append(r"{\centering %s\par}\vspace{3mm}" % re.sub(r" +", r"\\quad ", tex(nxt)))
            columns(True)
            i += 2
            continue
        if re.fullmatch(r"[(（]图片.*[)）]", text):
            body.append(r"{\raggedleft\small %s\par}" % tex(text))
        elif blanks >= 2 and is_label(text):
            # A photo: an empty frame (no text layer), its caption below in a smaller size.
            body.append(r"\par\vspace{2mm}\noindent\framebox[\columnwidth]{\rule{0pt}{30mm}}\par"
                        r"{\centering\small %s\par}\vspace{2mm}" % tex(text))
        elif blanks == 1 and is_label(text) and not open_paragraph:
            body.append(r"\par\vspace{2mm}{\centering\large\bfseries %s\par}\vspace{1mm}" % tex(text))
        else:
            # A sentence the text version breaks off goes on after the photo between the two halves; a
            # break at a column end (no photo in between) is one paragraph in print.
            prefix = r"\noindent " if open_paragraph else ""
            if open_paragraph and blanks == 1 and body[-1].endswith("\\par") and not body[-1].startswith(r"\par"):
                body[-1] = body[-1][: -len("\\par")] + tex(text) + "\\par"
            else:
                body.append(prefix + tex(text) + "\\par")
            open_paragraph = not ends_sentence(text)
        i += 1
    columns(False)
    return (PREAMBLE % {"size": "9pt", "geometry": "paperwidth=340mm,paperheight=540mm,margin=14mm,footskip=8mm",
                        "title": pdf_string("宁波日报 2022年9月28日 第3版"), "author": pdf_string("宁波日报")}
            + "\\pagestyle{plain}\n\\begin{document}\n" + "\n".join(body) + "\n\\end{document}\n")


OWN_PARAGRAPHS = [
    # Long enough that a page break falls inside it (see check_page_break).
    "为了便于查阅，本报告把参考手册中关于安装、登录、终端、权限和关机的段落摘录在一起，按原文的顺序排列，"
    "并在每一段之后保留原有的术语和命令名称。读者可以把这些段落当作入门的提纲：先了解系统的多用户设计，"
    "再学习如何在字符控制台和图形环境之间切换，然后理解文件权限为何会妨碍普通用户访问设备，最后掌握"
    "安全关机的步骤。每一段都尽量保持原貌，只在必要的地方调整了标点，以便排版。",
    # A Chinese word broken by a forced line wrap: 数据治 | 理.
    "本报告所说的数据治\\newline 理，是指对系统日志、软件包元数据和用户文档的统一管理。",
    # A hyphenated English word broken at the line end: inter- | national.
    "Debian 的翻译团队遵循 inter-\\newline national 的协作惯例，译文与原文同步发布。",
]


def report_paragraphs():
    """Paragraphs of the Debian reference slice (long ones only), then ours."""
    paragraphs = []
    for line in open(os.path.join(ROOT, "corpus", "debian-manuals-slice.jsonl"), encoding="utf-8"):
        record = json.loads(line)
        for paragraph in record["body"].split("\n"):
            if len(paragraph) >= 80 and ends_sentence(paragraph) and len(paragraphs) < 22:
                paragraphs.append(paragraph)
    return paragraphs[:8] + OWN_PARAGRAPHS + paragraphs[8:]


def report_tex(paragraphs):
    rendered = [p if "\\newline" in p else tex(p) for p in paragraphs]
    return (PREAMBLE % {"size": "11pt", "geometry": "a5paper,margin=16mm,headsep=5mm",
                        "title": pdf_string("Debian 参考手册选读"), "author": pdf_string("青木修, 李明")}
            + "\\pagestyle{fancy}\\fancyhf{}\\fancyhead[C]{\\small 内部资料　Debian 参考手册选读}"
            + "\\fancyfoot[C]{\\small 第 \\thepage\\ 页}\\renewcommand{\\headrulewidth}{0.4pt}\n"
            + "\\clubpenalty=0 \\widowpenalty=0\n\\begin{document}\n{\\centering\\Large\\bfseries Debian 参考手册选读\\par}\\vspace{4mm}\n"
            + "\n\n".join(rendered) + "\n\\end{document}\n")


SCAN_TEX = r"""\documentclass{article}
\usepackage[a5paper]{geometry}
\pagestyle{empty}
\begin{document}
\noindent\rule{80mm}{40mm}\par\vspace{5mm}\noindent\rule{60mm}{20mm}
\end{document}
"""


def xelatex(name, source, work):
    path = os.path.join(work, name + ".tex")
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1664323200", FORCE_SOURCE_DATE="1")
    for _ in range(2):  # twice, for stable page references
        result = subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error", name + ".tex"],
                                cwd=work, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit("xelatex failed on %s:\n%s" % (name, result.stdout[-3000:]))
    return os.path.join(work, name + ".pdf")


def check_page_break(report):
    """Fails unless a paragraph of the report goes on across a page break (what the tests need)."""
    for page in (1, 2):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), report, "-"],
                              capture_output=True, text=True, check=True).stdout
        lines = [l.strip() for l in text.splitlines() if l.strip() and not re.fullmatch(r"第\s*\d+\s*页", l.strip())]
        if lines and not ends_sentence(lines[-1]):
            return
    sys.exit("no paragraph of report.pdf crosses a page break; adjust the paragraphs")


def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        page = xelatex("ningbo-page", newspaper_tex(), work)
        paragraphs = report_paragraphs()
        report = xelatex("report", report_tex(paragraphs), work)
        scan = xelatex("scan", SCAN_TEX, work)
        for source, name in [(page, "ningbo-page.pdf"), (report, "report.pdf"), (scan, "scan.pdf")]:
            subprocess.run(["qpdf", "--deterministic-id", source, os.path.join(OUT, name)], check=True)
    report = os.path.join(OUT, "report.pdf")
    check_page_break(report)
    subprocess.run(["qpdf", "--static-id", "--encrypt", "secret", "owner", "256", "--", report,
                    os.path.join(OUT, "encrypted.pdf")], check=True)
    data = open(report, "rb").read()
    open(os.path.join(OUT, "truncated.pdf"), "wb").write(data[: len(data) // 2])
    # The header and the end marker survive, everything between is gone: no object can be found.
    open(os.path.join(OUT, "damaged.pdf"), "wb").write(data[:16] + bytes(len(data) // 4) + b"\n%%EOF\n")
    with open(os.path.join(OUT, "report-paragraphs.txt"), "w", encoding="utf-8") as f:
        for paragraph in paragraphs:
            f.write(clean(paragraph.replace("\\newline ", "").replace("inter-national", "international")) + "\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
