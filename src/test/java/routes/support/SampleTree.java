package routes.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;

/**
 * A small project tree with every case the indexer must handle: nested text and code files, a binary, a vendored
 * folder, a build folder, files a .gitignore excludes and a file over the size limit (set the limit to 64 KiB). The
 * same tree as a plain directory, a git repository (ignored files not committed) and zip / tar.gz archives.
 */
public final class SampleTree {

    /** Paths of the documents indexing must produce, besides the root document ".". */
    public static final List<String> INDEXED = List.of(".gitignore", "README.md", "docs/guide/intro.txt",
            "src/main/App.java", "src/util/strings.py");

    private SampleTree() {
    }

    public static Path write(Path root) {
        try {
            Files.createDirectories(root);
            write(root, "README.md", "# Sample project\n\nThis repository shows what the indexer keeps.\n");
            write(root, ".gitignore", "secrets.env\n*.log\n");
            write(root, "docs/guide/intro.txt", "Start with the guide. It explains chunking.\n");
            write(root, "src/main/App.java", "class App {\n    public static void main(String[] a) {\n"
                    + "        System.out.println(\"hello\");\n    }\n}\n");
            write(root, "src/util/strings.py", "def shout(s):\n    return s.upper()\n");
            Files.createDirectories(root.resolve("assets"));
            Files.write(root.resolve("assets/logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13, 1, 2, 3});
            write(root, "node_modules/left-pad/index.js", "module.exports = function leftPad() {};\n");
            write(root, "build/output.txt", "compiled output, not source\n");
            write(root, "secrets.env", "TOKEN=do-not-index\n");
            write(root, "debug.log", "a log line, ignored\n");
            write(root, "big/data.txt", "x".repeat(100 * 1024));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tree as a git repository with one commit of everything .gitignore lets in. */
    public static Path gitRepository(Path root) {
        write(root);
        try (Git git = Git.init().setDirectory(root.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("sample").setAuthor("Test", "test@example.com")
                    .setCommitter("Test", "test@example.com").setSign(false).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
        return root;
    }

    /** The tree (ignored files included) as a zip, under one top folder like GitHub's archives. */
    public static Path zip(Path tree, Path zipFile) {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(zipFile)); var files = Files.walk(tree)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new ZipEntry("sample-main/" + tree.relativize(file).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(file));
                zip.closeEntry();
            }
            return zipFile;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tree (ignored files included) as a tar.gz without a top folder. */
    public static Path tarGz(Path tree, Path tarFile) {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tarFile));
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out); var files = Files.walk(tree)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.toFile(), tree.relativize(file).toString().replace('\\', '/'));
                tar.putArchiveEntry(entry);
                Files.copy(file, tar);
                tar.closeArchiveEntry();
            }
            tar.finish();
            return tarFile;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path root, String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
