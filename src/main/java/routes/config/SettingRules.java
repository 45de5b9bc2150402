package routes.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import routes.messaging.BrokerConnection;

/**
 * What every {@code cortex.*} setting may hold, checked all at once before anything starts, whatever the role or
 * mode: a value the current mode does not use is still checked, so that switching the mode later does not uncover
 * it. One line per setting; then the checks between settings. {@code SettingRulesTest} fails when a key of
 * application.properties has no line here.
 */
final class SettingRules {

    /** Checks one setting's value; throws {@link Settings#invalid} with the reason. */
    @FunctionalInterface
    interface Rule {
        void check(Settings settings, String key);
    }

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]+");
    private static final Pattern REGION = Pattern.compile("[a-z0-9-]+");
    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&.+^_-]*/[a-z0-9][a-z0-9!#$&.+^_-]*");
    private static final Pattern HOST = Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+|[0-9a-fA-F:]+)(:[0-9]{1,5})?");
    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    private SettingRules() {
    }

    /** Every setting with its rule, in the order of application.properties. */
    static Map<String, Rule> all() {
        Map<String, Rule> r = new LinkedHashMap<>();
        r.put("cortex.shutdown.grace-seconds", between(1, 3600));
        r.put("cortex.routes.dir", any());
        r.put("cortex.log.level", (s, k) -> s.optional(k).ifPresent(v -> {
            if (!LOG_LEVELS.contains(v.toUpperCase(Locale.ROOT))) {
                throw Settings.invalid(k, v, "one of " + String.join(", ", sorted(LOG_LEVELS)) + ", or empty");
            }
        }));
        r.put("cortex.http.port", port());
        r.put("cortex.http.max-body-bytes", positive());
        r.put("cortex.http.idle-timeout-seconds", positive());
        r.put("cortex.http.upload-idle-timeout-ms", positive());
        r.put("cortex.http.max-json-bytes", positive());
        r.put("cortex.http.max-batch-bytes", positive());
        r.put("cortex.api.max-batch-jobs", between(1, 100_000));
        r.put("cortex.auth.enabled", bool());
        r.put("cortex.auth.admin-key", any());
        r.put("cortex.auth.cache-seconds", positive());
        r.put("cortex.http.cors-origins", (s, k) -> s.list(k).forEach(origin -> origin(k, origin)));
        r.put("cortex.database.url", (s, k) -> {
            String url = s.string(k);
            if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
                throw Settings.invalid(k, url, "a jdbc:sqlite: or jdbc:postgresql: URL");
            }
        });
        r.put("cortex.database.user", any());
        r.put("cortex.database.password", any());
        r.put("cortex.database.pool-size", between(1, 1000));
        // HikariCP's smallest connection timeout
        r.put("cortex.database.connect-timeout-ms", between(250, 600_000));
        r.put("cortex.storage.backend", oneOf("local", "s3"));
        r.put("cortex.storage.bucket", matching(BUCKET, "an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)"));
        r.put("cortex.storage.endpoint-url", (s, k) -> s.optional(k).ifPresent(v -> endpoint(k, v)));
        r.put("cortex.storage.region", matching(REGION, "an AWS region such as us-east-1"));
        r.put("cortex.storage.access-key", any());
        r.put("cortex.storage.secret-key", any());
        r.put("cortex.storage.secure", bool());
        r.put("cortex.storage.local-dir", path());
        r.put("cortex.storage.prefix", (s, k) -> s.optional(k).ifPresent(v -> {
            if (!v.replaceAll("^/+|/+$", "").matches("[A-Za-z0-9._/-]*")) {
                throw Settings.invalid(k, v, "letters, digits, '.', '_', '-' and '/'");
            }
        }));
        r.put("cortex.storage.temp-dir", path());
        r.put("cortex.storage.max-upload-mb", between(1, 1024 * 1024));
        r.put("cortex.storage.allowed-content-types", (s, k) -> {
            List<String> types = s.list(k);
            if (types.isEmpty()) {
                throw Settings.invalid(k, "", "one or more content types, or '*'");
            }
            for (String t : types) {
                if (!t.equals("*") && !MEDIA_TYPE.matcher(t.toLowerCase(Locale.ROOT)).matches()) {
                    throw Settings.invalid(k, t, "content types such as text/plain, or '*'");
                }
            }
        });
        r.put("cortex.local-source-roots", (s, k) -> s.list(k).forEach(root -> {
            if (!Path.of(root).isAbsolute()) {
                throw Settings.invalid(k, root, "absolute paths");
            }
        }));
        r.put("cortex.fetch.allow-private", bool());
        r.put("cortex.fetch.allowed-hosts", (s, k) -> s.list(k).forEach(host -> {
            if (!HOST.matcher(host).matches()) {
                throw Settings.invalid(k, host, "host names or IP literals, each with an optional :port");
            }
        }));
        r.put("cortex.fetch.connect-timeout-ms", positive());
        r.put("cortex.fetch.read-timeout-ms", positive());
        r.put("cortex.fetch.max-redirects", between(0, 20));
        r.put("cortex.git.clone-timeout-seconds", positive());
        r.put("cortex.git.max-clone-mb", positive());
        // the watch's routes compare these literally in their preconditions
        r.put("cortex.watch.enabled", exactly("true", "false"));
        r.put("cortex.watch.bucket", (s, k) -> s.optional(k).ifPresent(v -> {
            if (!BUCKET.matcher(v).matches()) {
                throw Settings.invalid(k, v, "an S3 bucket name, or empty for the storage bucket");
            }
        }));
        r.put("cortex.watch.prefixes", (s, k) -> WatchConfiguration.prefixes(s));
        r.put("cortex.watch.poll-delay-ms", positive());
        r.put("cortex.watch.max-objects-per-poll", between(1, 100_000));
        r.put("cortex.watch.min-age-seconds", atLeast(0));
        r.put("cortex.watch.after-read", oneOf("move", "delete", "mirror"));
        r.put("cortex.watch.processed-prefix", (s, k) -> WatchConfiguration.folder(s, k));
        r.put("cortex.watch.rejected-prefix", (s, k) -> WatchConfiguration.folder(s, k));
        r.put("cortex.watch.lease-seconds", positive());
        r.put("cortex.worker.concurrency", between(1, 256));
        r.put("cortex.worker.lease-seconds", positive());
        r.put("cortex.worker.stage-deadline-seconds", positive());
        r.put("cortex.chunk.size", between(1, 1_000_000));
        r.put("cortex.chunk.overlap", atLeast(0));
        r.put("cortex.index.max-file-kb", positive());
        r.put("cortex.index.max-archive-mb", positive());
        r.put("cortex.index.max-archive-entries", positive());
        r.put("cortex.index.max-files", positive());
        r.put("cortex.index.max-tree-mb", positive());
        r.put("cortex.index.store-batch-files", positive());
        r.put("cortex.extract.max-chars", (s, k) -> s.optional(k).ifPresent(v -> s.intBetween(k, 1, Integer.MAX_VALUE)));
        // a child JVM with Tika's parsers does not start in less
        r.put("cortex.extract.parser-memory-mb", between(32, 64 * 1024));
        r.put("cortex.extract.parse-timeout-seconds", positive());
        r.put("cortex.embed.enabled", exactly("true", "false"));
        r.put("cortex.embed.model", (s, k) -> {
            try {
                routes.search.EmbeddingModels.byId(s.string(k));
            } catch (IllegalArgumentException e) {
                throw Settings.invalid(k, s.string(k), "one of " + routes.search.EmbeddingModels.ids());
            }
        });
        r.put("cortex.embed.threads", between(1, 64));
        r.put("cortex.embed.batch-size", between(1, 1024));
        r.put("cortex.embed.reembed-period-ms", positive());
        r.put("cortex.embed.reembed-budget-ms", positive());
        r.put("cortex.search.keywords-in-memory", exactly("true", "false"));
        r.put("cortex.search.rrf-k", between(1, 10_000));
        r.put("cortex.search.candidates", between(1, 10_000));
        // a graph search keeps breadth x candidates: pgvector takes at most 1,000 (its ef_search)
        r.put("cortex.search.vector-breadth", between(1, 20));
        r.put("cortex.role", exactly("all", "api", "worker"));
        r.put("cortex.api.exact-total-limit", positive());
        r.put("cortex.tasks.eager", exactly("true", "false"));
        r.put("cortex.broker.url", (s, k) -> s.optional(k).ifPresent(url -> {
            if (!BrokerConnection.validUrl(url)) {
                throw Settings.invalid(k, url, "an Artemis URL with host and port, such as tcp://broker:61616, or"
                        + " (tcp://a:61616,tcp://b:61616) for several; empty starts the embedded broker");
            }
        }));
        r.put("cortex.broker.user", any());
        r.put("cortex.broker.password", any());
        r.put("cortex.broker.config", text());
        r.put("cortex.broker.data-dir", path());
        r.put("cortex.broker.host", text());
        r.put("cortex.broker.port", port());
        r.put("cortex.broker.max-connections", between(1, 1000));
        r.put("cortex.broker.audit-log", bool());
        r.put("cortex.jobs.queue", matching(NAME, "a queue name (letters, digits, '.', '_', ':', '-')"));
        r.put("cortex.jobs.dead-letter-queue", matching(NAME, "a queue name (letters, digits, '.', '_', ':', '-')"));
        r.put("cortex.broker.max-delivery-attempts", positive());
        r.put("cortex.broker.redelivery-delay-ms", atLeast(0));
        r.put("cortex.broker.max-redelivery-delay-ms", atLeast(0));
        r.put("cortex.jobs.queue-size", positive());
        r.put("cortex.jobs.relay-period-ms", positive());
        r.put("cortex.jobs.relay-batch", between(1, 10_000));
        r.put("cortex.jobs.relay-backlog", positive());
        r.put("cortex.task.max-retries", between(0, 100));
        r.put("cortex.task.retry-backoff-seconds", atLeast(0));
        r.put("cortex.task.retry-backoff-max-seconds", atLeast(0));
        r.put("cortex.worker.progress-interval-ms", atLeast(0));
        r.put("cortex.worker.lease-renew-ms", positive());
        r.put("cortex.recovery.period-ms", positive());
        r.put("cortex.recovery.grace-seconds", atLeast(0));
        r.put("cortex.recovery.stale-seconds", atLeast(0));
        r.put("cortex.recovery.batch", between(1, 100_000));
        r.put("cortex.sweep.start-delay-ms", atLeast(0));
        r.put("cortex.sweep.period-ms", positive());
        r.put("cortex.sweep.min-age-seconds", positive());
        r.put("cortex.events.audit-topic", matching(NAME, "an address name (letters, digits, '.', '_', ':', '-')"));
        r.put("cortex.events.relay-period-ms", positive());
        r.put("cortex.events.relay-batch", between(1, 10_000));
        r.put("cortex.events.relay-lease-seconds", positive());
        r.put("cortex.events.retention-days", positive());
        r.put("cortex.events.purge-period-ms", positive());
        r.put("cortex.stream.client-buffer-kb", positive());
        r.put("cortex.stream.max-held-events", positive());
        r.put("cortex.stream.ping-ms", positive());
        r.put("cortex.stream.pong-timeout-ms", positive());
        r.put("cortex.stream.snapshot-limit", positive());
        r.put("cortex.idempotency.retention-hours", positive());
        r.put("cortex.idempotency.purge-period-ms", positive());
        r.put("cortex.testing.fail-attempts", atLeast(0));
        r.put("cortex.testing.stage-delay-ms", atLeast(0));
        r.put("cortex.testing.file-delay-ms", atLeast(0));
        r.put("cortex.testing.exit-when-name-contains", any());
        r.put("cortex.testing.attempt-log", any());
        return r;
    }

    /**
     * Checks every setting, then the settings against each other. Throws the first problem found, naming the
     * setting, its environment variable, the value and what is expected.
     */
    static void check(Settings s) {
        all().forEach((key, rule) -> rule.check(s, key));
        if (s.nonNegativeInt("cortex.chunk.overlap") >= s.positiveInt("cortex.chunk.size")) {
            throw Settings.invalid("cortex.chunk.overlap", s.string("cortex.chunk.overlap"),
                    "a number smaller than cortex.chunk.size (" + s.string("cortex.chunk.size") + ")");
        }
        longer("cortex.http.idle-timeout-seconds", 1000, "cortex.stream.ping-ms", 1, s,
                "idle streams would be cut between their pings");
        longer("cortex.stream.pong-timeout-ms", 1, "cortex.stream.ping-ms", 1, s,
                "a client would be closed before it could answer a ping");
        // renewed at least twice per lease: one late renewal must not let another worker take a live job over
        longer("cortex.worker.lease-seconds", 500, "cortex.worker.lease-renew-ms", 1, s,
                "the lease must last more than two renewal periods, or a live job is taken over");
        longer("cortex.events.relay-lease-seconds", 1000, "cortex.events.relay-period-ms", 1, s,
                "the relay's lease would lapse between its rounds");
        notLess("cortex.task.retry-backoff-max-seconds", "cortex.task.retry-backoff-seconds", s);
        notLess("cortex.broker.max-redelivery-delay-ms", "cortex.broker.redelivery-delay-ms", s);
        // what the sweep removes must be older than anything still in use: a stage's temporary files, a parse, an
        // upload that stalls without being given up
        long inUseMs = Math.max(Math.max(s.positiveInt("cortex.worker.stage-deadline-seconds") * 1000L,
                s.positiveInt("cortex.extract.parse-timeout-seconds") * 1000L),
                s.positiveInt("cortex.http.upload-idle-timeout-ms"));
        if (s.positiveInt("cortex.sweep.min-age-seconds") * 1000L <= inUseMs) {
            throw Settings.invalid("cortex.sweep.min-age-seconds", s.string("cortex.sweep.min-age-seconds"),
                    "more seconds than a stage may run (CORTEX_WORKER_STAGE_DEADLINE_SECONDS), a parse may take"
                            + " (CORTEX_EXTRACT_PARSE_TIMEOUT_SECONDS) and an upload may stall"
                            + " (CORTEX_HTTP_UPLOAD_IDLE_TIMEOUT_MS): " + (inUseMs / 1000) + " s here, or it removes"
                            + " files still in use");
        }
        if (Boolean.parseBoolean(s.string("cortex.tasks.eager")) && !s.string("cortex.role").equals("all")) {
            throw Settings.invalid("cortex.role", s.string("cortex.role"), "'all' with CORTEX_TASKS_EAGER=true (the"
                    + " in-process queue cannot reach another process)");
        }
        if (Boolean.parseBoolean(s.oneOf("cortex.auth.enabled", "true", "false"))) {
            String admin = s.optional("cortex.auth.admin-key").orElse("");
            if (admin.length() < 24) {
                throw Settings.invalid("cortex.auth.admin-key", admin.isEmpty() ? "(empty)" : "(" + admin.length()
                        + " characters)", "a secret of at least 24 characters while CORTEX_AUTH_ENABLED is true");
            }
        }
        embeddedBroker(s);
        if (s.string("cortex.jobs.queue").equals(s.string("cortex.jobs.dead-letter-queue"))) {
            throw Settings.invalid("cortex.jobs.dead-letter-queue", s.string("cortex.jobs.dead-letter-queue"),
                    "a queue other than cortex.jobs.queue");
        }
        if (s.optional("cortex.broker.url").isEmpty()
                && s.positiveInt("cortex.broker.port") == s.positiveInt("cortex.http.port")) {
            throw Settings.invalid("cortex.broker.port", s.string("cortex.broker.port"),
                    "a port other than cortex.http.port: the embedded broker and HTTP cannot share one");
        }
    }

    /** The embedded broker's one user, and who may reach its acceptor (an external broker has its own rules). */
    private static void embeddedBroker(Settings s) {
        if (s.optional("cortex.broker.url").isPresent()) {
            return;
        }
        String user = s.optional("cortex.broker.user").orElse(null);
        String password = s.optional("cortex.broker.password").orElse(null);
        if ((user == null) != (password == null)) {
            throw Settings.invalid("cortex.broker.user", String.valueOf(user), "set together with"
                    + " CORTEX_BROKER_PASSWORD (the embedded broker's one user)");
        }
        String host = s.string("cortex.broker.host");
        String h = host.toLowerCase(Locale.ROOT);
        boolean loopback = h.equals("localhost") || h.equals("::1") || h.equals("[::1]") || h.startsWith("127.");
        if (user == null && !loopback) {
            // any process that reaches the acceptor could take job messages or publish forged events
            throw Settings.invalid("cortex.broker.host", host, "a loopback address, or set CORTEX_BROKER_USER"
                    + " and CORTEX_BROKER_PASSWORD: a broker reachable from other machines needs credentials");
        }
    }

    /** {@code a} (times {@code aScale}) is more than {@code b} (times {@code bScale}). */
    private static void longer(String a, long aScale, String b, long bScale, Settings s, String why) {
        if (s.positiveInt(a) * aScale <= s.positiveInt(b) * bScale) {
            throw Settings.invalid(a, s.string(a), "a value above " + b + " (" + s.string(b) + "): " + why);
        }
    }

    private static void notLess(String a, String b, Settings s) {
        if (s.nonNegativeInt(a) < s.nonNegativeInt(b)) {
            throw Settings.invalid(a, s.string(a), "at least " + b + " (" + s.string(b) + ")");
        }
    }

    private static Rule any() {
        return (s, k) -> {
        };
    }

    private static Rule text() {
        return (s, k) -> s.string(k);
    }

    private static Rule path() {
        return (s, k) -> s.path(k);
    }

    private static Rule positive() {
        return atLeast(1);
    }

    private static Rule atLeast(int min) {
        return between(min, Integer.MAX_VALUE);
    }

    private static Rule port() {
        return between(1, 65535);
    }

    private static Rule between(int min, int max) {
        return (s, k) -> s.intBetween(k, min, max);
    }

    private static Rule bool() {
        return oneOf("true", "false");
    }

    private static Rule oneOf(String... allowed) {
        return (s, k) -> s.oneOf(k, allowed);
    }

    private static Rule exactly(String... allowed) {
        return (s, k) -> s.exactlyOneOf(k, allowed);
    }

    private static Rule matching(Pattern pattern, String expected) {
        return (s, k) -> {
            String v = s.string(k);
            if (!pattern.matcher(v).matches()) {
                throw Settings.invalid(k, v, expected);
            }
        };
    }

    /** A browser origin: http(s)://host with an optional port, nothing after it. */
    private static void origin(String key, String origin) {
        try {
            URI uri = new URI(origin);
            boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            if (web && uri.getHost() != null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null) {
                return;
            }
        } catch (java.net.URISyntaxException e) {
            // refused below
        }
        throw Settings.invalid(key, origin, "origins such as https://app.example.org or http://localhost:3000"
                + " (scheme, host, optional port; comma list)");
    }

    /** An S3 endpoint: a URL with a host, or a bare host[:port] (its scheme from cortex.storage.secure). */
    private static void endpoint(String key, String value) {
        String url = value.contains("://") ? value : "http://" + value;
        try {
            URI uri = new URI(url);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return;
            }
        } catch (java.net.URISyntaxException e) {
            // refused below
        }
        throw Settings.invalid(key, value, "a URL such as http://minio:9000");
    }

    private static List<String> sorted(Set<String> values) {
        List<String> list = new ArrayList<>(values);
        list.sort(null);
        return list;
    }
}
