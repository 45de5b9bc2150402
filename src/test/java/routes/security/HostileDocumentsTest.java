package routes.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ApiClient.Reply;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * The hostile documents of the corpus: a zip bomb, nested archives, entries with {@code ..}, absolute paths and
 * links, PDFs and a DOCX that break parsers, a DOCX with an external XML entity and one with entity expansion. Each
 * upload is answered 200 or 400 (never 5xx); an accepted one fails its own job or completes without what it tried
 * (no file outside the temporary directory, no local file's text, no expansion); the service stays healthy and
 * serves the next ordinary document.
 */
class HostileDocumentsTest {

    @TempDir
    Path tmp;

    @Test
    void oneBadDocumentFailsOneJobAndNothingEscapes() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "TOP-SECRET-CONTENT");
        Map<String, Object[]> documents = new LinkedHashMap<>();
        documents.put("bomb.zip", new Object[] {"application/zip", zip(Map.of("zeros.txt", new byte[300 * 1024 * 1024]))});
        documents.put("nested.zip", new Object[] {"application/zip", zip(Map.of("inner.zip",
                zip(Map.of("inner2.zip", zip(Map.of("deep.txt", "deep text".getBytes())))), "top.txt", "top".getBytes()))});
        documents.put("slip.zip", new Object[] {"application/zip", zip(Map.of("../../../escaped-zip.txt",
                "escaped".getBytes(), "/tmp/absolute-zip.txt", "absolute".getBytes(), "ok.txt", "fine".getBytes()))});
        documents.put("links.tar.gz", new Object[] {"application/gzip", tarWithLinks(secret)});
        documents.put("broken.pdf", new Object[] {"application/pdf", "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R"
                .getBytes()});
        documents.put("truncated.pdf", new Object[] {"application/pdf", ("%PDF-1.4\n" + "x".repeat(5000)).getBytes()});
        documents.put("broken.docx", new Object[] {"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                zip(Map.of("[Content_Types].xml", "<Types".getBytes(), "word/document.xml", "<w:document".getBytes()))});
        documents.put("xxe.docx", new Object[] {"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                docx("<!DOCTYPE d [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>", "&xxe;")});
        documents.put("laughs.docx", new Object[] {"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                docx("<!DOCTYPE d [<!ENTITY a \"lol\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                        + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
                        + "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">]>",
                        "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;")});

        try (TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of(
                "cortex.storage.max-upload-mb", "4", "cortex.index.max-archive-mb", "64",
                "cortex.task.max-retries", "0"))) {
            String project = app.postJson("/api/projects", "{\"name\":\"hostile documents\"}").json().get("id").asText();
            String upload = "/api/projects/" + project + "/ingest/upload";
            StringBuilder everything = new StringBuilder();
            for (Map.Entry<String, Object[]> doc : documents.entrySet()) {
                Reply r = app.upload(upload, doc.getKey(), (byte[]) doc.getValue()[1], (String) doc.getValue()[0], null);
                assertThat(r.status()).as(doc.getKey() + ": " + r.body()).isIn(200, 400);
                if (r.status() != 200) {
                    continue;
                }
                String job = r.json().get("job_id").asText();
                JsonNode end = await().atMost(Duration.ofSeconds(60)).until(
                        () -> app.get("/api/projects/" + project + "/ingest/jobs/" + job).json(),
                        j -> j.get("status").asText().matches("completed|failed"));
                everything.append(end);
                for (JsonNode d : app.get("/api/projects/" + project + "/ingest/jobs/" + job + "/documents").json()
                        .get("items")) {
                    everything.append(d);
                    everything.append(app.get("/api/projects/" + project + "/documents/" + d.get("id").asText()
                            + "/chunks?limit=100").body());
                }
            }
            String seen = everything.toString();
            assertThat(seen).doesNotContain("TOP-SECRET-CONTENT").doesNotContain("lollollollollol");
            try (var files = Files.walk(tmp.getRoot().resolve("tmp"), 1)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .doesNotContain("escaped-zip.txt", "absolute-zip.txt", "escaped-tar.txt");
            }
            assertThat(tmp.getParent().resolve("escaped-zip.txt")).doesNotExist();
            await().atMost(Duration.ofSeconds(10)).until(() -> app.filesUnder("tmp") == 0);
            assertThat(app.get("/observe/health").status()).isEqualTo(200);
            // and the next ordinary document goes through
            Reply fine = app.upload(upload, "fine.txt", "an ordinary document".getBytes(), "text/plain", null);
            String job = fine.json().get("job_id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/api/projects/" + project + "/ingest/jobs/" + job)
                    .json().get("status").asText().equals("completed"));
        }
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static byte[] docx(String doctype, String body) throws IOException {
        String types = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/"
                + "package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd."
                + "openxmlformats-package.relationships+xml\"/><Override PartName=\"/word/document.xml\" ContentType=\""
                + "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
        String rels = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats."
                + "org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
                + "officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
        String document = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + doctype + "<w:document xmlns:w=\"http://"
                + "schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>" + body
                + "</w:t></w:r></w:p></w:body></w:document>";
        Map<String, byte[]> parts = new LinkedHashMap<>();
        parts.put("[Content_Types].xml", types.getBytes(StandardCharsets.UTF_8));
        parts.put("_rels/.rels", rels.getBytes(StandardCharsets.UTF_8));
        parts.put("word/document.xml", document.getBytes(StandardCharsets.UTF_8));
        return zip(parts);
    }

    private static byte[] tarWithLinks(Path secret) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            TarArchiveEntry link = new TarArchiveEntry("secret-link.txt", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName(secret.toString());
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
            TarArchiveEntry hard = new TarArchiveEntry("hard-link.txt", TarArchiveEntry.LF_LINK);
            hard.setLinkName(secret.toString());
            tar.putArchiveEntry(hard);
            tar.closeArchiveEntry();
            byte[] escaped = "escaped".getBytes();
            TarArchiveEntry slip = new TarArchiveEntry("../../escaped-tar.txt", true);
            slip.setSize(escaped.length);
            tar.putArchiveEntry(slip);
            tar.write(escaped);
            tar.closeArchiveEntry();
            byte[] ok = "a normal file".getBytes();
            TarArchiveEntry normal = new TarArchiveEntry("normal.txt");
            normal.setSize(ok.length);
            tar.putArchiveEntry(normal);
            tar.write(ok);
            tar.closeArchiveEntry();
        }
        return out.toByteArray();
    }
}
