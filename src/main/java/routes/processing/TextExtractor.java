package routes.processing;

import java.util.Set;

/** Text out of the plain-text formats this build extracts; the title is a Markdown heading or the file name. */
public final class TextExtractor {

    private static final Set<String> EXTRACTABLE = Set.of("text/plain", "text/markdown", "text/x-markdown", "text/csv",
            "application/json");

    public boolean canExtract(String mimeType) {
        return mimeType != null && EXTRACTABLE.contains(mimeType);
    }

    public String text(byte[] bytes, String mimeType, String name) {
        if (!canExtract(mimeType)) {
            throw new PermanentJobError("Unsupported content type for extraction: " + mimeType + " (" + name
                    + "); this build extracts " + String.join(", ", EXTRACTABLE));
        }
        return TextDecoder.decode(bytes);
    }

    public String title(String text, String mimeType, String name) {
        if (mimeType != null && mimeType.contains("markdown")) {
            for (String line : text.split("\n", 50)) {
                String l = line.strip();
                if (l.startsWith("#")) {
                    String heading = l.replaceFirst("^#+", "").strip();
                    if (!heading.isEmpty()) {
                        return heading;
                    }
                }
            }
        }
        return name;
    }
}
