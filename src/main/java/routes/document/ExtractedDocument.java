package routes.document;

import java.util.List;

/** A document extracted in an attempt, and later its chunks; written to the database only when the attempt ends. */
public record ExtractedDocument(String path, String title, String mimeType, Long byteSize, String checksum,
        String text, List<Chunk> chunks) {

    /** Its length in characters: Unicode code points, as the API counts them. */
    public int characters() {
        return text.codePointCount(0, text.length());
    }

    public ExtractedDocument withChunks(List<Chunk> newChunks) {
        return new ExtractedDocument(path, title, mimeType, byteSize, checksum, text, newChunks);
    }
}
