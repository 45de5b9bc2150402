package routes.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import routes.storage.ObjectKeys;

/**
 * What must hold after every fault: each job accepted with 2xx is terminal (none lost); none ran twice at once
 * (the attempt logs of every worker process, a killed one's attempts ending at its kill) and each was claimed as
 * often as its attempts say (less the claims a kill caught between their commit and their log line: one per
 * consumer thread at most); each completed job has exactly one set of documents and a failed one none; no object
 * without a job and no temporary file is left; each project's event seq runs 1..n without a gap; the durable audit
 * subscriber received every event.
 */
final class Invariants {

    /** What one scenario measured, for docs/reliability.md. */
    record Figures(String scenario, int accepted, int refused, int faults, int lost, int duplicated, int orphans,
            int events) {
        String row() {
            return "| " + scenario + " | " + accepted + " | " + refused + " | " + faults + " | " + lost + " | "
                    + duplicated + " | " + orphans + " | " + events + " |";
        }
    }

    private record Attempt(String job, String attempt, long start, long end) {
    }

    private Invariants() {
    }

    static Figures check(String scenario, Cluster cluster, AuditSubscriber audit, String project, List<String> accepted,
            Map<String, String> expectedFailures, int refused, int faults) throws Exception {
        // 1. none lost: every accepted job reaches a terminal status
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                .until(() -> statuses(cluster).entrySet().stream().filter(e -> accepted.contains(e.getKey()))
                        .allMatch(e -> Set.of("completed", "failed", "cancelled").contains(e.getValue())));
        Map<String, String> statuses = statuses(cluster);
        assertThat(statuses.keySet()).as("every accepted job exists").containsAll(accepted);
        Map<String, String> ofProject = new HashMap<>();
        query(cluster, "SELECT id, status FROM ingest_jobs WHERE project_id = '" + project + "'",
                rs -> ofProject.put(rs.getString(1), rs.getString(2)));
        assertThat(ofProject.keySet()).as("a refused request created nothing").containsExactlyInAnyOrderElementsOf(accepted);
        Map<String, String[]> outcome = outcomes(cluster);
        for (String id : accepted) {
            String[] o = outcome.get(id);
            if (expectedFailures.containsKey(id)) {
                assertThat(o[0]).as("job " + id + ": " + o[1]).isEqualTo("failed");
                assertThat(o[1]).as("job " + id).startsWith(expectedFailures.get(id));
            } else {
                assertThat(o[0]).as("job " + id + " " + o[1]).isEqualTo("completed");
            }
        }

        // 2. none doubled: attempts never overlap, claims match attempts, one set of documents per completed job
        Map<String, List<Attempt>> attempts = attempts(cluster);
        Map<String, Integer> claims = claims(cluster);
        List<String> doubled = new ArrayList<>();
        int unlogged = 0;
        for (String id : accepted) {
            List<Attempt> runs = new ArrayList<>(attempts.getOrDefault(id, List.of()));
            runs.sort(java.util.Comparator.comparingLong(Attempt::start));
            for (int i = 1; i < runs.size(); i++) {
                if (runs.get(i).start() < runs.get(i - 1).end()) {
                    doubled.add("job " + id + ": attempt " + runs.get(i).attempt() + " started "
                            + (runs.get(i - 1).end() - runs.get(i).start()) / 1_000_000 + " ms before attempt "
                            + runs.get(i - 1).attempt() + " ended");
                }
            }
            // a run without a claim would be a doubled job; a claim without a logged run happens only when a
            // worker is killed between its claim's commit and the log line (seen in a CI run): at most one per
            // consumer thread of the killed process
            assertThat(runs.size()).as("attempts logged of job " + id + " (claimed " + claims.get(id) + " times)")
                    .isBetween(claims.get(id) - faults, claims.get(id));
            unlogged += claims.get(id) - runs.size();
        }
        assertThat(unlogged).as("claims without a logged attempt, beyond one per consumer thread of each kill")
                .isLessThanOrEqualTo(faults * Cluster.WORKER_THREADS);
        Map<String, Integer> roots = rootDocuments(cluster);
        for (String id : accepted) {
            int expected = "completed".equals(statuses.get(id)) ? 1 : 0;
            if (roots.getOrDefault(id, 0) != expected) {
                doubled.add("job " + id + " (" + statuses.get(id) + ") has " + roots.getOrDefault(id, 0)
                        + " document sets");
            }
        }
        assertThat(doubled).as("jobs that ran twice at once or hold a wrong number of document sets").isEmpty();
        int duplicated = doubled.size();

        // 3. nothing orphaned: every stored object belongs to a job, every temporary directory empties. An object
        // can outlive a failed store without any fault of ours: S3 may keep a PUT whose answer was lost, and a
        // killed S3Proxy leaves its half-written file listed as an object. The leftover sweep (every 2 s here,
        // objects older than 40 s) is what removes those, so the check waits for it like for the temporary files.
        Set<String> known = statuses.keySet();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(orphanedObjects(cluster, known)).as("objects without a job").isEmpty());
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(leftovers(cluster)).as("temporary files").isEmpty());

        // 4. every project's events run 1..n, and the durable subscriber has every one
        Set<String> events = events(cluster);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(audit.received()).as("events the audit subscriber missed")
                        .containsAll(events));
        return new Figures(scenario, accepted.size(), refused, faults, 0, duplicated, 0, events.size());
    }

    private static Map<String, String> statuses(Cluster cluster) throws SQLException {
        Map<String, String> out = new HashMap<>();
        query(cluster, "SELECT id, status FROM ingest_jobs", rs -> out.put(rs.getString(1), rs.getString(2)));
        return out;
    }

    private static Map<String, String[]> outcomes(Cluster cluster) throws SQLException {
        Map<String, String[]> out = new HashMap<>();
        query(cluster, "SELECT id, status, COALESCE(error_message, message) FROM ingest_jobs",
                rs -> out.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)}));
        return out;
    }

    private static Map<String, Integer> claims(Cluster cluster) throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        query(cluster, "SELECT id, attempts FROM ingest_jobs", rs -> out.put(rs.getString(1), rs.getInt(2)));
        return out;
    }

    private static Map<String, Integer> rootDocuments(Cluster cluster) throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        query(cluster, "SELECT job_id, COUNT(*) FROM documents WHERE parent_id IS NULL AND staged_by IS NULL GROUP BY job_id",
                rs -> out.put(rs.getString(1), rs.getInt(2)));
        return out;
    }

    /** {@code project:seq} of every event; fails if a project's seqs are not exactly 1..n. */
    private static Set<String> events(Cluster cluster) throws SQLException {
        Set<String> out = new HashSet<>();
        Map<String, long[]> perProject = new HashMap<>();
        query(cluster, "SELECT project_id, seq FROM job_events", rs -> {
            out.add(rs.getString(1) + ":" + rs.getLong(2));
            long[] p = perProject.computeIfAbsent(rs.getString(1), k -> new long[] {0, Long.MAX_VALUE, 0});
            p[0]++;
            p[1] = Math.min(p[1], rs.getLong(2));
            p[2] = Math.max(p[2], rs.getLong(2));
        });
        perProject.forEach((project, p) -> assertThat(new long[] {p[1], p[2]}).as("seq range of project " + project
                + " with " + p[0] + " events: no gap").containsExactly(1, p[0]));
        return out;
    }

    private static Map<String, List<Attempt>> attempts(Cluster cluster) throws IOException {
        Map<String, List<Attempt>> out = new HashMap<>();
        for (var entry : cluster.killTimes().entrySet()) {
            Path log = Path.of(entry.getKey());
            if (!Files.exists(log)) {
                continue;
            }
            Map<String, long[]> open = new HashMap<>();
            Map<String, String> jobOf = new HashMap<>();
            for (String line : Files.readAllLines(log)) {
                String[] f = line.split(" ");
                if (f.length != 4) {
                    continue; // a line cut short by a kill
                }
                if (f[0].equals("start")) {
                    open.put(f[2], new long[] {Long.parseLong(f[3]), entry.getValue()});
                    jobOf.put(f[2], f[1]);
                } else if (open.containsKey(f[2])) {
                    open.get(f[2])[1] = Long.parseLong(f[3]);
                }
            }
            open.forEach((attempt, t) -> out.computeIfAbsent(jobOf.get(attempt), k -> new ArrayList<>())
                    .add(new Attempt(jobOf.get(attempt), attempt, t[0], t[1])));
        }
        return out;
    }

    private static List<String> orphanedObjects(Cluster cluster, Set<String> known) {
        List<String> out = new ArrayList<>();
        try (var s3 = cluster.s3().client()) {
            for (var object : s3.listObjectsV2Paginator(b -> b.bucket(Cluster.BUCKET)).contents()) {
                ObjectKeys.jobOf("ingest", object.key()).filter(job -> !known.contains(job.toString()))
                        .ifPresent(job -> out.add(object.key()));
            }
        }
        return out;
    }

    static List<Path> leftovers(Cluster cluster) {
        List<Path> out = new ArrayList<>();
        for (Path dir : cluster.tempDirs()) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> entries = Files.list(dir)) {
                    entries.forEach(out::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    @FunctionalInterface
    private interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    private static void query(Cluster cluster, String sql, Row row) throws SQLException {
        try (Connection c = cluster.database(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                row.read(rs);
            }
        }
    }
}
