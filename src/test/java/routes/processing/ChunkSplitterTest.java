package routes.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import routes.document.Chunk;

class ChunkSplitterTest {

    @Test
    void respectsSizeAndCoversTheTextWithExactlyTheOverlap() {
        String text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(100);
        List<Chunk> chunks = new ChunkSplitter(300, 50).split(text);
        assertThat(chunks).hasSizeGreaterThan(10);
        assertThat(chunks.get(0).start()).isZero();
        assertThat(chunks.get(chunks.size() - 1).end()).isEqualTo(text.length());
        for (int i = 0; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            assertThat(c.ordinal()).isEqualTo(i);
            assertThat(c.text()).hasSizeLessThanOrEqualTo(300).isEqualTo(text.substring(c.start(), c.end()));
            if (i > 0) {
                // no gap, and nothing repeated beyond the overlap
                assertThat(c.start()).isLessThanOrEqualTo(chunks.get(i - 1).end());
                assertThat(chunks.get(i - 1).end() - c.start()).isBetween(0, 50);
                // a chunk starts at a word's start, never with the tail of a word
                assertThat(Character.isWhitespace(text.charAt(c.start() - 1))).as("start of chunk %d", i).isTrue();
            }
        }
    }

    @Test
    void aChunkStartsAtALineOrSentenceStartInsideTheOverlap() {
        String handbook = ("The worker runs every stage of a job. Each stage progress is written to the job. ").repeat(40)
                + "\nA new line starts here and goes on for a while with words. ".repeat(20);
        List<Chunk> chunks = new ChunkSplitter(400, 120).split(handbook);
        for (Chunk c : chunks.subList(1, chunks.size())) {
            char before = handbook.charAt(c.start() - 1);
            assertThat(before == '\n' || (before == ' ' && handbook.charAt(c.start() - 2) == '.'))
                    .as("chunk %d starts %s", c.ordinal(), c.text().substring(0, 20)).isTrue();
        }
    }

    @Test
    void offsetsCountCodePointsAndNoCharacterIsCutInHalf() {
        String text = "a" + "\uD83D\uDE00".repeat(1500);
        List<Chunk> chunks = new ChunkSplitter(1000, 100).split(text);
        assertThat(chunks).hasSize(2);
        int[] points = text.codePoints().toArray();
        for (Chunk c : chunks) {
            assertThat(c.end() - c.start()).isLessThanOrEqualTo(1000);
            assertThat(c.text()).isEqualTo(new String(points, c.start(), c.end() - c.start()));
            assertThat(c.text().codePoints().noneMatch(cp -> Character.isSurrogate((char) cp))).isTrue();
        }
        assertThat(chunks.get(chunks.size() - 1).end()).isEqualTo(points.length).isEqualTo(1501);
    }

    @Test
    void aGraphemeClusterIsNotCutWhereThatCanBeAvoided() {
        // a family (woman, ZWJ, woman, ZWJ, girl) and a letter with a combining accent: each one cluster
        String family = "\uD83D\uDC69\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
        String text = (family + "e\u0301").repeat(400);
        java.util.regex.Matcher boundaries = java.util.regex.Pattern.compile("\\b{g}").matcher(text);
        java.util.Set<Integer> allowed = new java.util.HashSet<>();
        while (boundaries.find()) {
            allowed.add(boundaries.start());
        }
        int[] points = text.codePoints().toArray();
        for (Chunk c : new ChunkSplitter(97, 10).split(text)) {
            int end = text.offsetByCodePoints(0, c.end());
            assertThat(allowed).as("chunk %d ends inside a cluster", c.ordinal()).contains(end);
            assertThat(c.text()).isEqualTo(new String(points, c.start(), c.end() - c.start()));
        }
    }

    @Test
    void prefersParagraphThenLineBreaks() {
        String para = "a".repeat(60) + "\n\n" + "b".repeat(60) + "\n" + "c".repeat(60);
        List<Chunk> chunks = new ChunkSplitter(100, 0).split(para);
        assertThat(chunks.get(0).text()).isEqualTo("a".repeat(60) + "\n\n");
        List<Chunk> lines = new ChunkSplitter(100, 0).split("b".repeat(60) + "\n" + "c".repeat(60));
        assertThat(lines.get(0).text()).isEqualTo("b".repeat(60) + "\n");
    }

    @Test
    void codeIsChunkedAtLineBoundariesAndOverlapsByWholeLines() {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            code.append("    int value").append(i).append(" = compute(").append(i).append(", \"some. text here\");\n");
        }
        String text = code.toString();
        List<Chunk> chunks = new ChunkSplitter(300, 60).split(text, true);
        assertThat(chunks).hasSizeGreaterThan(10);
        for (int i = 0; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            assertThat(c.text()).hasSizeLessThanOrEqualTo(300).isEqualTo(text.substring(c.start(), c.end()));
            // whole lines: every chunk starts at a line start and ends after a line break (or at the end)
            assertThat(c.start() == 0 || text.charAt(c.start() - 1) == '\n').as("start of chunk %d", i).isTrue();
            assertThat(c.end() == text.length() || text.charAt(c.end() - 1) == '\n').as("end of chunk %d", i).isTrue();
            if (i > 0) {
                assertThat(c.start()).isLessThanOrEqualTo(chunks.get(i - 1).end());
                assertThat(chunks.get(i - 1).end() - c.start()).isBetween(0, 60);
            }
        }
        assertThat(chunks.get(chunks.size() - 1).end()).isEqualTo(text.length());
        // a code line longer than a chunk is cut at the window; prose would be cut after a word
        String longLine = "total = add(\"a. b\", total) + 1; ".repeat(20) + "\n";
        assertThat(new ChunkSplitter(300, 0).split(longLine, true).get(0).text()).hasSize(300);
        assertThat(new ChunkSplitter(300, 0).split(longLine, false).get(0).text()).endsWith(" ").hasSizeLessThan(300);
    }

    @Test
    void cutsUnbrokenTextAtTheWindowWithoutStartingInsideTheWord() {
        List<Chunk> chunks = new ChunkSplitter(10, 2).split("x".repeat(25));
        assertThat(chunks).extracting(Chunk::start).containsExactly(0, 10, 20);
        assertThat(chunks.get(2).end()).isEqualTo(25);
    }

    @Test
    void textWithoutAnyBreakIsCutInLinearTime() {
        // 4 MB of one letter: a boundary search that scanned back to the start of the text each time took minutes here
        String text = "a".repeat(4 * 1024 * 1024);
        List<Chunk> chunks = new ChunkSplitter(1000, 100).split(text);
        assertThat(chunks).hasSize((text.length() + 999) / 1000);
        assertThat(chunks).allSatisfy(c -> assertThat(c.end() - c.start()).isEqualTo(Math.min(1000, text.length() - c.start())));
    }

    @Test
    void shortAndEmptyText() {
        assertThat(new ChunkSplitter(100, 10).split("short")).extracting(Chunk::text).containsExactly("short");
        assertThat(new ChunkSplitter(100, 10).split("")).isEmpty();
        assertThatThrownBy(() -> new ChunkSplitter(10, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
