package routes.api;

import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one JSON mapping of the service: ISO-8601 UTC timestamps, lowercase enums, unknown request fields ignored. */
public final class Json {

    private Json() {
    }

    public static ObjectMapper mapper() {
        // The body limits bound what is read; Jackson's own 20 M-character limit on one string would refuse inline
        // text that the text helper's limit allows ("Malformed JSON" for a 30 MB document).
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
                .build();
        return JsonMapper.builder(factory)
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /**
     * Parses a request body that must be a JSON object; anything else is the client's mistake. A body declared as
     * something other than JSON (a form post, say) is refused with 415 before it is read. Text is kept exactly as
     * sent, so text that cannot be kept is refused rather than altered: bytes that are not UTF-8 (or not the charset
     * the Content-Type names), and strings holding an unpaired surrogate (\ud800 alone), are a 400 naming the field.
     */
    public static JsonNode object(ObjectMapper mapper, String contentType, Object received) {
        String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
        if (!type.isEmpty() && !type.startsWith("application/json") && !type.matches("^application/[^;]*\\+json.*")) {
            throw new ApiException(415, "Content-Type must be application/json, not " + contentType);
        }
        byte[] body = bytes(received);
        if (body == null || blank(body)) {
            throw ApiException.badRequest("Request body must be a JSON object");
        }
        java.nio.charset.Charset charset = charset(contentType);
        JsonNode node;
        JsonParser parser = null;
        try {
            if (charset.equals(StandardCharsets.UTF_8)) {
                // Jackson's own UTF-8 decoding: a byte that is not UTF-8 is an error, with the field it is in
                parser = mapper.createParser(body);
            } else {
                parser = mapper.createParser(charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(body)).toString());
            }
            node = mapper.readTree(parser);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw ApiException.badRequest("Request body is not valid " + charset.name() + ": send the text as UTF-8");
        } catch (Exception e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            if (message.contains("Invalid UTF-8") || message.contains("Invalid UTF8")) {
                String field = parser == null ? null : parser.getParsingContext().getCurrentName();
                throw ApiException.badRequest((field == null ? "The request body" : "Field '" + field + "'")
                        + " is not valid UTF-8: send JSON text encoded as UTF-8");
            }
            throw ApiException.badRequest("Malformed JSON: " + firstLine(message));
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("Request body must be a JSON object");
        }
        refuseUnpairedSurrogates(node, null);
        return node;
    }

    /** The body's bytes as they arrived (a JSON body is never decoded before it is parsed). */
    private static byte[] bytes(Object body) {
        if (body == null || body instanceof byte[]) {
            return (byte[]) body;
        }
        if (body instanceof io.vertx.core.buffer.Buffer buffer) {
            return buffer.getBytes();
        }
        if (body instanceof java.io.InputStream in) {
            try {
                return in.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean blank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** The charset a Content-Type names (HttpGate refused the ones the JVM does not know), else UTF-8. */
    private static java.nio.charset.Charset charset(String contentType) {
        java.util.regex.Matcher m = contentType == null ? null
                : java.util.regex.Pattern.compile("(?i);\\s*charset\\s*=\\s*\"?([^\";\\s]+)").matcher(contentType);
        if (m != null && m.find()) {
            try {
                return java.nio.charset.Charset.forName(m.group(1));
            } catch (RuntimeException e) {
                return StandardCharsets.UTF_8;
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** A string holding half of a surrogate pair cannot be stored as text: a 400 naming its field. */
    private static void refuseUnpairedSurrogates(JsonNode node, String field) {
        if (node.isTextual()) {
            String text = node.textValue();
            int bad = unpairedSurrogate(text);
            if (bad >= 0) {
                throw ApiException.badRequest((field == null ? "A string" : "Field '" + field + "'")
                        + " holds an unpaired surrogate (\\u" + String.format("%04x", (int) text.charAt(bad))
                        + " at character " + text.codePointCount(0, bad) + "): send valid Unicode text");
            }
        } else if (node.isObject()) {
            for (var e : node.properties()) {
                if (unpairedSurrogate(e.getKey()) >= 0) {
                    throw ApiException.badRequest("A field name holds an unpaired surrogate: send valid Unicode text");
                }
                refuseUnpairedSurrogates(e.getValue(), e.getKey());
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                refuseUnpairedSurrogates(item, field);
            }
        }
    }

    /** The index of the first surrogate that is not half of a pair, or -1. */
    static int unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A JSON value written the same way whatever order its objects' fields came in (each object's fields sorted by
     * name, at every depth): two requests that mean the same are the same request to an Idempotency-Key.
     */
    public static String canonical(JsonNode node) {
        StringBuilder out = new StringBuilder();
        canonical(node, out);
        return out.toString();
    }

    private static void canonical(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            java.util.TreeMap<String, JsonNode> fields = new java.util.TreeMap<>();
            node.fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue()));
            out.append('{');
            boolean first = true;
            for (var f : fields.entrySet()) {
                out.append(first ? "" : ",").append(com.fasterxml.jackson.databind.node.TextNode.valueOf(f.getKey()))
                        .append(':');
                canonical(f.getValue(), out);
                first = false;
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                out.append(i == 0 ? "" : ",");
                canonical(node.get(i), out);
            }
            out.append(']');
        } else {
            out.append(node);
        }
    }

    /** A text field: absent or null is null; any other non-text value is a 400 naming the field. */
    public static String text(JsonNode node, String... names) {
        for (String name : names) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                continue;
            }
            if (!v.isTextual()) {
                throw ApiException.badRequest("Field '" + name + "' must be a string");
            }
            String text = v.asText();
            if (text.indexOf('\0') >= 0) {
                // no text the service keeps may hold one (PostgreSQL refuses it in text columns)
                throw ApiException.badRequest("Field '" + name + "' must not contain NUL (\\u0000) characters");
            }
            return text;
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable body";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
