package routes.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import routes.support.LogCapture;

/**
 * A dependency that fails is an outage in the log; once the service is stopping, the embedded broker or the pool it
 * closes itself is not: the probe still answers (down), but nothing is logged.
 */
class ProbesTest {

    @Test
    void aDependencyClosedByTheStoppingServiceIsNotLoggedAsAnOutage() {
        AtomicInteger failures = new AtomicInteger();
        try (LogCapture log = LogCapture.open(); Probes probes = new Probes(Duration.ofMillis(20), Duration.ofSeconds(1))) {
            probes.watch("thing", () -> {
                failures.incrementAndGet();
                throw new IllegalStateException("Server locator is closed");
            }, new OutageLog("the thing", "nothing works"));
            probes.stopping();
            probes.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> failures.get() >= 5);
            assertThat(probes.answer("thing").up()).isFalse();
            assertThat(log.lines()).noneMatch(l -> l.logger().equals(OutageLog.class.getName()));
        }
    }

    @Test
    void aFailingDependencyWhileRunningIsOneOutageLine() {
        try (LogCapture log = LogCapture.open(); Probes probes = new Probes(Duration.ofMillis(20), Duration.ofSeconds(1))) {
            probes.watch("thing", () -> {
                throw new IllegalStateException("connection refused");
            }, new OutageLog("the thing", "nothing works"));
            probes.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> log.lines().stream()
                    .anyMatch(l -> l.logger().equals(OutageLog.class.getName())));
        }
    }
}
