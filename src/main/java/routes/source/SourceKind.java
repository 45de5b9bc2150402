package routes.source;

import java.util.Locale;

/**
 * What a job's {@code source_uri} names, decided from the URI alone, the same way when the job is created and when a
 * worker fetches it. Whether a local path is a file, a directory or a repository is a question for the file system.
 */
public enum SourceKind {
    /** {@code s3://bucket/key}: an object of the configured bucket. */
    OBJECT,
    /** {@code file:///...} or an absolute path, under the local source roots. */
    LOCAL,
    /** {@code http(s)://} URL of a file. */
    HTTP,
    /** A git repository: {@code git+https://}, {@code git+http://}, {@code git+file://}, or an http(s) URL ending in .git. */
    GIT,
    /** Anything else: refused. */
    UNSUPPORTED;

    public static SourceKind of(String uri) {
        if (uri == null || uri.isBlank()) {
            return UNSUPPORTED;
        }
        if (uri.startsWith("/")) {
            return LOCAL;
        }
        String lower = uri.toLowerCase(Locale.ROOT);
        if (lower.startsWith("git+https://") || lower.startsWith("git+http://") || lower.startsWith("git+file://")) {
            return GIT;
        }
        if (lower.startsWith("https://") || lower.startsWith("http://")) {
            String path = pathOf(lower);
            return path.endsWith(".git") || path.endsWith(".git/") ? GIT : HTTP;
        }
        if (lower.startsWith("file:")) {
            return LOCAL;
        }
        if (lower.startsWith("s3://")) {
            return OBJECT;
        }
        return UNSUPPORTED;
    }

    /** The URL git itself is given: the {@code git+} marker removed. */
    public static String gitUrl(String uri) {
        return uri.regionMatches(true, 0, "git+", 0, 4) ? uri.substring(4) : uri;
    }

    private static String pathOf(String url) {
        int end = url.length();
        for (char c : new char[] {'?', '#'}) {
            int at = url.indexOf(c);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return url.substring(0, end);
    }
}
