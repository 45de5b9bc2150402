package routes.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;

/**
 * The baseline every retrieval figure stands beside: Lucene's BM25 (k1 1.2, b 0.75) with its English analyzer
 * (stemming, stop words), over the same documents (title and text in one field), in the same run.
 */
final class LuceneBaseline {

    private LuceneBaseline() {
    }

    /** The best {@code depth} documents of each query. */
    static Map<String, List<String>> rank(Cranfield collection, int depth) throws Exception {
        Analyzer analyzer = new EnglishAnalyzer();
        try (Directory dir = new ByteBuffersDirectory()) {
            try (IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig(analyzer))) {
                for (Cranfield.Doc d : collection.corpus().values()) {
                    Document doc = new Document();
                    doc.add(new StringField("id", d.id(), Field.Store.YES));
                    doc.add(new TextField("body", d.content(), Field.Store.NO));
                    writer.addDocument(doc);
                }
            }
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                QueryParser parser = new QueryParser("body", analyzer);
                Map<String, List<String>> rankings = new LinkedHashMap<>();
                for (Map.Entry<String, String> q : collection.queries().entrySet()) {
                    List<String> ids = new ArrayList<>();
                    for (ScoreDoc hit : searcher.search(parser.parse(QueryParser.escape(q.getValue())), depth).scoreDocs) {
                        ids.add(searcher.storedFields().document(hit.doc).get("id"));
                    }
                    rankings.put(q.getKey(), ids);
                }
                return rankings;
            }
        }
    }
}
