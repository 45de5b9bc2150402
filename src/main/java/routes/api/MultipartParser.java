package routes.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import routes.failure.InvalidRequest;

/**
 * A streaming multipart/form-data parser: fed the request body chunk by chunk, it reports each part's headers and
 * content as they arrive, holding back only the few bytes that could be the start of a delimiter. Ours because
 * Netty's decoder (under Vert.x) appends a CR to a part when a chunk boundary falls between the CR and LF before
 * the delimiter (netty/netty#17383): an upload must arrive byte for byte.
 */
public final class MultipartParser {

    /** What the parser found, in order. */
    public interface Listener {
        void partStart(String name, String fileName, String contentType);

        void partData(byte[] bytes, int offset, int length);

        void partEnd();
    }

    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};
    private static final Pattern BOUNDARY = Pattern.compile("boundary=(?:\"([^\"]+)\"|([^;\\s]+))", Pattern.CASE_INSENSITIVE);

    private enum State { PREAMBLE, AFTER_DELIMITER, HEADERS, BODY, DONE }

    private final byte[] delimiter;
    private final Listener listener;
    private State state = State.PREAMBLE;
    private byte[] pending;

    public MultipartParser(String boundary, Listener listener) {
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.listener = listener;
        // The first delimiter has no CRLF before it: start as if the body began with one.
        this.pending = CRLF.clone();
    }

    /** The boundary of a multipart/form-data Content-Type, or 400. */
    public static String boundary(String contentType) {
        Matcher m = contentType == null ? null : BOUNDARY.matcher(contentType);
        if (m == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data") || !m.find()) {
            throw new InvalidRequest("Upload must be multipart/form-data with a boundary and a file part named 'file'");
        }
        String b = m.group(1) != null ? m.group(1) : m.group(2);
        if (b.isEmpty() || b.length() > 70) {
            throw new InvalidRequest("Invalid multipart boundary");
        }
        return b;
    }

    public boolean done() {
        return state == State.DONE;
    }

    public void feed(byte[] chunk) {
        if (state == State.DONE) {
            return; // an epilogue after the closing delimiter is ignored
        }
        if (state == State.BODY && pending.length > 0 && chunk.length >= delimiter.length
                && !delimiterStartsIn(pending, chunk)) {
            // The common case inside a large part: the held-back bytes are content after all. Pass them on and scan
            // the chunk as it is, instead of copying it behind them.
            listener.partData(pending, 0, pending.length);
            pending = new byte[0];
        }
        byte[] buf = concat(pending, chunk);
        int pos = 0;
        while (state != State.DONE) {
            int consumed = step(buf, pos);
            if (consumed < 0) {
                break;
            }
            pos = consumed;
        }
        pending = Arrays.copyOfRange(buf, pos, buf.length);
    }

    /** The body ended: it must have ended with the closing delimiter. */
    public void finish() {
        if (state != State.DONE) {
            throw new InvalidRequest("Malformed multipart body: it ends before its closing boundary");
        }
    }

    /** Consumes what it can from buf at pos; returns the new position, or -1 when it needs more bytes. */
    private int step(byte[] buf, int pos) {
        switch (state) {
            case PREAMBLE, BODY -> {
                int at = indexOf(buf, delimiter, pos);
                if (at < 0) {
                    // Everything but a possible delimiter prefix at the end is content (or preamble).
                    int safe = buf.length - (delimiter.length - 1);
                    if (safe > pos) {
                        if (state == State.BODY) {
                            listener.partData(buf, pos, safe - pos);
                        }
                        return safe;
                    }
                    return -1;
                }
                if (state == State.BODY) {
                    if (at > pos) {
                        listener.partData(buf, pos, at - pos);
                    }
                    listener.partEnd();
                }
                state = State.AFTER_DELIMITER;
                return at + delimiter.length;
            }
            case AFTER_DELIMITER -> {
                if (buf.length - pos < 2) {
                    return -1;
                }
                if (buf[pos] == '-' && buf[pos + 1] == '-') {
                    state = State.DONE;
                    return buf.length;
                }
                if (buf[pos] == '\r' && buf[pos + 1] == '\n') {
                    state = State.HEADERS;
                    return pos + 2;
                }
                throw new InvalidRequest("Malformed multipart body: unexpected bytes after a boundary");
            }
            case HEADERS -> {
                int end = indexOf(buf, HEADER_END, pos);
                if (end < 0) {
                    if (buf.length - pos > MAX_HEADER_BYTES) {
                        throw new InvalidRequest("Malformed multipart body: part headers too long");
                    }
                    return -1;
                }
                startPart(new String(buf, pos, end - pos, StandardCharsets.UTF_8));
                state = State.BODY;
                return end + HEADER_END.length;
            }
            default -> {
                return -1;
            }
        }
    }

    private void startPart(String headers) {
        String name = null;
        String fileName = null;
        String contentType = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (header.equals("content-disposition")) {
                name = parameter(value, "name");
                fileName = parameter(value, "filename");
            } else if (header.equals("content-type")) {
                contentType = value;
            }
        }
        listener.partStart(name, fileName, contentType);
    }

    private static String parameter(String disposition, String key) {
        Matcher m = Pattern.compile("(?:^|;)\\s*" + key + "=(?:\"((?:[^\"\\\\]++|\\\\.)*+)\"|([^;]*+))", Pattern.CASE_INSENSITIVE)
                .matcher(disposition);
        if (!m.find()) {
            return null;
        }
        if (m.group(1) == null) {
            return m.group(2).trim();
        }
        // Browsers (the HTML standard's form encoding) send a quote as %22 and line breaks as %0D/%0A, and leave a
        // backslash alone (C:\Users\me\report.txt stays a path); curl sends a quote as \". Both are read.
        String quoted = m.group(1).replace("\\\"", "\"");
        return quoted.replaceAll("(?i)%22", "\"").replaceAll("(?i)%0D", "\r").replaceAll("(?i)%0A", "\n");
    }

    /** Whether a delimiter begins within the held-back bytes and runs on into the chunk. */
    private boolean delimiterStartsIn(byte[] held, byte[] chunk) {
        byte[] seam = concat(held, Arrays.copyOf(chunk, delimiter.length - 1));
        int at = indexOf(seam, delimiter, 0);
        return at >= 0 && at < held.length;
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
