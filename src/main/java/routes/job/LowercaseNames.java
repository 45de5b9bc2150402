package routes.job;

import java.util.Locale;
import java.util.Optional;

/** Job enums travel as lowercase names, in JSON, in query parameters and in the database. */
final class LowercaseNames {

    private LowercaseNames() {
    }

    static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    static <E extends Enum<E>> Optional<E> parse(E[] values, String text) {
        for (E e : values) {
            if (of(e).equals(text)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
