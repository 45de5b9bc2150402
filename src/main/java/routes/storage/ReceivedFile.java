package routes.storage;

import java.nio.file.Path;

/**
 * A file part written to a temporary file: its size and SHA-256 were computed while it streamed in; with the form's
 * other fields (an expected checksum, a document key), null where not sent.
 */
public record ReceivedFile(Path tempFile, String fileName, String declaredType, long size, String sha256,
        String expectedChecksum, String documentKey) {

    public ReceivedFile(Path tempFile, String fileName, String declaredType, long size, String sha256,
            String expectedChecksum) {
        this(tempFile, fileName, declaredType, size, sha256, expectedChecksum, null);
    }
}
