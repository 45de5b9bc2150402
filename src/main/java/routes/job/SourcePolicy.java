package routes.job;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import routes.api.ApiException;

/**
 * Decides which sources a job may read, when the job is created (400 otherwise): local files and directories only
 * under the configured roots, given as absolute paths or {@code file:///} URIs, never by {@code ..} or a symlink that
 * leads out of a root.
 */
public final class SourcePolicy {

    /** A source that passed the policy: its canonical URI, its real local path and the name to show for it. */
    public record LocalSource(String uri, Path path, String fileName, boolean directory) {
    }

    private final List<Path> roots;
    private final Path storageRoot;

    /**
     * @param roots       the operator's CORTEX_LOCAL_SOURCE_ROOTS
     * @param storageRoot where local storage keeps objects, by project: a project may read its own folder only
     */
    public SourcePolicy(List<Path> roots, Path storageRoot) {
        this.roots = roots.stream().map(SourcePolicy::realOrNormal).toList();
        this.storageRoot = realOrNormal(storageRoot);
    }

    /** From a job request: {@code source_uri} wins; {@code source_path} alone is a local path. */
    public LocalSource resolve(UUID projectId, String sourceUri, String sourcePath) {
        if (sourceUri != null && !sourceUri.isBlank()) {
            return resolveUri(projectId, sourceUri.trim());
        }
        if (sourcePath != null && !sourcePath.isBlank()) {
            return resolvePath(projectId, sourcePath.trim());
        }
        throw ApiException.badRequest("Either source_uri or source_path is required");
    }

    public LocalSource resolveUri(UUID projectId, String sourceUri) {
        if (sourceUri.startsWith("/")) {
            return resolvePath(projectId, sourceUri);
        }
        URI uri;
        try {
            uri = new URI(sourceUri);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("Invalid source_uri: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("file")) {
            throw ApiException.badRequest("Unsupported source: " + sourceUri
                    + " (this service reads local files under CORTEX_LOCAL_SOURCE_ROOTS, as absolute paths or file:/// URIs)");
        }
        if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
            throw ApiException.badRequest("Invalid file URI: " + sourceUri + " (use file:///absolute/path; a host part is not a directory)");
        }
        if (uri.getPath() == null || uri.getPath().isEmpty()) {
            throw ApiException.badRequest("Invalid file URI: " + sourceUri + " (use file:///absolute/path)");
        }
        return resolvePath(projectId, uri.getPath());
    }

    public LocalSource resolvePath(UUID projectId, String raw) {
        Path path = Path.of(raw);
        if (!path.isAbsolute()) {
            throw ApiException.badRequest("Source path must be absolute: " + raw);
        }
        for (Path part : path) {
            if (part.toString().equals("..")) {
                throw ApiException.badRequest("Source path must not contain '..': " + raw);
            }
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw ApiException.badRequest("Source not found: " + raw);
        }
        List<Path> allowed = new ArrayList<>(roots);
        allowed.add(storageRoot.resolve(projectId.toString()));
        if (allowed.stream().noneMatch(real::startsWith)) {
            throw ApiException.badRequest("Source is outside the allowed roots: " + raw
                    + " (allowed: " + allowed + "; set CORTEX_LOCAL_SOURCE_ROOTS)");
        }
        boolean directory = Files.isDirectory(real);
        if (!directory && !Files.isRegularFile(real)) {
            throw ApiException.badRequest("Source is neither a file nor a directory: " + raw);
        }
        Path name = real.getFileName();
        return new LocalSource(real.toUri().toString(), real, name == null ? "/" : name.toString(), directory);
    }

    private static Path realOrNormal(Path root) {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            return root.toAbsolutePath().normalize();
        }
    }
}
