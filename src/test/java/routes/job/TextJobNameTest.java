package routes.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A text job's file name: its first words, letters and digits only, bounded; content.txt without any word. */
class TextJobNameTest {

    @Test
    void theFirstSixWordsJoinedByHyphens() {
        assertThat(TextJobName.of("The handbook of the browser test.\n\nA paragraph.")).isEqualTo("The-handbook-of-the-browser-test.txt");
        assertThat(TextJobName.of("  # Release notes: v2.1 (draft)")).isEqualTo("Release-notes-v2-1-draft.txt");
        assertThat(TextJobName.of("Zürich café 東京 ✓ done")).isEqualTo("Zürich-café-東京-done.txt");
    }

    @Test
    void nothingOfAPathOrMarkupSurvives() {
        assertThat(TextJobName.of("../../etc/passwd")).isEqualTo("etc-passwd.txt");
        assertThat(TextJobName.of("<script>alert(1)</script>")).isEqualTo("script-alert-1-script.txt");
        assertThat(TextJobName.of("a\u0000b/c\\d")).isEqualTo("a-b-c-d.txt");
    }

    @Test
    void boundedAndNeverEmpty() {
        assertThat(TextJobName.of("x".repeat(200))).isEqualTo("x".repeat(48) + ".txt");
        assertThat(TextJobName.of("word ".repeat(5) + "y".repeat(40))).isEqualTo("word-word-word-word-word.txt");
        assertThat(TextJobName.of("... !!! ???")).isEqualTo("content.txt");
        assertThat(TextJobName.of("\uD83D\uDE00 \uD83D\uDE00")).isEqualTo("content.txt");
    }
}
