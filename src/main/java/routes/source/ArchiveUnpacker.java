package routes.source;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import routes.failure.PermanentFailure;

/**
 * Unpacks a zip or tar(.gz) archive of a tree into a temporary directory, for indexing. Entries that would land
 * outside it ({@code ..}, absolute names), links and devices are skipped; the unpacked size and the number of entries
 * are bounded, so that a small archive cannot fill the disk. When every entry sits under one top folder (as in
 * GitHub's archives, {@code repo-main/...}), that folder is the root: paths are the same as in the repository.
 */
public final class ArchiveUnpacker {

    /** Canonical types (see ContentTypes.canonical: the gzip aliases are application/gzip by then). */
    public static final Set<String> ARCHIVE_TYPES = Set.of("application/zip", "application/gzip", "application/x-tar");

    private final long maxBytes;
    private final int maxEntries;

    public ArchiveUnpacker(long maxBytes, int maxEntries) {
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
    }

    /** The unpacked tree: {@code directory} is what to remove afterwards, {@code root} where the tree starts. */
    public record Unpacked(Path directory, Path root) {
    }

    public static boolean isArchive(String mimeType) {
        return mimeType != null && ARCHIVE_TYPES.contains(mimeType);
    }

    /** Unpacks into a new directory under {@code tempDir} and returns the root of the tree in it. */
    public Unpacked unpack(Path archive, String mimeType, Path tempDir) {
        return unpack(archive, mimeType, tempDir, Checkpoint.NONE);
    }

    /**
     * The same, asking {@code checkpoint} between entries and reads. Entries that are skipped (links, names outside
     * the tree) are still decompressed as the archive is read: their bytes count against the limit too.
     */
    public Unpacked unpack(Path archive, String mimeType, Path tempDir, Checkpoint checkpoint) {
        Path target = Trees.createTemporary(tempDir, "unpack-");
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
                ArchiveInputStream<?> in = open(raw, mimeType)) {
            long total = 0;
            int entries = 0;
            for (ArchiveEntry entry; (entry = in.getNextEntry()) != null; ) {
                checkpoint.check();
                if (++entries > maxEntries) {
                    throw new PermanentFailure("Archive has more than " + maxEntries + " entries");
                }
                if (!in.canReadEntryData(entry)) {
                    continue;
                }
                Path out = target.resolve(entry.getName()).normalize();
                if (skipped(entry) || !out.startsWith(target) || out.equals(target)) {
                    total += copy(in, null, maxBytes - total, checkpoint);
                    continue;
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                total += copy(in, out, maxBytes - total, checkpoint);
            }
        } catch (IOException e) {
            Trees.deleteQuietly(target);
            throw new PermanentFailure("Cannot read the archive: " + e.getMessage());
        } catch (RuntimeException e) {
            Trees.deleteQuietly(target);
            throw e;
        }
        return new Unpacked(target, singleTopFolder(target));
    }

    /**
     * Whether a gzip file holds one compressed file ({@code notes.txt.gz}) rather than a tar of a tree: its content
     * does not start with a tar header ("ustar" at offset 257).
     */
    public static boolean compressedSingleFile(Path gzip) {
        try (InputStream in = new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(gzip)))) {
            byte[] head = in.readNBytes(263);
            return head.length < 263 || !new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII)
                    .equals("ustar");
        } catch (IOException e) {
            throw new PermanentFailure("Cannot read the gzip file: " + e.getMessage());
        }
    }

    /**
     * The one file a gzip holds, decompressed into {@code tempDir}, within the archive limit (a gzip bomb fails its
     * job, not the worker's disk).
     */
    public Path decompress(Path gzip, Path tempDir, Checkpoint checkpoint) {
        Path target = Trees.createTemporary(tempDir, "gunzip-");
        Path out = target.resolve("content");
        try (InputStream in = new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(gzip)))) {
            copy(in, out, maxBytes, checkpoint);
            return out;
        } catch (IOException e) {
            Trees.deleteQuietly(target);
            throw new PermanentFailure("Cannot read the gzip file: " + e.getMessage());
        } catch (RuntimeException e) {
            Trees.deleteQuietly(target);
            throw e;
        }
    }

    private static ArchiveInputStream<?> open(InputStream raw, String mimeType) throws IOException {
        if (mimeType.equals("application/zip")) {
            return new ZipArchiveInputStream(raw);
        }
        if (mimeType.equals("application/x-tar")) {
            return new TarArchiveInputStream(raw);
        }
        return new TarArchiveInputStream(new GzipCompressorInputStream(raw));
    }

    private static boolean skipped(ArchiveEntry entry) {
        if (entry instanceof TarArchiveEntry tar) {
            return !tar.isFile() && !tar.isDirectory();
        }
        return entry instanceof ZipArchiveEntry zip && zip.isUnixSymlink();
    }

    /** Copies the entry's bytes to {@code out} (null: reads them through, for a skipped entry), counting them. */
    private long copy(InputStream in, Path out, long remaining, Checkpoint checkpoint) throws IOException {
        long written = 0;
        try (OutputStream os = out == null ? OutputStream.nullOutputStream() : Files.newOutputStream(out)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                checkpoint.check();
                written += n;
                if (written > remaining) {
                    throw new PermanentFailure("Archive unpacks to more than " + maxBytes + " bytes");
                }
                os.write(buffer, 0, n);
            }
        }
        return written;
    }

    private static Path singleTopFolder(Path root) {
        try (var children = Files.list(root)) {
            var all = children.limit(2).toList();
            return all.size() == 1 && Files.isDirectory(all.get(0)) ? all.get(0) : root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
