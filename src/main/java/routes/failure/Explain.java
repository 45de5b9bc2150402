package routes.failure;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A failure in words for the people who read a job's {@code error_message}: what the deepest useful cause said,
 * without Java's vocabulary (class names, object identities like {@code PDFParser@410ae9a3}, a library's own error
 * codes) and without the service's internal paths. The whole chain stays in the log, at the job's id.
 */
public final class Explain {

    /** A fully qualified Java class name, maybe with an object identity: {@code org.apache.x.Y@1f2e} or {@code java.io.IOException}. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:@[0-9a-f]+)?");
    private static final Pattern IDENTITY = Pattern.compile("@[0-9a-f]{6,}\\b");
    /** Tika's codes, and its wrapper that only says an exception happened in a parser. */
    private static final Pattern TIKA_CODE = Pattern.compile("\\bTIKA-\\d+:\\s*");
    private static final Pattern WRAPPER = Pattern.compile("(?i)^(Illegal|Unexpected)?\\s*\\w*Exception( from)?\\s*$|"
            + "^(?i)(unable to|failed to) (parse|process)\\s*$");

    private Explain() {
    }

    /** The messages of a failure and its causes, outermost first, each cleaned; empty ones left out. */
    static List<String> messages(Throwable error) {
        List<String> out = new ArrayList<>();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = clean(t.getMessage());
            if (m != null && !m.isBlank() && !WRAPPER.matcher(m).matches() && !out.contains(m)) {
                out.add(m);
            }
        }
        return out;
    }

    /** The deepest useful message of a failure, cleaned; {@code fallback} when none says anything. */
    public static String cause(Throwable error, String fallback) {
        List<String> messages = messages(error);
        return messages.isEmpty() ? fallback : messages.get(messages.size() - 1);
    }

    /**
     * A failure in words: its own message (the service's, which says what it was doing), cleaned, and the deepest
     * cause after it where that adds something; {@code fallback} when nothing says anything.
     */
    public static String forPeople(Throwable error, String fallback) {
        List<String> messages = messages(error);
        if (messages.isEmpty()) {
            return fallback;
        }
        String first = messages.get(0);
        String deepest = messages.get(messages.size() - 1);
        return first.contains(deepest) ? first : first + " (" + deepest + ")";
    }

    /** A message without class names, identities and library codes. Null stays null. */
    public static String clean(String message) {
        if (message == null) {
            return null;
        }
        String m = TIKA_CODE.matcher(message).replaceAll("");
        m = CLASS_NAME.matcher(m).replaceAll("");
        m = IDENTITY.matcher(m).replaceAll("");
        m = m.replaceAll("\\s{2,}", " ").replaceAll("^[\\s:;,.-]+|[\\s:;,-]+$", "").trim();
        return Redaction.redact(m);
    }
}
