package routes.storage;

import java.nio.file.Path;

/** A file part written to a temporary file: its size and SHA-256 were computed while it streamed in. */
public record ReceivedFile(Path tempFile, String fileName, String declaredType, long size, String sha256,
        String expectedChecksum) {
}
