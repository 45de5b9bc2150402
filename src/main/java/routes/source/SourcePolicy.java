package routes.source;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import routes.failure.InvalidRequest;
import routes.storage.ObjectKeys;
import routes.storage.ObjectStore;

/**
 * Decides which sources a job may read, when the job is created (400 otherwise):
 * <ul>
 * <li>objects of the configured storage ({@code s3://bucket/key}), never under another project's folder;</li>
 * <li>local files and directories only under the configured roots, given as absolute paths or {@code file:///}
 * URIs, never by {@code ..} or a symlink that leads out of a root;</li>
 * <li>http(s) files and git repositories on hosts the {@link AddressGuard} lets through.</li>
 * </ul>
 */
public final class SourcePolicy {

    /**
     * A source that passed the policy: its canonical URI, its real local path (local sources only), the name to
     * show for it, and whether it is a tree (directory or repository) rather than one file.
     */
    public record Source(String uri, Path path, String fileName, boolean tree) {
    }

    private static final String ACCEPTED = "s3://bucket/key, file:///absolute/path or an absolute path under"
            + " CORTEX_LOCAL_SOURCE_ROOTS, http(s):// file URLs, git repositories (.git URLs, git+https://, git+file://)";

    private final List<Path> roots;
    /** The roots as configured and as real paths: a path is first checked by its name, before any file is looked at. */
    private final List<Path> namedRoots;
    private final Path storageRoot;
    private final ObjectStore storage;
    private final String storagePrefix;
    private final AddressGuard guard;

    /**
     * @param roots         the operator's CORTEX_LOCAL_SOURCE_ROOTS
     * @param storageRoot   where local storage keeps objects, by project: a project may read its own folder only
     * @param storage       the object store s3:// sources must belong to
     * @param storagePrefix the key prefix of stored objects ({@code <prefix>/<project_id>/...})
     */
    public SourcePolicy(List<Path> roots, Path storageRoot, ObjectStore storage, String storagePrefix, AddressGuard guard) {
        this.roots = roots.stream().map(SourcePolicy::realOrNormal).toList();
        List<Path> named = new ArrayList<>(this.roots);
        roots.forEach(r -> named.add(r.toAbsolutePath().normalize()));
        this.namedRoots = List.copyOf(named);
        this.storageRoot = realOrNormal(storageRoot);
        this.storage = storage;
        this.storagePrefix = storagePrefix;
        this.guard = guard;
    }

    /**
     * From a job request: {@code source_uri}, or {@code source_path} (a local path). Both at once must name the same
     * source: a job has one, and showing one while processing the other would be a lie.
     */
    public Source resolve(UUID projectId, String sourceUri, String sourcePath) {
        boolean uri = sourceUri != null && !sourceUri.isBlank();
        boolean path = sourcePath != null && !sourcePath.isBlank();
        if (uri && path) {
            Source byUri = resolveUri(projectId, sourceUri.trim());
            Source byPath = resolvePath(projectId, sourcePath.trim());
            if (!byUri.uri().equals(byPath.uri())) {
                throw new InvalidRequest("Give one source: source_uri (" + sourceUri.trim() + ") and source_path ("
                        + sourcePath.trim() + ") name different sources");
            }
            return byUri;
        }
        if (uri) {
            return resolveUri(projectId, sourceUri.trim());
        }
        if (sourcePath != null && !sourcePath.isBlank()) {
            return resolvePath(projectId, sourcePath.trim());
        }
        throw new InvalidRequest("Either source_uri or source_path is required");
    }

    public Source resolveUri(UUID projectId, String sourceUri) {
        SourceKind kind = SourceKind.of(sourceUri);
        if (kind == SourceKind.LOCAL && sourceUri.startsWith("/")) {
            return resolvePath(projectId, sourceUri);
        }
        URI uri = parse(sourceUri);
        return switch (kind) {
            case LOCAL -> resolvePath(projectId, localPath(uri, sourceUri));
            case OBJECT -> object(projectId, uri, sourceUri);
            case HTTP -> new Source(remote(uri, sourceUri), null, lastSegment(uri, "index.html"), false);
            case GIT -> repository(projectId, sourceUri);
            case UNSUPPORTED -> throw new InvalidRequest("Unsupported source: " + sourceUri + " (accepted: " + ACCEPTED + ")");
        };
    }

    public Source resolvePath(UUID projectId, String raw) {
        if (raw.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidRequest("Source path must not contain control characters (such as NUL)");
        }
        Path path;
        try {
            path = Path.of(raw);
        } catch (java.nio.file.InvalidPathException e) {
            throw new InvalidRequest("Invalid source path: " + e.getReason());
        }
        if (!path.isAbsolute()) {
            throw new InvalidRequest("Source path must be absolute: " + raw);
        }
        for (Path part : path) {
            if (part.toString().equals("..")) {
                throw new InvalidRequest("Source path must not contain '..': " + raw);
            }
        }
        Path projectFolder = storageRoot.resolve(projectId.toString());
        // By name first, before the file system is asked anything: a path outside the roots gets the same answer
        // whether or not something exists there, so the answer tells nothing about the server's files.
        Path named = path.normalize();
        if (namedRoots.stream().noneMatch(named::startsWith) && !named.startsWith(projectFolder)) {
            throw outsideTheRoots(raw);
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw new InvalidRequest("Source not found: " + raw);
        }
        List<Path> allowed = new ArrayList<>(roots);
        allowed.add(projectFolder);
        if (allowed.stream().noneMatch(real::startsWith)) {
            // a symlink under a root that leads out of it
            throw outsideTheRoots(raw);
        }
        boolean directory = Files.isDirectory(real);
        if (!directory && !Files.isRegularFile(real)) {
            throw new InvalidRequest("Source is neither a file nor a directory: " + raw);
        }
        Path name = real.getFileName();
        return new Source(real.toUri().toString(), real, name == null ? "/" : name.toString(), directory);
    }

    private static InvalidRequest outsideTheRoots(String raw) {
        return new InvalidRequest("Source is outside the allowed roots: " + raw
                + " (the operator lists the folders jobs may read in CORTEX_LOCAL_SOURCE_ROOTS)");
    }

    /** A git repository: remote (the host checked) or local ({@code git+file://}, under the roots). */
    private Source repository(UUID projectId, String sourceUri) {
        URI git = parse(SourceKind.gitUrl(sourceUri));
        String name = lastSegment(git, "repository").replaceFirst("(?i)\\.git$", "");
        if ("file".equalsIgnoreCase(git.getScheme())) {
            Source local = resolvePath(projectId, localPath(git, sourceUri));
            if (!local.tree()) {
                throw new InvalidRequest("A git+file:// repository must be a directory: " + sourceUri);
            }
            return new Source("git+" + local.uri(), local.path(), local.fileName(), true);
        }
        remote(git, sourceUri);
        return new Source(sourceUri, null, name.isBlank() ? "repository" : name, true);
    }

    private Source object(UUID projectId, URI uri, String sourceUri) {
        if (!storage.holds(sourceUri)) {
            throw new InvalidRequest("s3:// sources must be objects of this service's storage bucket"
                    + " (CORTEX_STORAGE_BACKEND=s3, CORTEX_STORAGE_BUCKET): " + sourceUri);
        }
        String key = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        // Uploads live under <prefix>/<project_id>/: another project's folder is not this project's to read.
        if (ObjectKeys.projectOf(storagePrefix, key).filter(id -> !id.equals(projectId)).isPresent()) {
            throw new InvalidRequest("Source belongs to another project: " + sourceUri);
        }
        if (key.isEmpty() || key.endsWith("/") || !storage.exists(sourceUri)) {
            throw new InvalidRequest("Source not found: " + sourceUri);
        }
        return new Source(sourceUri, null, lastSegment(uri, "object"), false);
    }

    private String remote(URI uri, String original) {
        guard.refusal(uri).ifPresent(reason -> {
            throw new InvalidRequest("Source refused: " + reason);
        });
        return original;
    }

    private static String localPath(URI uri, String original) {
        if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
            throw new InvalidRequest("Invalid file URI: " + original + " (use file:///absolute/path; a host part is not a directory)");
        }
        if (uri.getPath() == null || uri.getPath().isEmpty()) {
            throw new InvalidRequest("Invalid file URI: " + original + " (use file:///absolute/path)");
        }
        return uri.getPath();
    }

    private static URI parse(String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new InvalidRequest("Invalid source_uri: " + e.getMessage());
        }
    }

    private static String lastSegment(URI uri, String fallback) {
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("/+$", "");
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.isBlank() ? fallback : last;
    }

    private static Path realOrNormal(Path root) {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            return root.toAbsolutePath().normalize();
        }
    }
}
