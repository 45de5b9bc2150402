package routes.source;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.util.FS;
import routes.job.IngestJob;
import routes.processing.PermanentJobError;
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
    public static String describe(IngestJob job) {
        return switch (SourceKind.of(job.sourceUri())) {
            case HTTP -> "Downloading " + job.sourceUri();
            case GIT -> "Cloning " + SourceKind.gitUrl(job.sourceUri());
            case OBJECT -> "Downloading " + job.sourceUri();
            default -> "Reading " + job.sourceUri();
        };
    }

    public Fetched fetch(IngestJob job, Path tempDir) {
        String uri = job.sourceUri();
        if (storage.holds(uri)) {
            ObjectStore.LocalCopy copy = storage.fetch(uri, tempDir);
            return new Fetched(copy.path(), false, false, job.originalFilename(), copy.temporary(), null);
        }
        return switch (SourceKind.of(uri)) {
            case HTTP -> {
                HttpFetcher.Download download = http.download(uri, tempDir);
                yield new Fetched(download.file(), false, false,
                        job.originalFilename() != null ? job.originalFilename() : download.fileName(), true,
                        download.contentType());
            }
            case GIT -> new Fetched(cloner.cloneInto(SourceKind.gitUrl(uri), tempDir), true, true, job.originalFilename(), true, null);
            case LOCAL -> local(job, tempDir);
            default -> throw new PermanentJobError("Unsupported source: " + uri);
        };
    }

    private Fetched local(IngestJob job, Path tempDir) {
        String uri = job.sourceUri();
        Path path = uri.startsWith("/") ? Path.of(uri) : Path.of(URI.create(uri));
        if (!Files.exists(path)) {
            throw new PermanentJobError("Source not found: " + uri);
        }
        if (RepositoryCache.FileKey.isGitRepository(path.resolve(".git").toFile(), FS.DETECTED)) {
            return new Fetched(cloner.cloneInto(path.toUri().toString(), tempDir), true, true, job.originalFilename(), true, null);
        }
        return new Fetched(path, Files.isDirectory(path), false, job.originalFilename(), false, null);
    }
}
