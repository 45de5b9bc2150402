package routes.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import routes.source.Trees;
import routes.support.TestApp;
import routes.support.TestDatabase;
import routes.web.HeadlessChromium;

/**
 * The dashboard's weight and time to ready, in Debian's headless Chromium: a project of 60 jobs among 5 projects,
 * opened by its address ({@code /#/projects/{id}}) {@code bench.runs} (10) times, each a fresh load. Ready is the
 * page's own mark {@code cortex-ready} (the project's first page of jobs drawn), from the navigation's start; the
 * weight is the bytes and requests of the load (Resource Timing), the outside requests counted apart (there should
 * be none).
 */
public final class DashboardBench {

    private DashboardBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.getInteger("bench.runs", 10);
        Path dir = Files.createTempDirectory("dashboard-bench-");
        try (TestApp app = TestApp.start(TestDatabase.sqlite(dir), dir.resolve("data"), Map.of());
                HeadlessChromium chromium = HeadlessChromium.start(dir, 1366, 900)) {
            String project = null;
            for (int p = 0; p < 5; p++) {
                project = app.postJson("/api/projects", "{\"name\":\"bench " + p + "\"}").json().get("id").asText();
            }
            for (int i = 0; i < 60; i++) {
                app.postJson("/api/projects/" + project + "/ingest", "{\"source_type\":\"text\",\"content\":\"Document "
                        + i + " of the dashboard bench.\"}");
            }
            String url = app.uri("/").toString() + "#/projects/" + project;
            List<Double> ready = new ArrayList<>();
            String weight = "";
            for (int run = 0; run <= runs; run++) {
                chromium.driver.get("about:blank");
                chromium.driver.get(url);
                long deadline = System.currentTimeMillis() + 30_000;
                Object at = null;
                while (at == null && System.currentTimeMillis() < deadline) {
                    at = chromium.script("const m = performance.getEntriesByName('cortex-ready');"
                            + " return m.length ? m[0].startTime : null");
                    if (at == null) {
                        Thread.sleep(10);
                    }
                }
                if (at == null) {
                    throw new IllegalStateException("the page did not become ready in 30 s");
                }
                if (run > 0) { // the first load warms the service and the browser
                    ready.add(((Number) at).doubleValue());
                }
                weight = (String) chromium.script("const all = [performance.getEntriesByType('navigation')[0],"
                        + " ...performance.getEntriesByType('resource')];"
                        + " const outside = all.filter((e) => !e.name.startsWith(location.origin)).length;"
                        + " const bytes = all.reduce((n, e) => n + (e.encodedBodySize || 0), 0);"
                        + " return all.length + ' requests, ' + (bytes / 1024).toFixed(1) + ' KB of bodies, '"
                        + " + outside + ' outside the service: '"
                        + " + all.map((e) => e.name.replace(location.origin, '') + ' ' + (e.encodedBodySize || 0))"
                        + ".join(', ')");
            }
            Collections.sort(ready);
            System.out.printf(Locale.ROOT, "dashboard ready (navigation start to the first page of jobs drawn):"
                    + " median %.0f ms, min %.0f, max %.0f of %d loads%n", ready.get(ready.size() / 2), ready.get(0),
                    ready.get(ready.size() - 1), ready.size());
            System.out.println("one load: " + weight);
        } finally {
            Trees.delete(dir);
        }
        System.exit(0);
    }
}
