package routes.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.failure.PermanentFailure;
import routes.processing.TreeIndexer;
import routes.support.FileServer;
import routes.support.GitHttpServer;

/**
 * The work one job may cause is bounded: a clone in bytes transferred and in the size and number of files of its
 * checkout (measured before the checkout, so a small pack cannot write gigabytes), a tree in files and bytes, an
 * archive counting the entries it skips; and a download or clone stops at its checkpoint (a cancel, a deadline)
 * between two reads. Nothing is left in the temporary folder.
 */
class BoundedSourcesTest {

    @TempDir
    Path tmp;

    GuardedHttpClient client;
    GitHttpServer git;
    FileServer files;

    @AfterEach
    void stop() throws Exception {
        if (git != null) {
            git.close();
        }
        if (files != null) {
            files.close();
        }
        if (client != null) {
            client.close();
        }
    }

    private RepositoryCloner cloner(long maxBytes, int maxFiles) {
        // the test servers run on loopback: private addresses allowed (these tests are about bounds, not the guard)
        AddressGuard guard = new AddressGuard(true, List.of());
        client = new GuardedHttpClient(guard, Duration.ofMillis(500), Duration.ofSeconds(5));
        return new RepositoryCloner(guard, client, Duration.ofSeconds(30), maxBytes, maxFiles);
    }

    /** A repository of one small file and one of {@code zeros} bytes of zeros (a pack of a few KB). */
    private String repository(int zeros, int extraFiles) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(work.resolve("README.md"), "# A repository\n");
        Files.write(work.resolve("zeros.bin"), new byte[zeros]);
        for (int i = 0; i < extraFiles; i++) {
            Files.writeString(work.resolve("file-" + i + ".txt"), "file " + i);
        }
        try (Git repo = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            repo.add().addFilepattern(".").call();
            repo.commit().setMessage("one").setAuthor("Test", "test@example.com").call();
        }
        git = new GitHttpServer(work);
        return git.url("/repo.git");
    }

    private Path work() throws Exception {
        return Files.createDirectories(tmp.resolve("work"));
    }

    @Test
    void aSmallPackThatChecksOutTooMuchIsRefusedBeforeTheCheckout() throws Exception {
        String url = repository(8 * 1024 * 1024, 0);
        Path work = work();
        assertThatThrownBy(() -> cloner(1024 * 1024, 1000).cloneInto(url, work))
                .isInstanceOf(PermanentFailure.class)
                .hasMessage("The repository " + url + " checks out to more than 1048576 bytes"
                        + " (the limit is CORTEX_GIT_MAX_CLONE_MB)");
        assertThat(work).isEmptyDirectory();

        Path clone = cloner(16 * 1024 * 1024, 1000).cloneInto(url, work);
        assertThat(clone.resolve("zeros.bin")).hasSize(8 * 1024 * 1024);
    }

    @Test
    void aCloneThatTransfersTooMuchIsStopped() throws Exception {
        String url = repository(1024, 0);
        Path work = work();
        assertThatThrownBy(() -> cloner(200, 1000).cloneInto(url, work))
                .isInstanceOf(PermanentFailure.class)
                .hasMessage("The repository sends more than 200 bytes (the limit is CORTEX_GIT_MAX_CLONE_MB)");
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void aRepositoryWithTooManyFilesIsRefused() throws Exception {
        String url = repository(10, 20);
        Path work = work();
        assertThatThrownBy(() -> cloner(1 << 30, 10).cloneInto(url, work))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("has more than 10 files (the limit is CORTEX_INDEX_MAX_FILES)");
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void aCloneStopsAtItsCheckpoint() throws Exception {
        String url = repository(1024, 0);
        Path work = work();
        IllegalStateException stop = new IllegalStateException("Stage fetch ran longer than its deadline");
        assertThatThrownBy(() -> cloner(1 << 30, 1000).cloneInto(url, work, () -> {
            throw stop;
        })).isSameAs(stop);
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void aDownloadStopsAtItsCheckpointBetweenReads() throws Exception {
        files = new FileServer().drip("/drip.txt", 20);
        // the test servers run on loopback: private addresses allowed (these tests are about bounds, not the guard)
        AddressGuard guard = new AddressGuard(true, List.of());
        client = new GuardedHttpClient(guard, Duration.ofMillis(500), Duration.ofSeconds(5));
        HttpFetcher fetcher = new HttpFetcher(guard, client, 1L << 30, Duration.ofMillis(500), Duration.ofSeconds(5), 3);
        AtomicInteger reads = new AtomicInteger();
        IllegalStateException cancelled = new IllegalStateException("cancelled");
        Path work = work();
        // the server never ends the body and never stays silent for a read timeout: only the checkpoint stops it
        assertThatThrownBy(() -> fetcher.download(files.url("/drip.txt"), work, () -> {
            if (reads.incrementAndGet() > 5) {
                throw cancelled;
            }
        })).isSameAs(cancelled);
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void skippedArchiveEntriesCountAgainstTheLimit() throws Exception {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("../outside.bin"));
            out.write(new byte[4 * 1024 * 1024]);
            out.closeEntry();
            out.putNextEntry(new ZipEntry("inside.txt"));
            out.write("text".getBytes());
            out.closeEntry();
        }
        Path archive = Files.write(tmp.resolve("a.zip"), zip.toByteArray());
        Path work = work();
        assertThatThrownBy(() -> new ArchiveUnpacker(1024 * 1024, 100).unpack(archive, "application/zip", work))
                .isInstanceOf(PermanentFailure.class).hasMessage("Archive unpacks to more than 1048576 bytes");
        assertThat(work).isEmptyDirectory();
        var unpacked = new ArchiveUnpacker(8 * 1024 * 1024, 100).unpack(archive, "application/zip", work);
        assertThat(unpacked.root().resolve("inside.txt")).hasContent("text");
    }

    @Test
    void aTreeIsBoundedInFilesAndBytes() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        for (int i = 0; i < 5; i++) {
            Files.writeString(tree.resolve("f" + i + ".txt"), "x".repeat(100));
        }
        assertThat(new TreeIndexer(1024, 5, 500).files(tree, true)).hasSize(5);
        assertThatThrownBy(() -> new TreeIndexer(1024, 4, 10_000).files(tree, true))
                .isInstanceOf(PermanentFailure.class)
                .hasMessage("The tree has more than 4 files to index (the limit is CORTEX_INDEX_MAX_FILES)");
        assertThatThrownBy(() -> new TreeIndexer(1024, 100, 499).files(tree, true))
                .isInstanceOf(PermanentFailure.class)
                .hasMessage("The files to index hold more than 499 bytes (the limit is CORTEX_INDEX_MAX_TREE_MB)");
    }
}
