package routes.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import org.apache.camel.spi.PropertiesComponent;
import routes.failure.Redaction;

/**
 * Typed, validated view of the {@code cortex.*} properties. Every value comes through Camel's properties component,
 * so a {@code CORTEX_*} environment variable overrides application.properties. A bad value stops start-up with a
 * message naming both the property and its environment variable.
 */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(PropertiesComponent properties) {
        this.properties = properties;
    }

    /** The environment variable that overrides a property: cortex.storage.max-upload-mb is CORTEX_STORAGE_MAX_UPLOAD_MB. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Optional<String> optional(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String string(String key) {
        return optional(key).orElseThrow(() -> invalid(key, "", "a value is required"));
    }

    public int positiveInt(String key) {
        return intAtLeast(key, 1);
    }

    public int nonNegativeInt(String key) {
        return intAtLeast(key, 0);
    }

    private int intAtLeast(String key, int min) {
        return intBetween(key, min, Integer.MAX_VALUE);
    }

    public int intBetween(String key, int min, int max) {
        return parse(key, v -> {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new IllegalArgumentException();
            }
            return n;
        }, max == Integer.MAX_VALUE ? "a whole number of at least " + min
                : "a whole number from " + min + " to " + max);
    }

    public Path path(String key) {
        return parse(key, v -> Path.of(v).toAbsolutePath().normalize(), "a file system path");
    }

    public List<String> list(String key) {
        return optional(key).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    public String oneOf(String key, String... allowed) {
        String value = string(key).toLowerCase(Locale.ROOT);
        if (!Arrays.asList(allowed).contains(value)) {
            throw invalid(key, value, "one of " + String.join(", ", allowed));
        }
        return value;
    }

    /**
     * One of {@code allowed}, exactly as written there: for settings the YAML routes compare literally in their
     * preconditions, where 'WORKER' would not be 'worker'.
     */
    public String exactlyOneOf(String key, String... allowed) {
        String value = string(key);
        if (!Arrays.asList(allowed).contains(value)) {
            throw invalid(key, value, "one of " + String.join(", ", allowed) + " (lowercase)");
        }
        return value;
    }

    private <T> T parse(String key, Function<String, T> parser, String expected) {
        String raw = string(key);
        try {
            return parser.apply(raw);
        } catch (RuntimeException e) {
            throw invalid(key, raw, expected);
        }
    }

    /**
     * The start-up error of a bad value. A secret is never repeated (its length is), and credentials inside a URL
     * are masked: this message goes to the log.
     */
    public static IllegalArgumentException invalid(String key, String value, String expected) {
        String shown = secret(key) && value != null && !value.isEmpty() && !value.startsWith("(")
                ? "(" + value.length() + " characters)" : Redaction.redact(value);
        return new IllegalArgumentException("Invalid setting " + key + " (" + envName(key) + ") = '" + shown
                + "': expected " + expected);
    }

    /** Settings whose value is a secret, by their name. */
    static boolean secret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.endsWith("password") || k.endsWith("-key") || k.contains("secret") || k.contains("token")
                || k.contains("credential");
    }
}
