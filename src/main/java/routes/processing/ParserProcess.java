package routes.processing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.sax.BodyContentHandler;

/**
 * The main class of a parser process ({@link ParserProcesses}): reads one request after another on stdin (a file,
 * its type and name, the most characters it may yield), parses it with Tika and answers on stdout. It is started
 * with a heap limit and {@code -XX:+ExitOnOutOfMemoryError}: a document that needs more ends this process, which
 * its parent sees as the end of the pipe.
 */
public final class ParserProcess {

    static final int TEXT = 0;
    static final int TOO_LONG = 1;
    static final int BROKEN = 2;
    /** Sent once at start, when the parsers are loaded: a document's time limit starts after it. */
    static final int READY = 3;

    private ParserProcess() {
    }

    public static void main(String[] args) throws Exception {
        // stdout is the answer channel: whatever a library prints goes to stderr instead
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        System.setOut(System.err);
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
        AutoDetectParser parser = new AutoDetectParser();
        out.writeByte(READY);
        out.flush();
        while (true) {
            String file;
            try {
                file = in.readUTF();
            } catch (EOFException e) {
                return; // the parent closed the pipe: done
            }
            String mimeType = in.readUTF();
            String name = in.readUTF();
            int maxChars = in.readInt();
            answer(out, parser, Path.of(file), mimeType, name, maxChars);
            out.flush();
        }
    }

    private static void answer(DataOutputStream out, AutoDetectParser parser, Path file, String mimeType, String name,
            int maxChars) throws java.io.IOException {
        ParserProcesses.Answer answer;
        try {
            answer = parse(parser, file, mimeType, name, maxChars);
        } catch (java.io.IOException | RuntimeException e) {
            answer = new ParserProcesses.Broken(message(e));
        }
        if (answer instanceof ParserProcesses.Text parsed) {
            out.writeByte(TEXT);
            out.writeUTF(cut(parsed.title()));
            byte[] text = parsed.text().getBytes(StandardCharsets.UTF_8);
            out.writeInt(text.length);
            out.write(text);
        } else if (answer instanceof ParserProcesses.TooLong) {
            out.writeByte(TOO_LONG);
        } else {
            out.writeByte(BROKEN);
            out.writeUTF(cut(((ParserProcesses.Broken) answer).message()));
        }
    }

    /**
     * One document through Tika, here: its text and title, too long, or broken (what the parser said). The one
     * parse of the service, run by a parser process, or in the caller's JVM where no processes are configured.
     * A file that cannot be read throws.
     */
    static ParserProcesses.Answer parse(AutoDetectParser parser, Path file, String mimeType, String name, int maxChars)
            throws java.io.IOException {
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
        metadata.set(Metadata.CONTENT_TYPE, mimeType);
        // Tika counts UTF-16 units; the limit is in code points (checked on the text): room for surrogate pairs
        BodyContentHandler handler = new BodyContentHandler((int) Math.min(Integer.MAX_VALUE, 2L * maxChars));
        try (InputStream stream = TikaInputStream.get(file)) {
            parser.parse(stream, handler, metadata, new ParseContext());
        } catch (org.xml.sax.SAXException | org.apache.tika.exception.TikaException e) {
            return WriteLimitReachedException.isWriteLimitReached(e) ? new ParserProcesses.TooLong()
                    : new ParserProcesses.Broken(message(e));
        }
        String title = metadata.get(TikaCoreProperties.TITLE);
        return new ParserProcesses.Text(handler.toString(), title == null ? "" : title);
    }

    /** What the parser said, in words: the deepest useful cause (Tika's wrapper names only a class and its code). */
    private static String message(Exception e) {
        return routes.failure.Explain.cause(e, "the file is damaged or not what its type says");
    }

    /** Fields written with writeUTF stay far below its 64 KB. */
    private static String cut(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) : s;
    }
}
