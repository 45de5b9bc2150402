package routes.processing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.apache.tika.detect.AutoDetectReader;
import org.apache.tika.exception.TikaException;

/**
 * Bytes to text for the plain-text formats: a BOM decides, else strict UTF-8 (by far the most common, and cheap to
 * confirm), else the charset Apache Tika's detectors find (Latin-1, Windows-1252, Shift_JIS, ...), else Latin-1, which
 * never fails.
 */
public final class TextDecoder {

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

    private static String detected(byte[] bytes) {
        try (AutoDetectReader reader = new AutoDetectReader(new ByteArrayInputStream(bytes))) {
            StringBuilder text = new StringBuilder(bytes.length);
            char[] buffer = new char[8192];
            for (int n; (n = reader.read(buffer)) > 0; ) {
                text.append(buffer, 0, n);
            }
            return text.toString();
        } catch (IOException | TikaException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
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
