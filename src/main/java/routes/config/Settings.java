package routes.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import org.apache.camel.spi.PropertiesComponent;

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
        return parse(key, v -> {
            int n = Integer.parseInt(v);
            if (n < min) {
                throw new IllegalArgumentException();
            }
            return n;
        }, "a whole number of at least " + min);
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

    public static IllegalArgumentException invalid(String key, String value, String expected) {
        return new IllegalArgumentException("Invalid setting " + key + " (" + envName(key) + ") = '" + value
                + "': expected " + expected);
    }
}
