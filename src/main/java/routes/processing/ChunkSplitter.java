package routes.processing;

import java.util.ArrayList;
import java.util.List;
import routes.document.Chunk;

/**
 * Splits text into chunks of at most {@code size} characters, each starting {@code overlap} characters before the
 * previous one ended. A chunk ends at the last paragraph break in its window if there is one in its second half,
 * else at a line break, else after a sentence, else at a space, else at the window's end. Source code ends its
 * chunks at blank lines or line breaks only (a line is cut only when it alone is longer than a chunk).
 */
public final class ChunkSplitter {

    private static final String[] BREAKS = {"\n\n", "\n", ". ", " "};
    private static final String[] CODE_BREAKS = {"\n\n", "\n"};

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
        int start = 0;
        int length = text.length();
        while (start < length) {
            int end = Math.min(start + size, length);
            if (end < length) {
                end = boundary(text, start, end, breaks);
            }
            chunks.add(new Chunk(chunks.size(), start, end, text.substring(start, end)));
            if (end >= length) {
                break;
            }
            // Overlap, but always move forward: the next chunk starts after this one's start.
            int next = Math.max(end - overlap, start + 1);
            if (code && overlap > 0) {
                // Code overlaps by whole lines: the next chunk starts at a line start inside the overlap.
                int lineStart = text.indexOf('\n', next - 1) + 1;
                next = lineStart > next - 1 && lineStart < end ? lineStart : end;
            }
            start = next;
        }
        return chunks;
    }

    private int boundary(String text, int start, int end, String[] breaks) {
        int earliest = start + size / 2;
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
