package routes.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.failure.PermanentFailure;

class ArchiveUnpackerTest {

    @TempDir
    Path dir;

    Path zip(String... namesAndContents) throws Exception {
        Path file = dir.resolve("a" + System.nanoTime() + ".zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                zip.putNextEntry(new ZipEntry(namesAndContents[i]));
                zip.write(namesAndContents[i + 1].getBytes());
                zip.closeEntry();
            }
        }
        return file;
    }

    @Test
    void entriesThatWouldEscapeAreSkipped() throws Exception {
        Path archive = zip("ok/readme.txt", "fine", "../../escaped.txt", "no", "/abs.txt", "no either");
        ArchiveUnpacker.Unpacked unpacked = new ArchiveUnpacker(1 << 20, 100).unpack(archive, "application/zip", dir.resolve("tmp"));
        assertThat(Files.readString(unpacked.root().resolve("readme.txt"))).isEqualTo("fine");
        assertThat(dir.resolve("escaped.txt")).doesNotExist();
        assertThat(dir.getParent().resolve("escaped.txt")).doesNotExist();
        try (var files = Files.walk(unpacked.directory())) {
            assertThat(files.filter(Files::isRegularFile).map(p -> unpacked.directory().relativize(p).toString()))
                    .containsExactly("ok/readme.txt");
        }
        Trees.delete(unpacked.directory());
        assertThat(unpacked.directory()).doesNotExist();
    }

    @Test
    void sizeAndEntryLimitsHoldAndLeaveNothing() throws Exception {
        Path big = zip("a.txt", "x".repeat(5000));
        assertThatThrownBy(() -> new ArchiveUnpacker(1000, 100).unpack(big, "application/zip", dir.resolve("t1")))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("more than 1000 bytes");
        Path many = zip("1.txt", "a", "2.txt", "b", "3.txt", "c");
        assertThatThrownBy(() -> new ArchiveUnpacker(1000, 2).unpack(many, "application/zip", dir.resolve("t2")))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("more than 2 entries");
        try (var left = Files.list(dir.resolve("t1"))) {
            assertThat(left).isEmpty();
        }
    }
}
