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
    private final long maxBytes;
    private final int maxFiles;

    /**
     * @param maxBytes what a clone may transfer, and what its checkout may hold (the sum of its files' sizes)
     * @param maxFiles the most files its checkout may hold
     */
    public RepositoryCloner(AddressGuard guard, GuardedHttpClient client, Duration timeout, long maxBytes,
            int maxFiles) {
        this.guard = guard;
        this.connections = new GitHttpConnections(client);
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
    }

    public Path cloneInto(String url, Path tempDir) {
        return cloneInto(url, tempDir, Checkpoint.NONE);
    }

    /**
     * Clones {@code url} (a git URL without the {@code git+} marker, or a local repository's file URI). The transfer
     * is bounded in bytes, and asks {@code checkpoint} between reads; the checkout is made only after the tree at
     * HEAD was measured (a small pack can check out gigabytes).
     */
    public Path cloneInto(String url, Path tempDir, Checkpoint checkpoint) {
        URI uri = URI.create(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.startsWith("http")) {
            guard.refusal(uri).ifPresent(reason -> {
                throw new PermanentFailure("Refused to clone " + url + ": " + reason);
            });
        }
        Path target = Trees.createTemporary(tempDir, "clone-");
        GitHttpConnections limited = connections.forClone(maxBytes, checkpoint);
        try (Git git = Git.cloneRepository().setURI(url).setDirectory(target.toFile()).setDepth(1)
                .setCloneAllBranches(false).setTimeout((int) Math.max(1, timeout.toSeconds())).setNoCheckout(true)
                .setProgressMonitor(new CheckpointMonitor(checkpoint, limited.budget()))
                .setTransportConfigCallback(transport -> {
                    if (transport instanceof TransportHttp http) {
                        http.setHttpConnectionFactory(limited);
                    }
                }).call()) {
            var head = git.getRepository().resolve("HEAD^{tree}");
            if (head == null) {
                throw new PermanentFailure("The repository " + url + " has no commits");
            }
            measure(git, head, url);
            checkpoint.check();
            git.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).call();
            return target;
        } catch (InvalidRemoteException e) {
            Trees.deleteQuietly(target);
            throw new PermanentFailure("Repository not found: " + url);
        } catch (TransportException | org.eclipse.jgit.api.errors.CanceledException e) {
            Trees.deleteQuietly(target);
            if (limited.budget().stop() != null) {
                throw limited.budget().stop(); // the size limit, a cancel or the deadline: not a network failure
            }
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

    /** The files of the tree at HEAD, counted and sized from the object database before anything is checked out. */
    private void measure(Git git, org.eclipse.jgit.lib.ObjectId tree, String url) throws IOException {
        long bytes = 0;
        int files = 0;
        try (var walk = new org.eclipse.jgit.treewalk.TreeWalk(git.getRepository());
                var reader = git.getRepository().newObjectReader()) {
            walk.addTree(tree);
            walk.setRecursive(true);
            while (walk.next()) {
                if (walk.getFileMode(0).getObjectType() != org.eclipse.jgit.lib.Constants.OBJ_BLOB) {
                    continue; // a submodule: not fetched, not checked out
                }
                if (++files > maxFiles) {
                    throw new PermanentFailure("The repository " + url + " has more than " + maxFiles
                            + " files (the limit is CORTEX_INDEX_MAX_FILES)");
                }
                bytes += reader.getObjectSize(walk.getObjectId(0), org.eclipse.jgit.lib.Constants.OBJ_BLOB);
                if (bytes > maxBytes) {
                    throw new PermanentFailure("The repository " + url + " checks out to more than " + maxBytes
                            + " bytes (the limit is CORTEX_GIT_MAX_CLONE_MB)");
                }
            }
        }
    }

    /** JGit asks whether to go on while it receives and resolves objects: the checkpoint answers. */
    private static final class CheckpointMonitor extends org.eclipse.jgit.lib.EmptyProgressMonitor {
        private final Checkpoint checkpoint;
        private final GitHttpConnections.Budget budget;

        CheckpointMonitor(Checkpoint checkpoint, GitHttpConnections.Budget budget) {
            this.checkpoint = checkpoint;
            this.budget = budget;
        }

        @Override
        public boolean isCancelled() {
            try {
                checkpoint.check();
                return false;
            } catch (RuntimeException e) {
                budget.stop = e;
                return true;
            }
        }
    }
}
