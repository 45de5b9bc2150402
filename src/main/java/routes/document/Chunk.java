package routes.document;

import java.nio.charset.StandardCharsets;

import routes.storage.Sha256;

/**
 * One piece of a document's text: its place in order and its offsets in the whole text, in code points. Its text's
 * SHA-256 keys its vector: unchanged text is never embedded twice.
 */
public record Chunk(int ordinal, int start, int end, String text) {

    public String sha256() {
        return sha256(text);
    }

    public static String sha256(String text) {
        return Sha256.of(text.getBytes(StandardCharsets.UTF_8));
    }
}
