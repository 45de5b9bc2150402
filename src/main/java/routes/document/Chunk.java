package routes.document;

/** One piece of a document's text: its place in order and its character offsets in the whole text. */
public record Chunk(int ordinal, int start, int end, String text) {
}
