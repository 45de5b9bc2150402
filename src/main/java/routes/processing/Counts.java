package routes.processing;

import java.util.Locale;

/** Numbers in job messages, grouped for people: "Indexed 2,000 files". */
final class Counts {

    private Counts() {
    }

    static String of(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
