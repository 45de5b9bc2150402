package routes.processing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class TextDecoderTest {

    @Test
    void decodesUtf8Utf16AndLatin1() {
        String text = "Grüße, naïve café";
        assertThat(TextDecoder.decode(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
        byte[] utf16 = ("\uFEFF" + text).getBytes(StandardCharsets.UTF_16LE);
        assertThat(TextDecoder.decode(utf16)).isEqualTo(text);
        assertThat(TextDecoder.looksBinary(utf16)).isFalse();
        assertThat(TextDecoder.decode(text.getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(text);
        String russian = "Привет, мир: это обычный текст в кодировке Windows-1251, довольно длинный.\n".repeat(5);
        assertThat(TextDecoder.decode(russian.getBytes(java.nio.charset.Charset.forName("windows-1251")))).isEqualTo(russian);
    }

    @Test
    void nulBytesMeanBinary() {
        assertThat(TextDecoder.looksBinary(new byte[] {'P', 'N', 'G', 0, 1})).isTrue();
        assertThat(TextDecoder.looksBinary("plain".getBytes(StandardCharsets.UTF_8))).isFalse();
    }
}
