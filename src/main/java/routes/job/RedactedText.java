package routes.job;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import routes.failure.Redaction;

/** A job's text that may quote its source URL (the URL itself, stage messages, errors), written without secrets. */
final class RedactedText extends StdSerializer<String> {

    RedactedText() {
        super(String.class);
    }

    @Override
    public void serialize(String value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        gen.writeString(Redaction.redact(value));
    }
}
