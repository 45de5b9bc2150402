package routes.storage;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;
import org.apache.tika.mime.MimeTypes;
import routes.failure.RefusedContent;

/**
 * The allow-list of content types, and the normalisation of what clients declare.
 *
 * <p>Text kinds: every type Tika's registry knows as a specialization of {@code text/plain} (YAML, logs, source
 * code, SQL, ...) is plain text to the pipeline, and {@code text/plain} on the allow-list allows them all. Bytes
 * cannot tell one text kind from another (the detector goes by the name there), so a declared text kind agrees
 * with any detected one, and where one of the two is {@code text/plain} the more specific is kept. Formats that
 * merely build on text but need a parser or mean something else as raw text (HTML, XHTML, RTF, SVG, e-mail) are
 * not text kinds: they stay on the list by their own names.
 */
public final class ContentTypes {

    public static final String OCTET_STREAM = "application/octet-stream";
    public static final String TEXT = "text/plain";

    private static final MediaTypeRegistry REGISTRY = MimeTypes.getDefaultMimeTypes().getMediaTypeRegistry();
    private static final Set<String> NOT_PLAIN_TEXT = Set.of("text/html", "application/xhtml+xml", "application/rtf");

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("txt", "text/plain"), Map.entry("text", "text/plain"), Map.entry("log", "text/plain"),
            Map.entry("md", "text/markdown"), Map.entry("markdown", "text/markdown"),
            Map.entry("csv", "text/csv"), Map.entry("json", "application/json"),
            Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("pdf", "application/pdf"),
            Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Map.entry("zip", "application/zip"), Map.entry("gz", "application/gzip"), Map.entry("tgz", "application/gzip"),
            Map.entry("tar", "application/x-tar"));

    private final List<String> allowed;

    public ContentTypes(List<String> allowed) {
        this.allowed = allowed.stream().map(ContentTypes::normalize).toList();
    }

    /** Lowercase, parameters stripped: {@code Text/Plain; charset=utf-8} is {@code text/plain}. */
    public static String normalize(String declared) {
        if (declared == null) {
            return null;
        }
        int semi = declared.indexOf(';');
        String type = (semi >= 0 ? declared.substring(0, semi) : declared).trim().toLowerCase(Locale.ROOT);
        return type.isEmpty() ? null : type;
    }

    /** A name for a file that came without one: {@code upload} with the extension of its declared type. */
    public static String nameFor(String declaredType) {
        String type = canonical(declaredType);
        String ext = type == null ? null : switch (type) {
            case TEXT -> "txt";
            case "text/markdown" -> "md";
            case "application/gzip" -> "gz";
            case "application/x-tar" -> "tar";
            default -> BY_EXTENSION.entrySet().stream().filter(e -> e.getValue().equals(type)).map(Map.Entry::getKey)
                    .findFirst().orElse(null);
        };
        return ext == null ? "upload" : "upload." + ext;
    }

    public static Optional<String> fromName(String fileName) {
        if (fileName == null) {
            return Optional.empty();
        }
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_EXTENSION.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT)));
    }

    /**
     * The type a file is taken as: the declared one, or (missing or octet-stream) the one its name implies. The
     * result must be on the allow-list.
     */
    public String accept(String declared, String fileName) {
        String type = canonical(declared);
        if (type == null || OCTET_STREAM.equals(type)) {
            type = fromName(fileName).orElseThrow(() -> new RefusedContent(RefusedContent.Reason.TYPE,
                    "Cannot tell the content type of '" + fileName + "': declare it (allowed: " + String.join(", ", allowed) + ")"));
        }
        return allowed(type);
    }

    /**
     * The type a file is taken as when its bytes were looked at: the declared type and the detected one must both be
     * allowed and must agree (a PDF declared as text/plain, or an executable declared as a PDF, is refused). Without
     * a declared type (or with octet-stream, S3's binary/octet-stream among its names) the detected one is taken.
     * Where both are text kinds the more specific one is kept: a Python file declared text/plain is text/x-python.
     */
    public String accept(String declared, String fileName, String detected) {
        String type = canonical(declared);
        String found = canonical(detected);
        if (type == null || OCTET_STREAM.equals(type)) {
            if (found == null || OCTET_STREAM.equals(found)) {
                return accept(null, fileName);
            }
            return allowed(found);
        }
        allowed(type);
        if (!agree(type, found)) {
            throw new RefusedContent(RefusedContent.Reason.MISMATCH, "Content does not match its declared type: declared " + type
                    + ", but the bytes are " + found);
        }
        return allowed(TEXT.equals(type) && found != null && isTextKind(found) ? found : type);
    }

    /**
     * The type a worker takes a fetched file as: the declared one when the bytes agree with it (bytes cannot tell
     * Markdown from text), else what the bytes are, else what the name says.
     */
    public static String reconcile(String declared, String detected, String fileName) {
        String type = canonical(declared);
        String found = canonical(detected);
        if (type != null && !OCTET_STREAM.equals(type) && agree(type, found)) {
            return TEXT.equals(type) && found != null && isTextKind(found) ? found : type;
        }
        if (found != null && !OCTET_STREAM.equals(found)) {
            return found;
        }
        return fromName(fileName).orElse(OCTET_STREAM);
    }

    /**
     * Bytes cannot tell Markdown, CSV, JSON or source code from plain text, nor one of them from another (the
     * detector goes by the file name there), so two text kinds agree, and a text type declared for what looks like
     * plain text agrees; otherwise the two must be the same type.
     */
    static boolean agree(String declared, String detected) {
        if (detected == null || declared.equals(detected)) {
            return true;
        }
        if (isTextKind(declared) && isTextKind(detected)) {
            return true;
        }
        boolean textual = declared.startsWith("text/") || declared.equals("application/json");
        return textual && detected.equals(TEXT);
    }

    /**
     * Whether a type is plain text to the pipeline: text/plain or a specialization of it in Tika's registry (YAML,
     * logs, CSV, JSON, source code), except the formats that need a parser or are not read as raw text.
     */
    public static boolean isTextKind(String type) {
        String t = canonical(type);
        if (t == null || NOT_PLAIN_TEXT.contains(t) || t.startsWith("message/") || t.startsWith("image/")) {
            return false;
        }
        MediaType media = MediaType.parse(t);
        if (media == null) {
            return false;
        }
        return TEXT.equals(t) || REGISTRY.isSpecializationOf(REGISTRY.normalize(media), MediaType.TEXT_PLAIN);
    }

    /** One name per type where detectors and clients use several. */
    public static String canonical(String type) {
        String t = normalize(type);
        if (t == null) {
            return null;
        }
        return switch (t) {
            case "text/x-web-markdown", "text/x-markdown" -> "text/markdown";
            case "application/x-gzip", "application/x-gtar", "application/x-compressed-tar", "application/x-tgz" -> "application/gzip";
            case "application/x-zip-compressed" -> "application/zip";
            // what S3 (and the AWS CLI) record for an object stored without a type: no type at all
            case "binary/octet-stream" -> OCTET_STREAM;
            default -> t;
        };
    }

    private String allowed(String type) {
        if (!isAllowed(type)) {
            throw new RefusedContent(RefusedContent.Reason.TYPE, "Unsupported content type: " + type + " (allowed: " + String.join(", ", allowed) + ")");
        }
        return type;
    }

    /** On the list by its name, by '*', or as a text kind while text/plain is on it. */
    public boolean isAllowed(String type) {
        return allowed.contains("*") || allowed.contains(type) || (allowed.contains(TEXT) && isTextKind(type));
    }
}
