package routes.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.failure.PermanentFailure;
import routes.support.SampleDocuments;

/**
 * Parsers run in child JVMs bounded in memory and time: a parser bomb (a PDF of a few KB whose one page needs
 * gigabytes) ends its parser process and fails with a clear message; this JVM is untouched, and the next
 * document parses in a new process.
 */
class ParserLimitsTest {

    @TempDir
    static Path dir;
    static Path bomb;
    static Path fine;
    static Path slowBomb;

    @BeforeAll
    static void documents() throws Exception {
        bomb = Files.write(dir.resolve("bomb.pdf"), SampleDocuments.pdfBomb(400_000));
        slowBomb = Files.write(dir.resolve("slow.pdf"), SampleDocuments.pdfBomb(2_000_000));
        fine = Files.write(dir.resolve("fine.pdf"), SampleDocuments.pdf("Fine", "a fine page"));
    }

    @Test
    void aDocumentThatNeedsMoreMemoryThanItsParserHasFailsAlone() throws Exception {
        assertThat(Files.size(bomb)).as("small on disk").isLessThan(200_000);
        try (ParserProcesses parsers = new ParserProcesses(1, 64, Duration.ofSeconds(120))) {
            TextExtractor extractor = new TextExtractor(50_000_000, parsers);

            assertThatThrownBy(() -> extractor.extract(bomb, "application/pdf", "bomb.pdf"))
                    .isInstanceOf(PermanentFailure.class)
                    .hasMessageStartingWith("The parser process of bomb.pdf died after")
                    .hasMessageContaining("more than the parser's 64 MB");

            assertThat(extractor.extract(fine, "application/pdf", "fine.pdf").text()).contains("a fine page");
        }
    }

    @Test
    void aDocumentThatParsesForTooLongIsStopped() throws Exception {
        try (ParserProcesses parsers = new ParserProcesses(1, 2048, Duration.ofSeconds(1))) {
            TextExtractor extractor = new TextExtractor(50_000_000, parsers);

            assertThatThrownBy(() -> extractor.extract(slowBomb, "application/pdf", "slow.pdf"))
                    .isInstanceOf(PermanentFailure.class)
                    .hasMessage("Parsing slow.pdf took longer than its limit of 1 s"
                            + " (CORTEX_EXTRACT_PARSE_TIMEOUT_SECONDS); its parser process was stopped");

            assertThat(extractor.extract(fine, "application/pdf", "fine.pdf").title()).isEqualTo("Fine");
        }
    }
}
