package routes.api;

import com.fasterxml.jackson.core.JsonFactory;
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
     * something other than JSON (a form post, say) is refused with 415 before it is read.
     */
    public static JsonNode object(ObjectMapper mapper, String contentType, String body) {
        String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
        if (!type.isEmpty() && !type.startsWith("application/json") && !type.matches("^application/[^;]*\\+json.*")) {
            throw new ApiException(415, "Content-Type must be application/json, not " + contentType);
        }
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("Request body must be a JSON object");
        }
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (Exception e) {
            throw ApiException.badRequest("Malformed JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("Request body must be a JSON object");
        }
        return node;
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
