#!/usr/bin/env python3
# Copied into the repository from the HanSearch team's shared benchmark tools (shared/bench/gen_corpus.py),
# written by the team for HanSearch's peer benchmark, so that a clone runs bench/ with nothing beside it.
"""Synthetic Chinese corpus + query generator for peers.py.

Usage: python3 gen_corpus.py OUT_DIR [--docs 20000] [--queries 200] [--seed 42]
Writes OUT_DIR/corpus.jsonl ({"id","title","body"} per line) and OUT_DIR/queries.txt.

Source text: every zh_CN / zh_TW / zh_Hans message catalogue (*.mo) found under
/usr/share/locale and /usr/share/vim (Debian's own translations: real, if
technical, Chinese). An order-2 character Markov chain trained on those strings
generates titles/bodies, so character and bigram frequencies are those of the
source text while documents are not verbatim copies of it.
Queries: substrings of CJK runs sampled from generated docs (lengths 1..10),
plus a few random-character strings that are expected to match nothing.
"""
import argparse, collections, itertools, glob, gettext, json, os, random, re, sys, unicodedata

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
PUNCT = "，。、；：？！“”（）《》"

def load_source():
    files = set()
    for pat in ("/usr/share/locale/zh*/LC_MESSAGES/*.mo", "/usr/share/locale-langpack/zh*/LC_MESSAGES/*.mo",
                "/usr/share/vim/vim*/lang/zh_CN.UTF-8/LC_MESSAGES/*.mo"):
        files.update(glob.glob(pat))
    texts = []
    for f in sorted(files):
        try:
            with open(f, "rb") as fh:
                cat = gettext.GNUTranslations(fh)._catalog
        except Exception:
            continue
        for v in cat.values():
            if not isinstance(v, str) or not CJK.search(v):
                continue
            v = re.sub(r"%[-#0-9.]*[a-zA-Z]|\{[^}]*\}|<[^>]*>|\\[nt]", "", v)
            v = unicodedata.normalize("NFKC", v)
            # keep CJK + Chinese punctuation; everything else becomes a clause break
            v = re.sub(r"[^\u3400-\u4dbf\u4e00-\u9fff，。、；：？！“”（）《》]+", "，", v.replace(",", "，"))
            v = v.strip("，")
            if len(v) >= 2:
                texts.append(v + "。")
    return files, texts

def build_chain(texts):
    chain = collections.defaultdict(collections.Counter)
    for t in texts:
        s = "^^" + t
        for i in range(2, len(s)):
            chain[s[i - 2:i]][s[i]] += 1
    return {k: (list(c.keys()), list(itertools.accumulate(c.values()))) for k, c in chain.items()}

def gen_sentence(chain, rng, maxlen=60):
    st, out = "^^", []
    for _ in range(maxlen):
        nxt = chain.get(st)
        if not nxt:
            break
        ch = rng.choices(nxt[0], cum_weights=nxt[1])[0]
        out.append(ch)
        st = st[1] + ch
        if ch == "。":
            break
    s = "".join(out)
    return s if s.endswith("。") else s + "。"

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--min-body", type=int, default=300)
    ap.add_argument("--max-body", type=int, default=1500)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    files, texts = load_source()
    if not texts:
        sys.exit("no Chinese .mo catalogues found under /usr/share/locale")
    src_chars = sum(len(t) for t in texts)
    chain = build_chain(texts)
    os.makedirs(a.out, exist_ok=True)
    docs = []
    with open(os.path.join(a.out, "corpus.jsonl"), "w", encoding="utf-8") as f:
        for i in range(a.docs):
            title = gen_sentence(chain, rng, 24).rstrip("。")
            target = rng.randint(a.min_body, a.max_body)
            paras, n = [], 0
            while n < target:
                p = "".join(gen_sentence(chain, rng) for _ in range(rng.randint(2, 6)))
                paras.append(p); n += len(p)
            body = "\n".join(paras)
            docs.append(body)
            f.write(json.dumps({"id": f"d{i:06d}", "title": title, "body": body}, ensure_ascii=False) + "\n")
    allchars = [c for t in texts for c in CJK_RUN.findall(t) for c in c]
    qs = []
    want = {1: 0.08, 2: 0.20, 3: 0.20, 4: 0.25, 5: 0.1, 6: 0.08, 8: 0.07, 10: 0.02}
    nmiss = max(1, a.queries // 20)
    for L, frac in want.items():
        k = int(round(frac * (a.queries - nmiss)))
        got = 0
        while got < k:
            runs = [r for r in CJK_RUN.findall(rng.choice(docs)) if len(r) >= L]
            if not runs:
                continue
            r = rng.choice(runs); s = rng.randrange(0, len(r) - L + 1)
            qs.append(r[s:s + L]); got += 1
    for _ in range(nmiss):
        qs.append("".join(rng.choice(allchars) for _ in range(rng.choice([4, 5, 6]))))
    rng.shuffle(qs)
    with open(os.path.join(a.out, "queries.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(qs) + "\n")
    print(f"source: {len(files)} .mo files, {len(texts)} strings, {src_chars} chars, "
          f"{len(set(allchars))} distinct CJK chars; wrote {a.docs} docs, {len(qs)} queries to {a.out}", file=sys.stderr)

if __name__ == "__main__":
    main()
