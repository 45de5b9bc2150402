package routes.processing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

import org.eclipse.jgit.ignore.IgnoreNode;
import routes.failure.PermanentFailure;

/**
 * Which files of a directory tree are indexed: regular files up to a size limit, outside version-control, vendored
 * and build folders, and (for plain directories and archives) not ignored by a {@code .gitignore} on their way
 * from the root. A git checkout holds only tracked files already, so its ignore rules are not applied again.
 */
public final class TreeIndexer {

    /** Folders that hold other people's code, build output or tool state, never the project's own text. */
    public static final Set<String> SKIPPED_FOLDERS = Set.of(".git", ".hg", ".svn", "node_modules", "vendor",
            "bower_components", "target", "build", "dist", "out", ".idea", ".vscode", "__pycache__", ".venv", "venv",
            ".gradle", ".mvn", ".tox", ".mypy_cache", ".pytest_cache", ".next", ".nuxt", "coverage");

    private final long maxFileBytes;
    private final int maxFiles;
    private final long maxTreeBytes;

    public TreeIndexer(long maxFileBytes) {
        this(maxFileBytes, Integer.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * @param maxFiles     the most files a tree may have to index; more fails the job
     * @param maxTreeBytes the most bytes those files may hold together; more fails the job
     */
    public TreeIndexer(long maxFileBytes, int maxFiles, long maxTreeBytes) {
        this.maxFileBytes = maxFileBytes;
        this.maxFiles = maxFiles;
        this.maxTreeBytes = maxTreeBytes;
    }

    /** The files to index, sorted by path, as paths relative to {@code root}. */
    public List<Path> files(Path root, boolean applyGitignore) {
        long[] bytes = {0};
        List<Path> files = new ArrayList<>();
        // One ignore node per directory on the way down, innermost last: a rule deeper down overrides.
        Deque<Ignores> ignores = new ArrayDeque<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(root) && (SKIPPED_FOLDERS.contains(dir.getFileName().toString())
                            || applyGitignore && ignored(ignores, dir, true))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    ignores.push(new Ignores(dir, applyGitignore ? read(dir.resolve(".gitignore")) : null));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && attrs.size() <= maxFileBytes
                            && !(applyGitignore && ignored(ignores, file, false))) {
                        files.add(root.relativize(file));
                        bytes[0] += attrs.size();
                        if (files.size() > maxFiles) {
                            throw new PermanentFailure("The tree has more than " + maxFiles
                                    + " files to index (the limit is CORTEX_INDEX_MAX_FILES)");
                        }
                        if (bytes[0] > maxTreeBytes) {
                            throw new PermanentFailure("The files to index hold more than " + maxTreeBytes
                                    + " bytes (the limit is CORTEX_INDEX_MAX_TREE_MB)");
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    ignores.pop();
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        files.sort(null);
        return files;
    }

    private record Ignores(Path dir, IgnoreNode node) {
    }

    private static boolean ignored(Deque<Ignores> stack, Path path, boolean directory) {
        // The deque iterates from the innermost directory outwards; the first rule that matches decides.
        for (Ignores level : stack) {
            if (level.node() == null) {
                continue;
            }
            String relative = level.dir().relativize(path).toString().replace('\\', '/');
            Boolean result = level.node().checkIgnored(relative, directory);
            if (result != null) {
                return result;
            }
        }
        return false;
    }

    private static IgnoreNode read(Path gitignore) throws IOException {
        if (!Files.isRegularFile(gitignore)) {
            return null;
        }
        IgnoreNode node = new IgnoreNode();
        try (InputStream in = Files.newInputStream(gitignore)) {
            node.parse(in);
        }
        return node;
    }
}
