// Lucene 8 as a peer of bench/peers.py: the engine under Elasticsearch, indexing and searching a corpus the
// way an Elasticsearch `match_phrase` query on `title` and `body` would.
//
//   java -cp CLASSPATH LucenePeer CORPUS.jsonl QUERIES.txt --analyzer cjk|char --child-out OUT.json
//        [--workdir DIR] [--repeat N] [--topk K] [--limit-docs N] [--store] [--warmup]
//
// --warmup indexes the whole corpus once into a scratch directory before the timed build, so that the
// timed build runs JIT-compiled, as in a long-running Elasticsearch node; by default (like every other
// peer, which starts cold too) the timed build includes the JVM's warm-up.
//
// --store keeps title and body as stored fields too (Lucene's default LZ4 stored-fields compression), as
// Elasticsearch keeps _source: an index that, like HanSearch's, can give back the text it matched.
//
// Analyzers:
//   cjk   Lucene's CJKAnalyzer with its defaults (= Elasticsearch's `cjk` analyzer): StandardTokenizer,
//         CJKWidthFilter, LowerCaseFilter, CJKBigramFilter (overlapping bigrams of CJK runs, a lone CJK
//         character as a unigram), StopFilter with the English stop words.
//   char  one token per CJK character and one per run of letters/digits, normalized like HanSearch
//         (Sources/HanSearch/Text/Normalizer.swift, CharacterClass.swift, Tokenizer.swift): NFKC, then
//         lowercase; the same CJK ranges; whitespace separates words without a position gap, other
//         characters (punctuation, symbols) leave one empty position; a '.' between digits stays in the word.
//
// Corpus, queries and scoring are peers.py's: documents and queries are normalized with NFKC + lowercase
// first (as every peer gets them), title and body are indexed as two TextFields (not stored: ids come from
// a NumericDocValues field holding the corpus position), IndexWriterConfig keeps Lucene's defaults (16 MB
// RAM buffer, TieredMergePolicy, ConcurrentMergeScheduler, compound files; no forceMerge). A query is what
// Elasticsearch's match_phrase builds: the query analyzed with the field's analyzer and turned into a
// PhraseQuery of its tokens at their positions by Lucene's QueryBuilder (a TermQuery for one token), for
// title OR body, and every matching document is collected. Writes the child-result JSON of peers.py
// (index_s, index_bytes, latency_s, latency_topk_s, results with ids, ...), which peers.py scores against
// its brute-force scan like any other peer.
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.QueryBuilder;
import org.apache.lucene.util.Version;

public final class LucenePeer {
    static String norm(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    // ------------------------------------------------------------ the one-token-per-character analyzer

    /** HanSearch's CharacterClass.isCJK ranges. */
    static boolean isCJK(int v) {
        return (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0x3400 && v <= 0x4DBF) || (v >= 0x20000 && v <= 0x2A6DF)
            || (v >= 0x2A700 && v <= 0x2EE5F) || (v >= 0x30000 && v <= 0x323AF) || (v >= 0xF900 && v <= 0xFAFF)
            || (v >= 0x2F800 && v <= 0x2FA1F) || (v >= 0x2E80 && v <= 0x2FDF) || (v >= 0x3005 && v <= 0x3007)
            || (v >= 0x3021 && v <= 0x3029) || (v >= 0x3038 && v <= 0x303B) || (v >= 0x3041 && v <= 0x3096)
            || (v >= 0x309D && v <= 0x309F) || (v >= 0x30A1 && v <= 0x30FA) || (v >= 0x30FC && v <= 0x30FF)
            || (v >= 0x31F0 && v <= 0x31FF) || (v >= 0x1100 && v <= 0x11FF) || (v >= 0x3131 && v <= 0x318E)
            || (v >= 0xA960 && v <= 0xA97F) || (v >= 0xD7B0 && v <= 0xD7FF) || (v >= 0xAC00 && v <= 0xD7A3)
            || (v >= 0x1B000 && v <= 0x1B16F);
    }

    static final int CJK = 0, WORD = 1, SPACE = 2, OTHER = 3;

    /** HanSearch's CharacterClass. */
    static int classOf(int v) {
        if (v < 0x80) {
            if ((v >= '0' && v <= '9') || (v >= 'A' && v <= 'Z') || (v >= 'a' && v <= 'z')) return WORD;
            if ((v >= 0x09 && v <= 0x0D) || v == 0x20) return SPACE;
            return OTHER;
        }
        if (isCJK(v)) return CJK;
        if (Character.isWhitespace(v) || Character.isSpaceChar(v) || v == 0x85) return SPACE;
        switch (Character.getType(v)) {
            case Character.UPPERCASE_LETTER: case Character.LOWERCASE_LETTER: case Character.TITLECASE_LETTER:
            case Character.MODIFIER_LETTER: case Character.OTHER_LETTER: case Character.DECIMAL_DIGIT_NUMBER:
            case Character.LETTER_NUMBER: case Character.OTHER_NUMBER: case Character.NON_SPACING_MARK:
            case Character.COMBINING_SPACING_MARK: case Character.ENCLOSING_MARK:
                return WORD;
            default:
                return OTHER;
        }
    }

    /** Tokens (term, position increment) of normalized text: CJK characters one by one, words whole. */
    static final class CharTokenizer extends Tokenizer {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final PositionIncrementAttribute increment = addAttribute(PositionIncrementAttribute.class);
        private final OffsetAttribute offset = addAttribute(OffsetAttribute.class);
        private String text = "";
        private int at = 0;
        private int gap = 0;  // empty positions owed to the next token
        private boolean first = true;

        @Override
        public void reset() throws IOException {
            super.reset();
            StringBuilder sb = new StringBuilder();
            char[] buffer = new char[8192];
            for (int n; (n = input.read(buffer)) > 0; ) sb.append(buffer, 0, n);
            // HanSearch's fold: NFKC, lowercase, NFKC again (a lowercased letter can have a compatibility form)
            text = Normalizer.normalize(norm(sb.toString()), Normalizer.Form.NFKC);
            at = 0;
            gap = 0;
            first = true;
        }

        private boolean emit(int start, int end, String t) {
            clearAttributes();
            term.setEmpty().append(t);
            increment.setPositionIncrement(1 + (first ? 0 : gap));
            offset.setOffset(correctOffset(start), correctOffset(end));
            gap = 0;
            first = false;
            return true;
        }

        @Override
        public boolean incrementToken() {
            int n = text.length();
            while (at < n) {
                int c = text.codePointAt(at);
                int width = Character.charCount(c);
                int kind = classOf(c);
                if (kind == CJK) {
                    int start = at;
                    at += width;
                    return emit(start, at, text.substring(start, at));
                }
                if (kind == WORD) {
                    int start = at;
                    boolean lastDigit = false;
                    while (at < n) {
                        int d = text.codePointAt(at);
                        if (classOf(d) == WORD) {
                            lastDigit = d >= '0' && d <= '9';
                            at += Character.charCount(d);
                        } else if (d == '.' && lastDigit && at + 1 < n && text.charAt(at + 1) >= '0'
                                   && text.charAt(at + 1) <= '9') {
                            at += 1;  // 445.4 is one word
                        } else {
                            break;
                        }
                    }
                    return emit(start, at, text.substring(start, at));
                }
                if (kind == OTHER) gap = 1;  // one empty position, however many marks in a row
                at += width;
            }
            return false;
        }

        @Override
        public void end() throws IOException {
            super.end();
            offset.setOffset(correctOffset(text.length()), correctOffset(text.length()));
        }
    }

    static final class CharAnalyzer extends Analyzer {
        @Override
        protected TokenStreamComponents createComponents(String field) {
            return new TokenStreamComponents(new CharTokenizer());
        }
    }

    // ------------------------------------------------------------ main

    public static void main(String[] args) throws Exception {
        String corpus = null, queriesPath = null, analyzerName = "cjk", out = null, workdir = ".";
        int repeat = 3, topk = 10, limit = 0;
        boolean store = false, warmup = false;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--analyzer": analyzerName = args[++i]; break;
                case "--child-out": out = args[++i]; break;
                case "--workdir": workdir = args[++i]; break;
                case "--repeat": repeat = Integer.parseInt(args[++i]); break;
                case "--topk": topk = Integer.parseInt(args[++i]); break;
                case "--limit-docs": limit = Integer.parseInt(args[++i]); break;
                case "--store": store = true; break;
                case "--warmup": warmup = true; break;
                default: positional.add(args[i]);
            }
        }
        if (positional.size() != 2 || out == null) {
            System.err.println("usage: LucenePeer CORPUS.jsonl QUERIES.txt --analyzer cjk|char --child-out OUT.json "
                               + "[--workdir DIR] [--repeat N] [--topk K] [--limit-docs N] [--store] [--warmup]");
            System.exit(64);
        }
        corpus = positional.get(0);
        queriesPath = positional.get(1);
        Analyzer analyzer;
        String analyzerNote;
        switch (analyzerName) {
            case "cjk":
                analyzer = new CJKAnalyzer();
                analyzerNote = "CJKAnalyzer() defaults (= Elasticsearch cjk): bigrams, English stop words";
                break;
            case "char":
                analyzer = new CharAnalyzer();
                analyzerNote = "one token per CJK char, letter/digit runs as words, NFKC+lowercase (HanSearch's rules)";
                break;
            default:
                System.err.println("LucenePeer: --analyzer must be cjk or char, not " + analyzerName);
                System.exit(64);
                return;
        }

        // corpus and queries, normalized as peers.py does (outside the timed part, as there)
        List<String> ids = new ArrayList<>(), titles = new ArrayList<>(), bodies = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(Paths.get(corpus), StandardCharsets.UTF_8)) {
            int ln = 0;
            for (String line; (line = r.readLine()) != null; ) {
                ln++;
                line = line.strip();
                if (line.isEmpty()) continue;
                JsonObject o;
                try {
                    o = JsonParser.parseString(line).getAsJsonObject();
                } catch (RuntimeException e) {
                    System.err.println(corpus + ":" + ln + ": bad corpus line: " + e.getMessage());
                    System.exit(1);
                    return;
                }
                ids.add(o.get("id").getAsString());
                titles.add(norm(o.has("title") && !o.get("title").isJsonNull() ? o.get("title").getAsString() : ""));
                bodies.add(norm(o.has("body") && !o.get("body").isJsonNull() ? o.get("body").getAsString() : ""));
                if (limit > 0 && ids.size() >= limit) break;
            }
        }
        List<String> queries = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get(queriesPath), StandardCharsets.UTF_8)) {
            String q = norm(line.strip());
            if (!q.isEmpty() && !q.startsWith("#")) queries.add(q);
        }
        long inputBytes = 0;
        for (int i = 0; i < ids.size(); i++) {
            inputBytes += titles.get(i).getBytes(StandardCharsets.UTF_8).length
                + bodies.get(i).getBytes(StandardCharsets.UTF_8).length;
        }

        // ---- index: from the first document to a durable commit and a closed writer (merges finished)
        Path indexPath = Paths.get(workdir, "lucene_" + analyzerName + (store ? "_stored" : ""));
        Field.Store stored = store ? Field.Store.YES : Field.Store.NO;
        if (warmup) {
            Path scratch = Paths.get(workdir, "lucene_warmup");
            build(scratch, analyzer, titles, bodies, stored);
            deleteTree(scratch);
        }
        double indexSeconds = build(indexPath, analyzer, titles, bodies, stored);
        long indexBytes;
        try (Stream<Path> files = Files.walk(indexPath)) {
            indexBytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }

        // ---- search
        List<Double> latency = new ArrayList<>(), latencyTopk = new ArrayList<>();
        List<Map<String, Object>> results = new ArrayList<>();
        String example;
        try (Directory dir = FSDirectory.open(indexPath); DirectoryReader reader = DirectoryReader.open(dir)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            QueryBuilder builder = new QueryBuilder(analyzer);
            int[] position = new int[reader.maxDoc()];  // Lucene doc id -> corpus position, for top-k hits
            for (LeafReaderContext leaf : reader.leaves()) {
                NumericDocValues values = leaf.reader().getNumericDocValues("n");
                for (int d; (d = values.nextDoc()) != NumericDocValues.NO_MORE_DOCS; ) {
                    position[leaf.docBase + d] = (int) values.longValue();
                }
            }
            example = phrase(builder, "人民共和国").toString();
            for (String q : queries) {
                double[] runs = new double[repeat];
                int[] found = null;
                for (int k = 0; k < repeat; k++) {
                    long t = System.nanoTime();
                    Query query = phrase(builder, q);
                    AllMatches all = new AllMatches();
                    searcher.search(query, all);
                    found = all.sorted();
                    runs[k] = (System.nanoTime() - t) / 1e9;
                }
                latency.add(median(runs));
                List<String> got = new ArrayList<>(found.length);
                for (int n : found) got.add(ids.get(n));
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("q", q);
                result.put("count", got.size());
                result.put("ids", got);
                results.add(result);
                if (topk > 0) {
                    for (int k = 0; k < repeat; k++) {
                        long t = System.nanoTime();
                        ScoreDoc[] hits = searcher.search(phrase(builder, q), topk).scoreDocs;  // BM25
                        List<String> top = new ArrayList<>(hits.length);
                        for (ScoreDoc hit : hits) top.add(ids.get(position[hit.doc]));
                        runs[k] = (System.nanoTime() - t) / 1e9;
                    }
                    latencyTopk.add(median(runs));
                }
            }
        }

        Map<String, Object> info = new LinkedHashMap<>();
        info.put("lucene", Version.LATEST.toString());
        info.put("analyzer", analyzerNote);
        info.put("query_example", example);
        info.put("note", "match_phrase semantics (QueryBuilder.createPhraseQuery on title OR body); "
                 + (store ? "title and body stored" : "fields not stored")
                 + (warmup ? "; timed build after an untimed warm-up build" : "")
                 + "; IndexWriterConfig defaults; index time excludes JVM start-up");
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("peer", "lucene_" + analyzerName + (store ? "_stored" : ""));
        report.put("python", "java " + System.getProperty("java.version"));  // the column peers.py prints
        report.put("docs", ids.size());
        report.put("input_bytes", inputBytes);
        report.put("index_s", indexSeconds);
        report.put("index_bytes", indexBytes);
        report.put("latency_s", latency);
        report.put("latency_topk_s", latencyTopk);
        report.put("results", results);
        report.put("maxrss_kb", peakRssKb());
        report.put("info", info);
        Gson gson = new GsonBuilder().disableHtmlEscaping().create();
        try (Writer w = Files.newBufferedWriter(Paths.get(out), StandardCharsets.UTF_8)) {
            gson.toJson(report, w);
        }
    }

    /** Builds a new index of the documents at `path`; returns the seconds from the first document to the
     *  commit and the closed writer (merges finished). */
    static double build(Path path, Analyzer analyzer, List<String> titles, List<String> bodies, Field.Store stored)
            throws IOException {
        deleteTree(path);
        long t0 = System.nanoTime();
        try (Directory dir = FSDirectory.open(path);
             IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig(analyzer))) {
            for (int i = 0; i < titles.size(); i++) {
                Document doc = new Document();
                doc.add(new TextField("title", titles.get(i), stored));
                doc.add(new TextField("body", bodies.get(i), stored));
                doc.add(new NumericDocValuesField("n", i));
                writer.addDocument(doc);
            }
            writer.commit();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Elasticsearch match_phrase over title and body: a phrase of the analyzed query in either field. */
    static Query phrase(QueryBuilder builder, String q) {
        BooleanQuery.Builder either = new BooleanQuery.Builder();
        int clauses = 0;
        for (String field : new String[] {"title", "body"}) {
            Query fq = builder.createPhraseQuery(field, q);
            if (fq != null) {
                either.add(fq, BooleanClause.Occur.SHOULD);
                clauses++;
            }
        }
        return clauses == 0 ? new MatchNoDocsQuery("the query analyzes to no tokens") : either.build();
    }

    /** Collects the corpus position of every matching document, without scores. */
    static final class AllMatches extends SimpleCollector {
        private int[] found = new int[64];
        private int count = 0;
        private NumericDocValues values;

        @Override
        protected void doSetNextReader(LeafReaderContext context) throws IOException {
            values = context.reader().getNumericDocValues("n");
        }

        @Override
        public void collect(int doc) throws IOException {
            if (!values.advanceExact(doc)) throw new IllegalStateException("document without n");
            if (count == found.length) found = Arrays.copyOf(found, count * 2);
            found[count++] = (int) values.longValue();
        }

        @Override
        public ScoreMode scoreMode() {
            return ScoreMode.COMPLETE_NO_SCORES;
        }

        int[] sorted() {
            int[] r = Arrays.copyOf(found, count);
            Arrays.sort(r);
            return r;
        }
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no figure
        }
        return 0;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : (Iterable<Path>) s.sorted((a, b) -> b.compareTo(a))::iterator) Files.delete(q);
        }
    }
}
