package routes.processing;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.apache.tika.parser.txt.CharsetDetector;
import org.apache.tika.parser.txt.CharsetMatch;

/**
 * Bytes to text for the plain-text formats: a BOM decides, else strict UTF-8 (by far the most common, and cheap to
 * confirm), else the charset Apache Tika's detector is confident of (Windows-1251, Shift_JIS, ...), else
 * Windows-1252.
 */
public final class TextDecoder {

    private static final int CONFIDENT = 50;
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private TextDecoder() {
    }

    public static String decode(byte[] bytes) {
        if (startsWith(bytes, 0xEF, 0xBB, 0xBF)) {
            return new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
        }
        if (startsWith(bytes, 0xFE, 0xFF)) {
            return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16BE);
        }
        if (startsWith(bytes, 0xFF, 0xFE)) {
            return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16LE);
        }
        try {
            return strict(StandardCharsets.UTF_8).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return detected(bytes);
        }
    }

    /**
     * Tika's port of ICU's charset detector. Short texts give weak, often wrong guesses (a few accented letters read
     * as Latin-2 or KOI8-R), so a guess below {@link #CONFIDENT} gives way to Windows-1252, the most common
     * single-byte charset of text that is not UTF-8 (a superset of Latin-1's printable characters).
     */
    private static String detected(byte[] bytes) {
        CharsetDetector detector = new CharsetDetector();
        detector.setText(bytes);
        CharsetMatch match = detector.detect();
        Charset charset = WINDOWS_1252;
        if (match != null && match.getConfidence() >= CONFIDENT && Charset.isSupported(match.getName())) {
            charset = Charset.forName(match.getName());
        }
        return new String(bytes, charset);
    }

    /** Text files do not contain NUL bytes; binaries nearly always do in their first few KiB. */
    public static boolean looksBinary(byte[] bytes) {
        int n = Math.min(bytes.length, 8192);
        boolean utf16 = startsWith(bytes, 0xFE, 0xFF) || startsWith(bytes, 0xFF, 0xFE);
        for (int i = 0; i < n && !utf16; i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static java.nio.charset.CharsetDecoder strict(Charset charset) {
        return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
