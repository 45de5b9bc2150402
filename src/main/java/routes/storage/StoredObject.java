package routes.storage;

import java.nio.file.Path;

/** An object in storage: its key, the source_uri jobs refer to it by, and the local file behind it. */
public record StoredObject(String key, String uri, Path path) {
}
