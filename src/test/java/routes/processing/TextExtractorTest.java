package routes.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import routes.failure.PermanentFailure;
import org.junit.jupiter.api.io.TempDir;
import routes.storage.ContentTypes;
import routes.storage.TypeDetector;
import routes.support.SampleDocuments;

/** One test per format: real files, detected by their bytes and extracted by Tika; no markup in the text. */
class TextExtractorTest {

    static final String DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    final TextExtractor extractor = new TextExtractor(1_000_000);
    final TypeDetector detector = new TypeDetector();

    @TempDir
    Path dir;

    TextExtractor.Extraction extract(String name, byte[] bytes, String expectedType) throws Exception {
        Path file = Files.write(dir.resolve(name), bytes);
        // what the worker does for a source without a validated type: Tika on the bytes and the name
        String type = ContentTypes.canonical(detector.detect(file, name));
        assertThat(type).isEqualTo(expectedType);
        return extractor.extract(file, type, name);
    }

    @Test
    void pdf() throws Exception {
        var e = extract("report.pdf", SampleDocuments.pdf("Quarterly report", "Revenue grew in the third quarter.",
                "The second page mentions retrieval."), "application/pdf");
        assertThat(e.text()).contains("Revenue grew in the third quarter.", "The second page mentions retrieval.");
        assertThat(e.title()).isEqualTo("Quarterly report");
    }

    @Test
    void docx() throws Exception {
        var e = extract("memo.docx", SampleDocuments.docx("Team memo", "First paragraph about chunking.",
                "Second paragraph about overlap."), DOCX);
        assertThat(e.text()).contains("First paragraph about chunking.", "Second paragraph about overlap.");
        assertThat(e.title()).isEqualTo("Team memo");
    }

    @Test
    void htmlWithoutMarkupScriptsOrStyles() throws Exception {
        var e = extract("notes.html", SampleDocuments.HTML.getBytes(StandardCharsets.UTF_8), "text/html");
        assertThat(e.text()).contains("The ingest service now extracts HTML without its markup.");
        assertThat(e.text()).doesNotContain("<", ">", "secretScript", "secret-style", "color: red");
        assertThat(e.title()).isEqualTo("Release notes");
    }

    @Test
    void markdownKeepsItsTextAndTakesItsTitleFromTheHeading() throws Exception {
        var e = extract("guide.md", "# Install guide\n\nRun the jar.\n".getBytes(StandardCharsets.UTF_8), "text/markdown");
        assertThat(e.text()).contains("Run the jar.");
        assertThat(e.title()).isEqualTo("Install guide");
    }

    @Test
    void csvAndJsonAsTheyAre() throws Exception {
        var csv = extract("people.csv", "name,city\nAda,London\n".getBytes(StandardCharsets.UTF_8), "text/csv");
        assertThat(csv.text()).isEqualTo("name,city\nAda,London\n");
        Path json = Files.writeString(dir.resolve("data.json"), "{\"answer\": 42, \"text\": \"forty-two\"}");
        // bytes alone cannot tell JSON from text: the declared type is what the worker extracts it as
        assertThat(extractor.extract(json, "application/json", "data.json").text()).contains("\"forty-two\"");
    }

    @Test
    void utf16AndLatin1TextIsDecoded() throws Exception {
        String sentence = "Grüße aus Köln: naïve café, déjà vu.";
        var utf16 = extract("utf16.txt", ("\uFEFF" + sentence).getBytes(StandardCharsets.UTF_16LE), "text/plain");
        assertThat(utf16.text()).isEqualTo(sentence);
        String longer = (sentence + " Ein längerer Satz über Übergrößen und Äpfel.\n").repeat(20);
        var latin1 = extract("latin1.txt", longer.getBytes(Charset.forName("ISO-8859-1")), "text/plain");
        assertThat(latin1.text()).isEqualTo(longer);
    }

    @Test
    void aDocumentOverTheLimitIsRefusedNotCut() throws Exception {
        Path file = Files.writeString(dir.resolve("big.txt"), "x".repeat(2000));
        assertThatThrownBy(() -> new TextExtractor(1000).extract(file, "text/plain", "big.txt"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("More than 1000 characters");
        Path html = Files.writeString(dir.resolve("big.html"), "<p>" + "y".repeat(2000) + "</p>");
        assertThatThrownBy(() -> new TextExtractor(1000).extract(html, "text/html", "big.html"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("More than 1000 characters");
    }

    @Test
    void anExecutableIsNotExtracted() throws Exception {
        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0};
        Path file = Files.write(dir.resolve("tool"), elf);
        String type = ContentTypes.canonical(detector.detect(file, "tool"));
        assertThat(extractor.canExtract(type)).isFalse();
        assertThatThrownBy(() -> extractor.extract(file, type, "tool")).isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("Unsupported content type");
    }
}
