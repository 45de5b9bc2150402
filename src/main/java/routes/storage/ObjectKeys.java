package routes.storage;

import java.util.Optional;
import java.util.UUID;

import routes.failure.InvalidRequest;

/** Object keys: {@code <prefix>/<project_id>/<job_id>/<sanitized file name>}. */
public final class ObjectKeys {

    static final int MAX_NAME = 120;
    /** Bytes of a stored name in UTF-8: room under the usual 255 for the temporary and moved copies' suffixes. */
    static final int MAX_NAME_BYTES = 200;
    static final int MAX_ORIGINAL_NAME = 1024;

    private ObjectKeys() {
    }

    public static String key(String prefix, UUID projectId, UUID jobId, String fileName) {
        String p = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
        return (p.isEmpty() ? "" : p + "/") + projectId + "/" + jobId + "/" + sanitize(fileName);
    }

    /** The project whose folder a key is in ({@code <prefix>/<project_id>/...}); empty when it is in none. */
    public static Optional<UUID> projectOf(String prefix, String key) {
        return segment(prefix, key, 0);
    }

    /**
     * The job an object key belongs to: a key of exactly {@code <prefix>/<project_id>/<job_id>/<name>}, as
     * {@link #key} makes them; empty for any other key.
     */
    public static Optional<UUID> jobOf(String prefix, String key) {
        String p = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
        String underPrefix = p.isEmpty() ? key : key.startsWith(p + "/") ? key.substring(p.length() + 1) : null;
        if (underPrefix == null || underPrefix.split("/", -1).length != 3 || segment(p, key, 0).isEmpty()) {
            return Optional.empty();
        }
        return segment(p, key, 1);
    }

    private static Optional<UUID> segment(String prefix, String key, int index) {
        String underPrefix = prefix.isEmpty() ? key
                : key.startsWith(prefix + "/") ? key.substring(prefix.length() + 1) : null;
        if (underPrefix == null) {
            return Optional.empty();
        }
        String[] segments = underPrefix.split("/", index + 2);
        if (segments.length <= index) {
            return Optional.empty();
        }
        String segment = segments[index];
        if (segment.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(segment));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * A file name safe as one key segment and one file name: the last path segment only, no control characters,
     * no separators, no leading dots (so never {@code ..}), at most {@value #MAX_NAME} characters and
     * {@value #MAX_NAME_BYTES} bytes with the extension kept.
     */
    public static String sanitize(String fileName) {
        String name = fileName == null ? "" : fileName;
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        StringBuilder out = new StringBuilder();
        name.codePoints().forEach(cp -> {
            if (Character.isLetterOrDigit(cp) || cp == '.' || cp == '-' || cp == '_') {
                out.appendCodePoint(cp);
            } else if (!Character.isISOControl(cp)) {
                out.append('_');
            }
        });
        String clean = out.toString().replaceAll("^[._]+", "").replaceAll("_{2,}", "_");
        if (clean.isEmpty()) {
            clean = "upload";
        }
        if (clean.length() > MAX_NAME || utf8Length(clean) > MAX_NAME_BYTES) {
            int dot = clean.lastIndexOf('.');
            String ext = dot > 0 && clean.length() - dot <= 16 ? clean.substring(dot) : "";
            clean = prefixWithin(clean.substring(0, clean.length() - ext.length()),
                    MAX_NAME - ext.length(), MAX_NAME_BYTES - utf8Length(ext)) + ext;
        }
        return clean;
    }

    /**
     * The longest start of {@code s} of whole code points (a surrogate pair is never cut) within both limits: file
     * systems count a name's bytes (255 on most), not its characters, and a CJK character is three of them.
     */
    private static String prefixWithin(String s, int maxChars, int maxBytes) {
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int cpBytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (out.length() + Character.charCount(cp) > maxChars || bytes + cpBytes > maxBytes) {
                break;
            }
            out.appendCodePoint(cp);
            bytes += cpBytes;
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    private static int utf8Length(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /**
     * A file name as a client or a watched key gave it, as the job keeps and shows it (original_filename): its last
     * path segment ({@code /} and {@code \} both separate, so {@code ../../etc/x.txt} is {@code x.txt} and
     * {@code C:\Users\me\report.txt} is {@code report.txt}); refused when it holds control characters (NUL among
     * them, which PostgreSQL cannot store) or bidirectional controls (U+202E shows {@code \u202Egpj.exe} as
     * "exe.jpg"), or is longer than any file system allows. Null, or no name left: null, and the caller falls back
     * to the source's own name.
     */
    public static String clientFileName(String fileName) {
        if (fileName == null) {
            return null;
        }
        if (fileName.codePoints().anyMatch(cp -> Character.isISOControl(cp) || bidiControl(cp))) {
            throw new InvalidRequest("File name contains control or text-direction characters: send a plain name");
        }
        if (fileName.codePointCount(0, fileName.length()) > MAX_ORIGINAL_NAME) {
            throw new InvalidRequest("File name too long: at most " + MAX_ORIGINAL_NAME + " characters");
        }
        String last = fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1).strip();
        return last.isEmpty() || last.equals(".") || last.equals("..") ? null : last;
    }

    /** Characters that reorder what follows them on screen: a name holding one shows as another. */
    private static boolean bidiControl(int cp) {
        return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x2066 && cp <= 0x2069);
    }
}
