package routes.source;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.transport.TransportHttp;
import routes.failure.PermanentFailure;

/**
 * Shallow clones (depth 1, default branch only) of git repositories with JGit, into a temporary directory the caller
 * removes. Remote hosts pass the {@link AddressGuard} first, and every http request of the clone (redirects included)
 * goes through {@link GitHttpConnections}, which connects only to checked addresses. A repository that does not exist
 * or a refused address is a permanent error; a network failure is transient.
 */
public final class RepositoryCloner {

    private final AddressGuard guard;
    private final GitHttpConnections connections;
    private final Duration timeout;

    public RepositoryCloner(AddressGuard guard, GuardedHttpClient client, Duration timeout) {
        this.guard = guard;
        this.connections = new GitHttpConnections(client);
        this.timeout = timeout;
    }

    /** Clones {@code url} (a git URL without the {@code git+} marker, or a local repository's file URI). */
    public Path cloneInto(String url, Path tempDir) {
        URI uri = URI.create(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.startsWith("http")) {
            guard.refusal(uri).ifPresent(reason -> {
                throw new PermanentFailure("Refused to clone " + url + ": " + reason);
            });
        }
        Path target = Trees.createTemporary(tempDir, "clone-");
        try (Git git = Git.cloneRepository().setURI(url).setDirectory(target.toFile()).setDepth(1)
                .setCloneAllBranches(false).setTimeout((int) Math.max(1, timeout.toSeconds()))
                .setTransportConfigCallback(transport -> {
                    if (transport instanceof TransportHttp http) {
                        http.setHttpConnectionFactory(connections);
                    }
                }).call()) {
            if (git.getRepository().resolve("HEAD") == null) {
                throw new PermanentFailure("The repository " + url + " has no commits");
            }
            return target;
        } catch (InvalidRemoteException e) {
            Trees.deleteQuietly(target);
            throw new PermanentFailure("Repository not found: " + url);
        } catch (TransportException e) {
            Trees.deleteQuietly(target);
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof AddressGuard.Refused refused) {
                    // a redirect, or a name that now resolves elsewhere, led into the internal network
                    throw new PermanentFailure("Refused to clone " + url + ": " + refused.getMessage());
                }
            }
            if (e.getCause() instanceof NoRemoteRepositoryException || String.valueOf(e.getMessage()).contains("not found")) {
                throw new PermanentFailure("Repository not found: " + url + " (" + e.getMessage() + ")");
            }
            throw new IllegalStateException("Cannot clone " + url + ": " + e.getMessage() + "; will retry", e);
        } catch (GitAPIException | IOException | RuntimeException e) {
            Trees.deleteQuietly(target);
            if (e instanceof PermanentFailure p) {
                throw p;
            }
            throw new IllegalStateException("Cannot clone " + url + ": " + e.getMessage(), e);
        }
    }
}
