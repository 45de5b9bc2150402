package routes.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.tika.Tika;

/** The content type of a file as its bytes (and, where the bytes leave it open, its name) say: Apache Tika. */
public final class TypeDetector {

    private final Tika tika = new Tika();

    public String detect(Path file, String fileName) {
        try (InputStream in = Files.newInputStream(file)) {
            return ContentTypes.normalize(tika.detect(in, fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
