package routes.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import routes.support.ProcessApp;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * Every setting is checked at start-up, whether or not the current mode uses it, ranges and cross-checks included:
 * each bad value an operator tried stops the start with "Invalid setting property (ENV) = value: expected ...".
 */
class SettingRulesTest {

    @TempDir
    Path tmp;

    @Test
    void everySettingOfApplicationPropertiesHasARule() throws IOException {
        List<String> keys = Files.readAllLines(Path.of("src/main/resources/application.properties")).stream()
                .filter(l -> l.startsWith("cortex.")).map(l -> l.substring(0, l.indexOf('=')).trim())
                // what cortex.role means for the REST routes: constants, not settings
                .filter(k -> !k.startsWith("cortex.api.disabled.")).toList();
        assertThat(keys).hasSizeGreaterThan(100);
        assertThat(SettingRules.all().keySet()).containsExactlyInAnyOrderElementsOf(keys);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(Map.of("cortex.http.max-body-bytes", "-1"), "cortex.http.max-body-bytes"),
                Arguments.of(Map.of("cortex.sweep.min-age-seconds", "1"), "cortex.sweep.min-age-seconds"),
                Arguments.of(Map.of("cortex.worker.lease-seconds", "5", "cortex.worker.lease-renew-ms", "60000"),
                        "cortex.worker.lease-seconds"),
                Arguments.of(Map.of("cortex.extract.parser-memory-mb", "1"), "cortex.extract.parser-memory-mb"),
                Arguments.of(Map.of("cortex.broker.audit-log", "yes"), "cortex.broker.audit-log"),
                Arguments.of(Map.of("cortex.storage.secure", "maybe"), "cortex.storage.secure"),
                Arguments.of(Map.of("cortex.watch.after-read", "copy"), "cortex.watch.after-read"),
                Arguments.of(Map.of("cortex.watch.prefixes", "drop/,drop/x/"), "cortex.watch.prefixes"),
                Arguments.of(Map.of("cortex.watch.prefixes", "drop"), "cortex.watch.prefixes"),
                Arguments.of(Map.of("cortex.jobs.queue", ""), "cortex.jobs.queue"),
                Arguments.of(Map.of("cortex.http.cors-origins", "not-a-url"), "cortex.http.cors-origins"),
                Arguments.of(Map.of("cortex.broker.url", "garbage"), "cortex.broker.url"),
                Arguments.of(Map.of("cortex.http.port", "70000"), "cortex.http.port"),
                Arguments.of(Map.of("cortex.shutdown.grace-seconds", "abc"), "cortex.shutdown.grace-seconds"),
                Arguments.of(Map.of("cortex.shutdown.grace-seconds", "0"), "cortex.shutdown.grace-seconds"),
                Arguments.of(Map.of("cortex.shutdown.grace-seconds", "-5"), "cortex.shutdown.grace-seconds"),
                Arguments.of(Map.of("cortex.log.level", "chatty"), "cortex.log.level"),
                Arguments.of(Map.of("cortex.storage.bucket", "Not_A_Bucket"), "cortex.storage.bucket"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aBadValueStopsTheStartNamingIt(Map<String, String> settings, String key) {
        assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), settings))
                .hasStackTraceContaining("Invalid setting " + key + " (" + Settings.envName(key) + ") = '"
                        + settings.get(key) + "': expected ");
    }

    @Test
    void aSecretIsNeverRepeatedInTheError() {
        assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of(
                "cortex.auth.enabled", "true", "cortex.auth.admin-key", "short-secret")))
                .hasStackTraceContaining("CORTEX_AUTH_ADMIN_KEY").hasStackTraceContaining("(12 characters)")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("short-secret"));
        assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of(
                "cortex.broker.url", "tcp://user:pa55word@?password=pa55word")))
                .satisfies(e -> assertThat(stackTrace(e)).contains("CORTEX_BROKER_URL").doesNotContain("pa55word"));
    }

    /** As an operator starts it: one line that says why, exit status 1, and no talk of a SIGTERM nobody sent. */
    @Test
    void aRefusedStartEndsTheProcessWithOneLine() {
        Map<String, String> env = new HashMap<>(ProcessApp.env(tmp, TestDatabase.sqlite(tmp), "all"));
        env.put("CORTEX_HTTP_PORT", "70000");
        ProcessApp.Exit exit = ProcessApp.runToExit(tmp, "refused", env, Duration.ofSeconds(60));
        assertThat(exit.status()).isEqualTo(1);
        assertThat(exit.log()).contains("Invalid setting cortex.http.port (CORTEX_HTTP_PORT) = '70000': expected a"
                + " whole number from 1 to 65535").doesNotContain("SIGTERM").doesNotContain("\tat ");
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
