package routes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import routes.failure.InvalidRequest;

class MultipartParserTest {

    record Part(String name, String fileName, String contentType, String content) {
    }

    private static final String BODY = "--XyZ\r\n"
            + "Content-Disposition: form-data; name=\"checksum\"\r\n\r\n"
            + "abc\r\n"
            + "--XyZ\r\n"
            + "Content-Disposition: form-data; name=\"file\"; filename=\"hello.txt\"\r\n"
            + "Content-Type: text/plain\r\n\r\n"
            + "hello durable ingest\r\nnot delimiters: a--XyZ \r\n-XyZ \r--XyZ\r\n"
            + "--XyZ--\r\n";

    private static List<Part> parse(List<byte[]> chunks) {
        List<Part> parts = new ArrayList<>();
        ByteArrayOutputStream[] content = new ByteArrayOutputStream[1];
        String[] head = new String[3];
        MultipartParser parser = new MultipartParser("XyZ", new MultipartParser.Listener() {
            @Override
            public void partStart(String name, String fileName, String contentType) {
                head[0] = name;
                head[1] = fileName;
                head[2] = contentType;
                content[0] = new ByteArrayOutputStream();
            }

            @Override
            public void partData(byte[] bytes, int offset, int length) {
                content[0].write(bytes, offset, length);
            }

            @Override
            public void partEnd() {
                parts.add(new Part(head[0], head[1], head[2], content[0].toString(StandardCharsets.UTF_8)));
            }
        });
        chunks.forEach(parser::feed);
        parser.finish();
        return parts;
    }

    @Test
    void everySplitOfTheBodyGivesTheSameParts() {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        List<Part> whole = parse(List.of(body));
        assertThat(whole).containsExactly(
                new Part("checksum", null, null, "abc"),
                new Part("file", "hello.txt", "text/plain",
                        "hello durable ingest\r\nnot delimiters: a--XyZ \r\n-XyZ \r--XyZ"));
        for (int cut = 0; cut <= body.length; cut++) {
            for (int second = cut; second <= body.length; second += 7) {
                List<byte[]> chunks = List.of(Arrays.copyOfRange(body, 0, cut), Arrays.copyOfRange(body, cut, second),
                        Arrays.copyOfRange(body, second, body.length));
                assertThat(parse(chunks)).as("cut at %d and %d", cut, second).isEqualTo(whole);
            }
        }
    }

    @Test
    void byteByByte() {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        List<byte[]> chunks = new ArrayList<>();
        for (byte b : body) {
            chunks.add(new byte[] {b});
        }
        assertThat(parse(chunks)).isEqualTo(parse(List.of(body)));
    }

    @Test
    void truncatedBodyIsRefused() {
        byte[] body = BODY.substring(0, BODY.length() - 9).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> parse(List.of(body))).isInstanceOf(InvalidRequest.class).hasMessageContaining("closing boundary");
    }

    @Test
    void readsTheBoundaryFromTheContentType() {
        assertThat(MultipartParser.boundary("multipart/form-data; boundary=abc")).isEqualTo("abc");
        assertThat(MultipartParser.boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\"")).isEqualTo("a b");
        assertThatThrownBy(() -> MultipartParser.boundary("application/json")).isInstanceOf(InvalidRequest.class);
        assertThatThrownBy(() -> MultipartParser.boundary("multipart/form-data")).isInstanceOf(InvalidRequest.class);
    }

    @Test
    void aVeryLongQuotedFileNameDoesNotOverflowTheStack() {
        // the parameter pattern once recursed once per character: 2,000 were enough to overflow the event loop
        String name = "x".repeat(200_000) + "\\\"q.txt";
        String body = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n\r\n"
                + "data\r\n--XyZ--\r\n";
        List<Part> parts = parse(List.of(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).fileName()).hasSize(200_006).endsWith("\"q.txt");
    }
}
