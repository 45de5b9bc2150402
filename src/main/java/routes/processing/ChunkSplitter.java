package routes.processing;

import java.lang.Character.UnicodeScript;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import routes.document.Chunk;

/**
 * Splits text into chunks of at most {@code size} characters. Characters are Unicode code points, as the API counts
 * them: a chunk's offsets are code-point offsets into the document's text, and its content is exactly the text
 * between them.
 *
 * <p>A chunk ends at the last paragraph break in its window if there is one in its second half, else at a line
 * break, else after a sentence, else at a space, else at the window's end; never inside a character (a surrogate
 * pair) and never inside a grapheme cluster (an emoji sequence, a letter with its combining marks) unless a single
 * cluster is longer than a chunk. The next chunk starts up to {@code overlap} characters earlier, at a line or
 * sentence start inside the overlap if there is one, else at a word start, so that neither chunk begins with the
 * tail of a word; where the overlap holds no such start (one long word), the next chunk starts where this one ended.
 * Source code ends its chunks at blank lines or line breaks only (a line is cut only when it alone is longer than a
 * chunk) and overlaps by whole lines.
 */
public final class ChunkSplitter {

    private static final String[] BREAKS = {"\n\n", "\n", ". ", " "};
    private static final String[] CODE_BREAKS = {"\n\n", "\n"};
    private static final Pattern GRAPHEME = Pattern.compile("\\X");
    /** How far back a grapheme search starts: clusters are short (a long run of combining marks is cut anyway). */
    private static final int CLUSTER_CONTEXT = 256;

    private final int size;
    private final int overlap;

    public ChunkSplitter(int size, int overlap) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1");
        }
        if (overlap < 0 || overlap >= size) {
            throw new IllegalArgumentException("chunk overlap must be at least 0 and smaller than the chunk size");
        }
        this.size = size;
        this.overlap = overlap;
    }

    public List<Chunk> split(String text) {
        return split(text, false);
    }

    public List<Chunk> split(String text, boolean code) {
        String[] breaks = code ? CODE_BREAKS : BREAKS;
        List<Chunk> chunks = new ArrayList<>();
        Matcher clusters = GRAPHEME.matcher(text);
        int length = text.length();
        int start = 0;
        long startPoint = 0;
        while (start < length) {
            int window = advance(text, start, size);
            int end = window;
            if (end < length) {
                end = graphemeFloor(clusters, text, boundary(text, start, end, breaks));
                if (end <= start) {
                    // one cluster longer than a chunk: it is cut at a character, never inside one
                    end = window;
                }
            }
            long endPoint = startPoint + text.codePointCount(start, end);
            chunks.add(new Chunk(chunks.size(), Math.toIntExact(startPoint), Math.toIntExact(endPoint),
                    text.substring(start, end)));
            if (end >= length) {
                break;
            }
            int next = nextStart(clusters, text, start, end, code);
            startPoint = endPoint - text.codePointCount(next, end);
            start = next;
        }
        return chunks;
    }

    /** The index {@code n} code points after {@code from}, or the text's end. */
    private static int advance(String text, int from, int n) {
        int i = from;
        for (int k = 0; k < n && i < text.length(); k++) {
            i += Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1)) ? 2 : 1;
        }
        return i;
    }

    private int boundary(String text, int start, int end, String[] breaks) {
        int earliest = start + (end - start) / 2;
        for (String br : breaks) {
            int at = lastIndexOf(text, br, end - br.length(), earliest);
            if (at >= 0) {
                return at + br.length();
            }
        }
        if (breaks == CODE_BREAKS) {
            // Short lines are better than a cut line: any line break in the window will do.
            int at = lastIndexOf(text, "\n", end - 1, start + 1);
            if (at >= 0) {
                return at + 1;
            }
        }
        return end;
    }

    /**
     * Where the chunk after {@code [start, end)} begins: inside the overlap at the first line or sentence start,
     * else at the first word start, else at {@code end}; always after {@code start}. Code: at a line start.
     */
    private int nextStart(Matcher clusters, String text, int start, int end, boolean code) {
        if (overlap == 0) {
            return end;
        }
        int from = Math.max(start + 1, back(text, end, overlap));
        if (code) {
            int lineStart = text.indexOf('\n', from - 1) + 1;
            return lineStart > from - 1 && lineStart < end ? lineStart : end;
        }
        int word = -1;
        for (int i = from; i < end; i++) {
            char previous = text.charAt(i - 1);
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                continue;
            }
            boolean sentence = previous == '\n' || (Character.isWhitespace(previous) && i >= 2
                    && ".!?".indexOf(text.charAt(i - 2)) >= 0);
            if (sentence) {
                return graphemeCeil(clusters, text, i, end);
            }
            if (word < 0 && (Character.isWhitespace(previous) || wordPerCharacter(text, i))) {
                word = i;
            }
        }
        return word >= 0 ? graphemeCeil(clusters, text, word, end) : end;
    }

    /** Scripts written without spaces between words: each character may start a chunk. */
    private static boolean wordPerCharacter(String text, int i) {
        UnicodeScript script = UnicodeScript.of(text.codePointAt(i));
        return script == UnicodeScript.HAN || script == UnicodeScript.HIRAGANA || script == UnicodeScript.KATAKANA;
    }

    /** The index {@code n} code points before {@code from}, or 0. */
    private static int back(String text, int from, int n) {
        int i = from;
        for (int k = 0; k < n && i > 0; k++) {
            i -= i >= 2 && Character.isLowSurrogate(text.charAt(i - 1)) && Character.isHighSurrogate(text.charAt(i - 2))
                    ? 2 : 1;
        }
        return i;
    }

    /** The last grapheme-cluster boundary at or before {@code i}. */
    private static int graphemeFloor(Matcher clusters, String text, int i) {
        if (i <= 0 || i >= text.length()) {
            return i;
        }
        int floor = -1;
        clusters.region(Math.max(0, i - CLUSTER_CONTEXT), text.length());
        while (clusters.find() && clusters.end() <= i) {
            floor = clusters.end();
        }
        return floor < 0 ? i : floor;
    }

    /** The first grapheme-cluster boundary at or after {@code i}, below {@code limit}, else {@code limit}. */
    private static int graphemeCeil(Matcher clusters, String text, int i, int limit) {
        int floor = graphemeFloor(clusters, text, i);
        if (floor == i) {
            return i;
        }
        clusters.region(floor, text.length());
        return clusters.find() && clusters.end() < limit ? clusters.end() : limit;
    }

    /**
     * The last occurrence of {@code s} starting between {@code floor} and {@code from}, or -1. Bounded, unlike
     * String.lastIndexOf, which would scan back to the start of the text: quadratic on text without breaks.
     */
    private static int lastIndexOf(String text, String s, int from, int floor) {
        for (int i = from; i >= floor; i--) {
            if (text.startsWith(s, i)) {
                return i;
            }
        }
        return -1;
    }
}
