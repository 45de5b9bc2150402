package routes.source;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.util.FS;
import routes.failure.PermanentFailure;
import routes.storage.ObjectStore;

/**
 * Brings a job's source to this machine for one attempt: an object of the store (S3: downloaded), a local file or
 * directory (used in place), an http(s) file (downloaded), or a git repository (cloned shallowly; a local directory
 * whose {@code .git} is a repository is cloned too, so what is indexed is its committed state).
 */
public final class SourceFetcher {

    /**
     * What was fetched: a file or a tree; {@code checkout} when the tree is a git checkout (its ignore rules are
     * already applied); {@code temporary} when the attempt must remove it afterwards; {@code declaredType} what the
     * server said it is (http), to be checked against the bytes.
     */
    public record Fetched(Path path, boolean tree, boolean checkout, String fileName, boolean temporary,
            String declaredType) {
    }

    private final ObjectStore storage;
    private final HttpFetcher http;
    private final RepositoryCloner cloner;

    public SourceFetcher(ObjectStore storage, HttpFetcher http, RepositoryCloner cloner) {
        this.storage = storage;
        this.http = http;
        this.cloner = cloner;
    }

    /** How the fetch stage describes its work to someone watching the job. */
    public static String describe(String uri) {
        return switch (SourceKind.of(uri)) {
            case HTTP, OBJECT -> "Downloading " + uri;
            case GIT -> "Cloning " + SourceKind.gitUrl(uri);
            default -> "Reading " + uri;
        };
    }

    /**
     * Fetches the source a job names by {@code uri}; {@code fileName} is the name the job gave it (null: the name
     * the source itself has). Downloads and clones go into {@code tempDir}.
     */
    public Fetched fetch(String uri, String fileName, Path tempDir) {
        return fetch(uri, fileName, tempDir, Checkpoint.NONE);
    }

    /** The same, asking {@code checkpoint} between reads whether to go on. */
    public Fetched fetch(String uri, String fileName, Path tempDir, Checkpoint checkpoint) {
        // a stored object; a folder of the storage directory (a project's own folder, named by a path job) is a tree
        if (storage.holds(uri) && !(SourceKind.of(uri) == SourceKind.LOCAL && Files.isDirectory(Path.of(URI.create(uri))))) {
            ObjectStore.LocalCopy copy = storage.fetch(uri, tempDir);
            return new Fetched(copy.path(), false, false, fileName, copy.temporary(), null);
        }
        return switch (SourceKind.of(uri)) {
            case HTTP -> {
                HttpFetcher.Download download = http.download(uri, tempDir, checkpoint);
                yield new Fetched(download.file(), false, false,
                        fileName != null ? fileName : download.fileName(), true,
                        download.contentType());
            }
            case GIT -> new Fetched(cloner.cloneInto(SourceKind.gitUrl(uri), tempDir, checkpoint), true, true, fileName,
                    true, null);
            case LOCAL -> local(uri, fileName, tempDir, checkpoint);
            default -> throw new PermanentFailure("Unsupported source: " + uri);
        };
    }

    private Fetched local(String uri, String fileName, Path tempDir, Checkpoint checkpoint) {
        Path path = uri.startsWith("/") ? Path.of(uri) : Path.of(URI.create(uri));
        if (!Files.exists(path)) {
            throw new PermanentFailure("Source not found: " + uri);
        }
        if (RepositoryCache.FileKey.isGitRepository(path.resolve(".git").toFile(), FS.DETECTED)) {
            return new Fetched(cloner.cloneInto(path.toUri().toString(), tempDir, checkpoint), true, true, fileName, true,
                    null);
        }
        return new Fetched(path, Files.isDirectory(path), false, fileName, false, null);
    }
}
