package routes.processing;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits text into chunks of at most {@code size} characters, each starting {@code overlap} characters before the
 * previous one ended. A chunk ends at the last paragraph break in its window if there is one in its second half,
 * else at a line break, else after a sentence, else at a space, else at the window's end.
 */
public final class ChunkSplitter {

    private static final String[] BREAKS = {"\n\n", "\n", ". ", " "};

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
        List<Chunk> chunks = new ArrayList<>();
        int start = 0;
        int length = text.length();
        while (start < length) {
            int end = Math.min(start + size, length);
            if (end < length) {
                end = boundary(text, start, end);
            }
            chunks.add(new Chunk(chunks.size(), start, end, text.substring(start, end)));
            if (end >= length) {
                break;
            }
            // Overlap, but always move forward: the next chunk starts after this one's start.
            start = Math.max(end - overlap, start + 1);
        }
        return chunks;
    }

    private int boundary(String text, int start, int end) {
        int earliest = start + size / 2;
        for (String br : BREAKS) {
            int at = text.lastIndexOf(br, end - br.length());
            if (at >= earliest) {
                return at + br.length();
            }
        }
        return end;
    }
}
