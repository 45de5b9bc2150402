package routes.processing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

import org.apache.tika.parser.AutoDetectParser;
import routes.failure.PermanentFailure;
import routes.storage.ContentTypes;

/**
 * Text out of a document. Plain-text formats (text, Markdown, CSV, JSON, source code) are decoded as they are, with
 * their charset detected ({@link TextDecoder}); HTML, PDF and DOCX go through Apache Tika's parsers, which drop
 * markup, scripts and styles. The title is the document's own (HTML title, PDF/DOCX metadata, first Markdown
 * heading), else the file name.
 */
public final class TextExtractor {

    private static final Set<String> TEXTUAL = Set.of("text/plain", "text/markdown", "text/csv", "application/json");
    private static final Set<String> PARSED = Set.of("text/html", "application/xhtml+xml", "application/pdf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    /** Extensions of source code: chunked at line boundaries. */
    private static final Set<String> CODE = Set.of("java", "kt", "kts", "scala", "groovy", "py", "js", "jsx", "mjs", "ts",
            "tsx", "go", "rs", "c", "h", "cc", "cpp", "hpp", "cs", "rb", "php", "swift", "m", "sh", "bash", "zsh", "ps1",
            "sql", "yaml", "yml", "toml", "xml", "gradle", "lua", "pl", "r", "dart", "ex", "exs", "erl", "hs", "clj",
            "vue", "svelte", "css", "scss", "less", "proto", "tf", "dockerfile", "makefile", "cmake", "ini", "cfg");

    /** What was extracted from one document. */
    public record Extraction(String text, String title) {
    }

    private final AutoDetectParser parser;
    private final int maxChars;
    /** Where the parsers run bounded in time and memory; null: in this JVM (unit tests of the extraction alone). */
    private final ParserProcesses processes;

    /** @param maxChars the most text one document may yield; beyond it the document is refused, not cut short */
    public TextExtractor(int maxChars) {
        this(maxChars, null);
    }

    public TextExtractor(int maxChars, ParserProcesses processes) {
        this.maxChars = maxChars;
        this.processes = processes;
        this.parser = processes == null ? new AutoDetectParser() : null;
    }

    /** The types this build extracts text from (the default upload allow-list, besides archives), for messages. */
    private static final String EXTRACTABLE = java.util.stream.Stream.concat(TEXTUAL.stream(), PARSED.stream())
            .sorted().collect(java.util.stream.Collectors.joining(", ")) + " and every other kind of text/plain";

    public boolean canExtract(String mimeType) {
        return mimeType != null && (plain(mimeType) || PARSED.contains(mimeType));
    }

    /** Decoded as it is: the plain-text formats, and every text kind (YAML, logs, source code ...). */
    private static boolean plain(String mimeType) {
        return TEXTUAL.contains(mimeType) || ContentTypes.isTextKind(mimeType);
    }

    public Extraction extract(Path file, String mimeType, String name) {
        if (!canExtract(mimeType)) {
            throw new PermanentFailure("Unsupported content type for extraction: " + mimeType + " (" + name
                    + "); this build extracts " + EXTRACTABLE);
        }
        if (plain(mimeType)) {
            String text = TextDecoder.decode(read(file));
            if (exceedsLimit(text)) {
                throw tooLong(name);
            }
            return new Extraction(text, title(text, mimeType, name, null));
        }
        ParserProcesses.Answer answer;
        if (processes != null) {
            answer = processes.parse(file, mimeType, name, maxChars);
        } else {
            try {
                answer = ParserProcess.parse(parser, file, mimeType, name, maxChars);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return extraction(answer, mimeType, name);
    }

    /** What a parse answered, as the document's text, or the failure of its job. */
    private Extraction extraction(ParserProcesses.Answer answer, String mimeType, String name) {
        if (answer instanceof ParserProcesses.Text parsed) {
            String text = parsed.text().strip();
            if (exceedsLimit(text)) {
                throw tooLong(name);
            }
            return new Extraction(text, title(text, mimeType, name, parsed.title()));
        }
        if (answer instanceof ParserProcesses.TooLong) {
            throw tooLong(name);
        }
        if (answer instanceof ParserProcesses.Broken broken) {
            throw new PermanentFailure("Cannot extract text from " + name + " (" + mimeType + "): " + broken.message());
        }
        ParserProcesses.Died died = (ParserProcesses.Died) answer;
        if (died.timedOut()) {
            throw new PermanentFailure("Parsing " + name + " took longer than its limit of "
                    + processes.timeout().toSeconds() + " s (CORTEX_EXTRACT_PARSE_TIMEOUT_SECONDS); its parser process"
                    + " was stopped");
        }
        throw new PermanentFailure("The parser process of " + name + " died after " + died.after().toMillis()
                + " ms: the document needs more than the parser's " + processes.memoryMb() + " MB"
                + " (CORTEX_EXTRACT_PARSER_MEMORY_MB) or crashes its parser");
    }

    /** A file of a repository or directory: text files only (binaries were skipped before). */
    public Extraction textFile(byte[] bytes, String path) {
        String text = TextDecoder.decode(bytes);
        if (exceedsLimit(text)) {
            throw tooLong(path);
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        return new Extraction(text, title(text, typeOfFile(path), name, null));
    }

    /** The type a repository file is recorded with: from its name, plain text when the name does not say. */
    public static String typeOfFile(String path) {
        return ContentTypes.fromName(path).orElse("text/plain");
    }

    /** Source code (by extension, or a Makefile/Dockerfile): its chunks end at line breaks. */
    public static boolean isCode(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return CODE.contains(dot < 0 ? name : name.substring(dot + 1));
    }

    private static String title(String text, String mimeType, String name, String declared) {
        if (declared != null && !declared.isBlank()) {
            return declared.strip();
        }
        if ("text/markdown".equals(mimeType)) {
            for (String line : text.split("\n", 50)) {
                String l = line.strip();
                if (l.startsWith("#")) {
                    String heading = l.replaceFirst("^#+", "").strip();
                    if (!heading.isEmpty()) {
                        return heading;
                    }
                }
            }
        }
        return name;
    }

    /** Characters are code points, as everywhere: an emoji is one, not two UTF-16 units. */
    private boolean exceedsLimit(String text) {
        return text.length() > maxChars && text.codePointCount(0, text.length()) > maxChars;
    }

    private PermanentFailure tooLong(String name) {
        return new PermanentFailure("More than " + maxChars + " characters of text in " + name
                + " (the limit is CORTEX_EXTRACT_MAX_CHARS)");
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
