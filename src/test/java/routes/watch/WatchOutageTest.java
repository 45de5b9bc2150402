package routes.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static routes.watch.WatchTest.keys;
import static routes.watch.WatchTest.put;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.LogCapture;
import routes.support.S3ProxyServer;
import routes.support.TestApp;
import routes.support.TestDatabase;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 going away in the middle of a round, on a real S3Proxy: the round stops at the first request that cannot reach
 * it (one warning, not one per object, each after its own timeout), the watch reports down at once, the objects
 * not reached keep no claim, and none is said to be "not taken" once it became a job. When S3 is back, every object
 * becomes exactly one job. The round is driven step by step through the watch's own beans (the timer is held back),
 * so that S3 can be stopped between the listing and the reads.
 */
class WatchOutageTest {

    @TempDir
    Path tmp;

    @Test
    void aRoundStopsAtTheFirstUnreachableRequestAndLosesNothing() {
        int port = TestApp.freePort();
        S3ProxyServer s3 = S3ProxyServer.start(tmp, port);
        Map<String, String> settings = WatchTest.watchSettings(s3, Map.of("cortex.watch.poll-delay-ms", "3600000"));
        try (TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), settings);
                LogCapture log = LogCapture.open()) {
            String project = WatchTest.project(app, "outage");
            try (S3Client client = s3.client()) {
                for (int i = 0; i < 10; i++) {
                    put(client, "inbox/" + project + "/f" + i + ".txt", "text/plain",
                            ("file " + i).getBytes(StandardCharsets.UTF_8));
                }
            }
            S3Watch watch = app.bean("s3Watch", S3Watch.class);
            WatchIntake intake = app.bean("watchIntake", WatchIntake.class);
            WatchAfterRead afterRead = app.bean("watchAfterRead", WatchAfterRead.class);
            WatchStatus status = app.bean("watchStatus", WatchStatus.class);

            // the first object becomes a job; then S3 goes away
            WatchRound round = watch.round();
            assertThat(round.tasks()).hasSize(10);
            WatchTask first = round.tasks().get(0);
            intake.ingest(first);
            s3.close();
            log.clear();
            try {
                afterRead.finish(first);
            } catch (RuntimeException e) {
                watch.afterReadFailed(first, e);
            }
            int tried = 1;
            for (WatchTask task : round.tasks().subList(1, 10)) {
                if (!task.going()) {
                    continue;
                }
                tried++;
                try {
                    intake.ingest(task);
                } catch (RuntimeException e) {
                    watch.failed(task, e);
                }
            }
            watch.finished(round);

            assertThat(tried).as("objects read after S3 went away").isEqualTo(1);
            assertThat(round.stopped()).isTrue();
            assertThat(status.healthy()).as("down at once").isFalse();
            assertThat(log.atLeast(Level.WARN)).as("one warning for the outage").hasSize(1)
                    .noneMatch(l -> l.message().contains("not taken") && l.message().contains("/f0.txt"));
            assertThat(log.atLeast(Level.WARN).stream().filter(l -> l.message().contains("stopped at the first"))
                    .count()).isEqualTo(1);
            assertThat(WatchTest.jobs(app, project)).hasSize(1);

            // S3 back: the next rounds take the other nine (no claim was left behind) and finish the first's move
            S3ProxyServer back = S3ProxyServer.start(tmp, port);
            try (S3Client client = back.client()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    WatchRound next = watch.round();
                    for (WatchTask task : next.tasks()) {
                        try {
                            if (task.ingest()) {
                                intake.ingest(task);
                            }
                            afterRead.finish(task);
                        } catch (RuntimeException e) {
                            watch.failed(task, e);
                        }
                    }
                    watch.finished(next);
                    return keys(client, "inbox/").isEmpty();
                });
                assertThat(WatchTest.jobs(app, project)).hasSize(10);
                assertThat(keys(client, "processed/inbox/" + project + "/")).hasSize(10);
                assertThat(status.healthy()).isTrue();
            } finally {
                back.close();
            }
        }
    }
}
