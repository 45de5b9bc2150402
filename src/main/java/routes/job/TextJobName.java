package routes.job;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file name a text job's content is stored under, made of the text's first words ({@code The-handbook-of.txt}),
 * so that ten text jobs are ten names in a list rather than ten {@code content.txt}. Only letters and digits of the
 * text go into it (joined by hyphens), so the name is safe in a path and an object key whatever the text holds.
 */
final class TextJobName {

    /** The name when the text starts with no word at all. */
    static final String FALLBACK = "content.txt";

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final int MAX_WORDS = 6;
    private static final int MAX_CHARS = 48;

    private TextJobName() {
    }

    static String of(String text) {
        // the words of the start of the text only: a long text is not scanned for a name
        Matcher m = WORD.matcher(text.length() > 4096 ? text.substring(0, 4096) : text);
        List<String> words = new ArrayList<>();
        int length = 0;
        while (words.size() < MAX_WORDS && m.find()) {
            String word = m.group();
            if (length + word.length() + (words.isEmpty() ? 0 : 1) > MAX_CHARS) {
                if (words.isEmpty()) {
                    words.add(word.substring(0, word.offsetByCodePoints(0, Math.min(MAX_CHARS,
                            word.codePointCount(0, word.length())))));
                }
                break;
            }
            length += word.length() + (words.isEmpty() ? 0 : 1);
            words.add(word);
        }
        return words.isEmpty() ? FALLBACK : String.join("-", words) + ".txt";
    }
}
