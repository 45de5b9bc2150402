package routes.bench;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.sax.BodyContentHandler;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * The worker's processing chain on three inputs (a 1 MB text, a 50-page PDF, a 2,000-file repository), each as a
 * local source job on the embedded default (SQLite, embedded broker), timed from the job's own timestamps
 * (created_at to completed_at: hand-off, fetch, verify, detect, extract|index, chunk, store). Beside it, in the
 * same JVM run, the raw ceiling: Tika's AutoDetectParser extracting the same input into a string (for the repository,
 * file by file). Settings: -Dbench.runs=8 (single jobs timed, and jobs submitted together, per input).
 */
public final class ProcessingBench {

    private ProcessingBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.getInteger("bench.runs", 8);
        Path tmp = Files.createTempDirectory("cortex-processing");
        Path inputs = Files.createDirectories(tmp.resolve("inputs"));
        Path text = textFile(inputs.resolve("book.txt"), 1024 * 1024);
        Path pdf = pdf(inputs.resolve("report.pdf"), 50);
        Path repo = repository(inputs.resolve("repo"), 2000);
        System.out.printf("%d cores, Java %s, %d jobs per input one at a time (median), then submitted together%n%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), runs);
        System.out.printf("%-22s %7s %6s | %7s %7s %8s | %9s %8s | %10s %8s | %6s%n", "input", "MB", "docs",
                "queue", "work ms", "raw/work", "docs/s", "MB/s", "raw docs/s", "raw MB/s", "ratio");
        try (TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"),
                Map.of("cortex.local-source-roots", inputs.toString()))) {
            String project = app.postJson("/api/projects", "{\"name\":\"bench\"}").json().get("id").asText();
            for (int warm = 0; warm < 2; warm++) {
                job(app, project, text);
                job(app, project, pdf);
                raw(text);
                raw(pdf);
            }
            report("1 MB text", app, project, text, List.of(text), runs);
            report("50-page PDF", app, project, pdf, List.of(pdf), runs);
            List<Path> files;
            try (var walk = Files.walk(repo)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            job(app, project, repo);
            report("2,000-file repository", app, project, repo, files, Math.max(2, runs / 2));
        }
    }

    /**
     * One input: the work time of single jobs (started_at to completed_at, median; the queue wait before it is shown
     * apart), the throughput of {@code runs} jobs submitted together (first created_at to last completed_at, the
     * default 4 workers), and raw Tika on one thread over the same input, {@code runs} times.
     */
    private static void report(String name, TestApp app, String project, Path source, List<Path> rawInputs, int runs)
            throws Exception {
        long bytes = 0;
        for (Path p : rawInputs) {
            bytes += Files.size(p);
        }
        List<Long> work = new ArrayList<>();
        List<Long> queue = new ArrayList<>();
        long docs = 0;
        for (int i = 0; i < runs; i++) {
            JsonNode job = job(app, project, source);
            queue.add(millis(job, "created_at", "started_at"));
            work.add(millis(job, "started_at", "completed_at"));
            docs = app.get("/api/projects/" + project + "/ingest/jobs/" + job.get("id").asText() + "/documents")
                    .json().get("items").size();
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ids.add(create(app, project, source));
        }
        Instant first = null;
        Instant last = null;
        for (String id : ids) {
            JsonNode job = await(app, project, id);
            Instant created = Instant.parse(job.get("created_at").asText());
            Instant completed = Instant.parse(job.get("completed_at").asText());
            first = first == null || created.isBefore(first) ? created : first;
            last = last == null || completed.isAfter(last) ? completed : last;
        }
        long batch = Duration.between(first, last).toMillis();
        long t = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            for (Path p : rawInputs) {
                raw(p);
            }
        }
        long raw = Math.max(1, (System.nanoTime() - t) / 1_000_000);
        double mb = bytes / 1e6;
        double rawDocsPerSecond = runs * docsOf(rawInputs.size(), docs) * 1000.0 / raw;
        double batchDocsPerSecond = runs * docs * 1000.0 / batch;
        System.out.printf("%-22s %7.2f %6d | %7d %7d %8.2f | %9.1f %8.2f | %10.1f %8.2f | %6.2f%n", name, mb, docs,
                median(queue), median(work), (double) raw / runs / median(work), batchDocsPerSecond,
                runs * mb * 1000 / batch, rawDocsPerSecond, runs * mb * 1000 / raw, batchDocsPerSecond / rawDocsPerSecond);
    }

    /** Raw Tika yields one text per input file; the pipeline adds the repository's root document. */
    private static long docsOf(int rawFiles, long pipelineDocs) {
        return Math.min(rawFiles, pipelineDocs);
    }

    private static long millis(JsonNode job, String from, String to) {
        return Duration.between(Instant.parse(job.get(from).asText()), Instant.parse(job.get(to).asText())).toMillis();
    }

    private static String create(TestApp app, String project, Path source) {
        return app.postJson("/api/projects/" + project + "/ingest/jobs", "{\"source_path\":\"" + source + "\"}")
                .json().get("id").asText();
    }

    private static JsonNode job(TestApp app, String project, Path source) throws InterruptedException {
        return await(app, project, create(app, project, source));
    }

    /** Polls every 20 ms: the timings come from the job's own timestamps, polling only has to see the end. */
    private static JsonNode await(TestApp app, String project, String id) throws InterruptedException {
        while (true) {
            JsonNode job = app.get("/api/projects/" + project + "/ingest/jobs/" + id).json();
            String status = job.get("status").asText();
            if (status.equals("completed")) {
                return job;
            }
            if (!status.equals("queued") && !status.equals("running")) {
                throw new IllegalStateException("job ended " + status + ": " + job.get("error_message"));
            }
            Thread.sleep(20);
        }
    }

    private static final AutoDetectParser TIKA = new AutoDetectParser();

    private static String raw(Path file) throws Exception {
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, file.getFileName().toString());
        BodyContentHandler handler = new BodyContentHandler(-1);
        try (InputStream in = TikaInputStream.get(file)) {
            TIKA.parse(in, handler, metadata, new ParseContext());
        }
        return handler.toString();
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static final String[] WORDS = ("ingest retrieval document chunk overlap boundary paragraph sentence worker"
            + " queue broker project status stage progress archive repository extract detect verify store").split(" ");

    private static String sentence(int seed) {
        StringBuilder s = new StringBuilder();
        for (int w = 0; w < 12; w++) {
            s.append(WORDS[(seed * 7 + w * 13) % WORDS.length]).append(w == 11 ? ". " : " ");
        }
        return s.toString();
    }

    private static Path textFile(Path file, int bytes) throws Exception {
        StringBuilder text = new StringBuilder(bytes);
        for (int i = 0; text.length() < bytes; i++) {
            text.append(sentence(i));
            if (i % 6 == 5) {
                text.append("\n\n");
            }
        }
        return Files.writeString(file, text.substring(0, bytes));
    }

    private static Path pdf(Path file, int pages) throws Exception {
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            for (int p = 0; p < pages; p++) {
                PDPage page = new PDPage();
                doc.addPage(page);
                try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
                    content.beginText();
                    content.setFont(font, 10);
                    content.setLeading(14);
                    content.newLineAtOffset(50, 740);
                    for (int line = 0; line < 48; line++) {
                        content.showText(sentence(p * 48 + line));
                        content.newLine();
                    }
                    content.endText();
                }
            }
            doc.save(out);
            return Files.write(file, out.toByteArray());
        }
    }

    private static Path repository(Path root, int files) throws Exception {
        for (int i = 0; i < files; i++) {
            boolean code = i % 2 == 0;
            Path file = root.resolve("module" + (i % 20) + "/pkg" + (i % 7) + "/file" + i + (code ? ".java" : ".md"));
            Files.createDirectories(file.getParent());
            StringBuilder body = new StringBuilder();
            for (int line = 0; line < 30; line++) {
                body.append(code ? "    // " : "").append(sentence(i * 30 + line)).append('\n');
            }
            Files.writeString(file, body, StandardCharsets.UTF_8);
        }
        return root;
    }
}
