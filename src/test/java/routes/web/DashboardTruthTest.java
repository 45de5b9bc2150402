package routes.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import routes.support.ApiClient;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * The dashboard tells the truth and stays live (issue 25, items 1, 2 and 7): an action the service refused leaves the
 * row and says why beside it; a list that failed to load keeps its rows, marked stale; double actions never show a
 * job twice; a filtered view follows jobs into and out of its status; a dropped socket resumes after the last event
 * it saw, so a job created in the gap appears; and the small things a person notices. Each test opens its own
 * project; the faults come from {@link HeadlessChromium#FAULTS} and from the service itself (a cancel of a job that
 * completed while the page could not hear of it). No test may leave an uncaught error in the page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardTruthTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    TestApp app;
    HeadlessChromium chromium;
    ChromeDriver browser;
    WebDriverWait wait;
    Path dir;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        chromium = HeadlessChromium.start(dir, 1366, 900);
        browser = chromium.driver;
        wait = chromium.wait;
        app = TestApp.start(TestDatabase.sqlite(dir), dir.resolve("data"), Map.of(
                "cortex.testing.stage-delay-ms", "300", "cortex.worker.progress-interval-ms", "0",
                "cortex.local-source-roots", Files.createDirectories(dir.resolve("sources")).toString()));
    }

    @AfterAll
    void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @AfterEach
    void noUncaughtErrors() {
        assertThat(chromium.uncaughtErrors()).as("uncaught errors in the page").isEmpty();
    }

    private String project(String name) {
        return app.postJson("/api/projects", "{\"name\":\"" + name + "\"}").json().get("id").asText();
    }

    private String textJob(String project, String key, String content) throws Exception {
        ApiClient.Reply r = app.postJson("/api/projects/" + project + "/ingest", JSON.writeValueAsString(
                Map.of("source_type", "text", "content", content, "document_key", key)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("job_id").asText();
    }

    private String status(String project, String job) {
        return app.get("/api/projects/" + project + "/ingest/jobs/" + job).json().get("status").asText();
    }

    private void awaitStatus(String project, String job, String status) {
        Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> status(project, job).equals(status));
    }

    /** Opens the page on a project and waits for its live connection. */
    private void open(String project) {
        browser.get(app.uri("/").toString());
        wait.until(d -> new Select(d.findElement(By.id("project-select"))).getOptions().stream()
                .anyMatch(o -> project.equals(o.getAttribute("value"))));
        new Select(browser.findElement(By.id("project-select"))).selectByValue(project);
        wait.until(ExpectedConditions.textToBe(By.id("connection"), "Live"));
    }

    private WebElement row(String job) {
        return wait.until(d -> d.findElement(By.cssSelector("#jobs tr[data-job-id='" + job + "']")));
    }

    /** The refusal said in a job's row (an element with role alert), once there is one. */
    private String refusal(String job) {
        return wait.until(d -> {
            String text = row(job).findElement(By.cssSelector("[role=alert].row-error")).getText();
            return text.isEmpty() ? null : text;
        });
    }

    private List<String> rowIds() {
        return browser.findElements(By.cssSelector("#jobs tr")).stream().map(r -> r.getAttribute("data-job-id")).toList();
    }

    private void confirm(String action) {
        wait.until(d -> d.findElement(By.id("confirm")).isDisplayed());
        assertThat(browser.findElement(By.id("confirm-yes")).getText()).isEqualTo(action);
        browser.findElement(By.id("confirm-yes")).click();
    }

    @Test
    void aDeleteTheServiceRefusedKeepsTheRowAndSaysWhyBesideIt() throws Exception {
        String project = project("Refused delete");
        String job = textJob(project, "kept.txt", "a job the service will not let go");
        awaitStatus(project, job, "completed");
        open(project);
        chromium.refuse("DELETE", "/ingest/jobs/" + job, 503, "The database is unavailable; try again shortly");
        row(job).findElement(By.cssSelector("button.delete")).click();
        confirm("Delete job");
        // the row is redrawn as the job is read again: the refusal is read from the row as it is
        assertThat(refusal(job)).isEqualTo("Not deleted: The database is unavailable; try again shortly");
        assertThat(rowIds()).containsExactly(job);
        chromium.screenshot("truth-1-refused-delete");
        chromium.stopRefusing();
        // the next try goes through, and only then does the row go
        row(job).findElement(By.cssSelector("button.delete")).click();
        confirm("Delete job");
        wait.until(d -> rowIds().isEmpty());
        assertThat(app.get("/api/projects/" + project + "/ingest/jobs/" + job).status()).isEqualTo(404);
        assertThat(browser.findElement(By.id("jobs-empty")).getText()).isEqualTo("No jobs yet: create one above");
        // the service's own refusal: a job the row shows queued (the page heard nothing since) has started running
        chromium.script("window.__dropSockets()");
        List<String> waiting = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            waiting.add(textJob(project, "queued-" + i + ".txt", "A job that waits its turn. ".repeat(40)));
        }
        browser.findElement(By.id("refresh")).click();
        String queued = wait.until(d -> waiting.stream().filter(id -> rowIds().contains(id)
                && "queued".equals(row(id).getAttribute("data-status"))).reduce((x, y) -> y).orElse(null));
        Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> status(project, queued).equals("running"));
        row(queued).findElement(By.cssSelector("button.delete")).click();
        confirm("Delete job");
        String said = refusal(queued);
        assertThat(said).isEqualTo("Not deleted: Cancel the job first: it is running");
        assertThat(rowIds()).contains(queued);
        assertThat(app.get("/api/projects/" + project + "/ingest/jobs/" + queued).status()).isEqualTo(200);
        chromium.script("window.__blockSockets = false");
        waiting.forEach(id -> awaitStatus(project, id, "completed"));
    }

    @Test
    void aCancelOfAJobThatFinishedMeanwhileIsRefusedBesideTheRowWhichThenShowsTheTruth() throws Exception {
        String project = project("Refused cancel");
        open(project);
        // the page hears nothing more: the job runs and completes while the row still says running
        chromium.script("window.__dropSockets()");
        String job = textJob(project, "finishes-meanwhile.txt", "A document that completes while nobody listens. "
                .repeat(20));
        awaitStatus(project, job, "running");
        browser.findElement(By.id("refresh")).click();
        wait.until(d -> "running".equals(row(job).getAttribute("data-status")));
        awaitStatus(project, job, "completed");
        row(job).findElement(By.cssSelector("button.cancel")).click();
        confirm("Cancel job");
        assertThat(refusal(job)).isEqualTo("Not cancelled: Job cannot be cancelled. Current status: completed");
        // the row is read again after the refusal: it shows what the service has
        wait.until(d -> "completed".equals(row(job).getAttribute("data-status")));
        assertThat(browser.findElement(By.id("upload-status")).getText()).isEmpty();
        chromium.screenshot("truth-2-refused-cancel");
    }

    @Test
    void aListThatFailsToLoadKeepsItsRowsMarkedStaleWithTheReason() throws Exception {
        String project = project("Stale list");
        String first = textJob(project, "one.txt", "the first");
        String second = textJob(project, "two.txt", "the second");
        open(project);
        wait.until(d -> rowIds().size() == 2);
        chromium.refuse("GET", "/ingest/jobs?", 503, "The database is unavailable; try again shortly");
        browser.findElement(By.id("refresh")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("jobs-alert"),
                "Could not load the jobs: The database is unavailable; try again shortly"));
        assertThat(browser.findElement(By.id("jobs-alert")).getAttribute("role")).isEqualTo("alert");
        assertThat(rowIds()).containsExactlyInAnyOrder(first, second);
        assertThat(browser.findElement(By.id("jobs-panel")).getAttribute("class")).contains("stale");
        chromium.screenshot("truth-3-stale");
        chromium.stopRefusing();
        browser.findElement(By.id("refresh")).click();
        wait.until(ExpectedConditions.textToBe(By.id("jobs-alert"), ""));
        assertThat(browser.findElement(By.id("jobs-panel")).getAttribute("class")).doesNotContain("stale");
        assertThat(rowIds()).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void doubleActionsNeverShowAJobTwice() throws Exception {
        String project = project("Double clicks");
        List<String> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < 24; i++) {
            jobs.add(textJob(project, "doc-" + i + ".txt", "document " + i));
        }
        jobs.forEach(j -> awaitStatus(project, j, "completed"));
        open(project);
        wait.until(d -> rowIds().size() == 20);
        chromium.script("const b = document.getElementById('refresh'); b.click(); b.click();");
        // "Older jobs" is disabled while a load is in flight: a person clicks it once the list is back
        wait.until(d -> d.findElement(By.id("more")).isEnabled());
        assertThat(rowIds()).hasSize(20).doesNotHaveDuplicates();
        chromium.script("const b = document.getElementById('more'); b.click(); b.click();");
        wait.until(d -> rowIds().size() == 24);
        // and it stays so once the second clicks' answers are in too
        Awaitility.await().during(java.time.Duration.ofSeconds(1)).atMost(java.time.Duration.ofSeconds(5))
                .until(() -> rowIds().size() == 24);
        assertThat(rowIds()).hasSize(24).doesNotHaveDuplicates();
        // a quick switch of the filter: the last choice's rows, each once
        chromium.script("const f = document.getElementById('status-filter');"
                + " for (const v of ['failed', 'completed', '', 'completed']) { f.value = v;"
                + " f.dispatchEvent(new Event('change')); }");
        Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() -> {
            List<String> ids = rowIds();
            assertThat(ids).doesNotHaveDuplicates();
            assertThat(ids).hasSize(20);
            assertThat(browser.findElements(By.cssSelector("#jobs tr")))
                    .allMatch(r -> "completed".equals(r.getAttribute("data-status")));
        });
        assertThat(browser.findElement(By.id("jobs-total")).getText()).isEqualTo("Showing 20 of 24 completed jobs");
        // the chart counts what the service counts, not the 20 rows loaded
        assertThat(browser.findElement(By.id("chart-summary")).getText())
                .startsWith("24 jobs finished in the last hour: 24 completed, 0 failed, 0 cancelled; the busiest minute");
        assertThat(browser.findElement(By.id("chart")).getAttribute("aria-label"))
                .isEqualTo(browser.findElement(By.id("chart-summary")).getText());
        assertThat(browser.findElements(By.cssSelector("#chart text.tick"))).hasSizeGreaterThanOrEqualTo(5);
        assertThat(browser.findElement(By.cssSelector("#chart text.axis-label")).getText()).isEqualTo("jobs");
        assertThat(browser.findElements(By.cssSelector("#chart-minutes tr"))).isNotEmpty();
    }

    @Test
    void aFilteredViewShowsTheJobsThatEnterItsStatusAndDropsThoseThatLeave() throws Exception {
        String project = project("Filtered live view");
        open(project);
        new Select(browser.findElement(By.id("status-filter"))).selectByValue("running");
        wait.until(ExpectedConditions.textToBe(By.id("jobs-empty"), "No jobs match this filter"));
        String job = textJob(project, "enters-running.txt", "A job that runs for a while. ".repeat(30));
        // created queued (not in this view), then running: it appears; then completed: it goes
        wait.until(d -> rowIds().contains(job));
        chromium.screenshot("truth-4-filtered-running");
        wait.until(d -> !rowIds().contains(job));
        new Select(browser.findElement(By.id("status-filter"))).selectByValue("completed");
        wait.until(d -> rowIds().contains(job));
        String later = textJob(project, "completes-while-watched.txt", "Watched until it completes.");
        wait.until(d -> rowIds().equals(List.of(later, job)));
        assertThat(browser.findElement(By.id("jobs-total")).getText()).isEqualTo("Showing 2 of 2 completed jobs");
        // the chart follows: read again shortly after a job finishes
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("chart-summary"),
                "2 jobs finished in the last hour: 2 completed"));
    }

    @Test
    void aJobIsCreatedFromTextAndARefusedSourceOrRepositoryIsSaidInItsForm() throws Exception {
        String project = project("Created on the page");
        open(project);
        browser.findElement(By.id("text-content")).sendKeys("A note written on the page.");
        browser.findElement(By.id("text-key")).sendKeys("notes/page-note.md");
        browser.findElement(By.cssSelector("#text-form button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#text-form .create-status"),
                "Created job"));
        WebElement created = wait.until(d -> d.findElements(By.cssSelector("#jobs tr")).stream()
                .filter(r -> r.getText().contains("notes/page-note.md")).findFirst().orElse(null));
        String job = created.getAttribute("data-job-id");
        wait.until(d -> "completed".equals(row(job).getAttribute("data-status")));
        assertThat(browser.findElement(By.id("text-content")).getAttribute("value")).isEmpty();

        browser.findElement(By.id("source-uri")).sendKeys("relative/notes.txt");
        browser.findElement(By.cssSelector("#source-form button")).click();
        WebElement sourceError = wait.until(d -> {
            WebElement e = d.findElement(By.cssSelector("#source-form .create-error"));
            return e.getText().startsWith("Not created: ") ? e : null;
        });
        assertThat(sourceError.getAttribute("role")).isEqualTo("alert");
        assertThat(browser.findElement(By.id("source-uri")).getAttribute("value")).isEqualTo("relative/notes.txt");

        browser.findElement(By.id("repo-url")).sendKeys("https://127.0.0.1/private/project.git");
        browser.findElement(By.cssSelector("#repo-form button")).click();
        wait.until(d -> d.findElement(By.cssSelector("#repo-form .create-error")).getText().startsWith("Not created: "));
        chromium.screenshot("truth-7-create");
        assertThat(app.get("/api/projects/" + project + "/ingest/jobs").json().get("total").asInt()).isEqualTo(1);
        assertThat(rowIds()).containsExactly(job);
    }

    @Test
    void aDroppedSocketReconnectsAfterTheLastEventAndShowsWhatHappenedInTheGap() throws Exception {
        String project = project("Dropped socket");
        String before = textJob(project, "before.txt", "created before the drop");
        open(project);
        awaitStatus(project, before, "completed");
        wait.until(d -> "completed".equals(row(before).getAttribute("data-status")));
        chromium.script("window.__dropNetwork()");
        wait.until(d -> d.findElement(By.id("connection")).getText().startsWith("Reconnecting"));
        chromium.screenshot("truth-5-reconnecting");
        String gap = textJob(project, "in-the-gap.txt", "created while the page was not connected");
        awaitStatus(project, gap, "completed");
        // tries 1, 2, 4 s apart fail: the indicator stops saying it is about to reconnect and says Offline
        wait.until(d -> d.findElement(By.id("connection")).getText().startsWith("Offline: trying again in 8 s"));
        assertThat(rowIds()).doesNotContain(gap);
        chromium.script("window.__restoreNetwork()");
        wait.until(d -> "completed".equals(row(gap).getAttribute("data-status")));
        wait.until(ExpectedConditions.textToBe(By.id("connection"), "Live"));
        @SuppressWarnings("unchecked")
        List<String> urls = (List<String>) chromium.script("return window.__socketUrls");
        assertThat(urls.get(urls.size() - 1)).matches(".*/api/stream/projects/" + project + "/ingest\\?after=[1-9][0-9]*");
        assertThat(rowIds()).containsExactly(gap, before);
    }

    @Test
    void theDetailsAPersonNotices() throws Exception {
        // no project: no connection state; the favicon is served
        browser.get(app.uri("/").toString());
        assertThat(browser.findElement(By.id("connection")).getText()).isEmpty();
        ApiClient.Reply icon = app.get("/favicon.ico");
        assertThat(icon.status()).isEqualTo(200);
        assertThat(icon.headers().get("content-type")).containsExactly("image/svg+xml");
        assertThat(browser.findElement(By.cssSelector("link[rel=icon]")).getAttribute("href")).endsWith("/ui/favicon.svg");
        assertThat(app.get("/ui/favicon.svg").status()).isEqualTo(200);

        // two projects of one name are told apart
        String a = project("Same name");
        String b = project("Same name");
        browser.navigate().refresh();
        wait.until(d -> new Select(d.findElement(By.id("project-select"))).getOptions().size() > 2);
        List<String> labels = new Select(browser.findElement(By.id("project-select"))).getOptions().stream()
                .map(WebElement::getText).filter(t -> t.startsWith("Same name")).toList();
        assertThat(labels).containsExactlyInAnyOrder("Same name (" + a.substring(0, 8) + ")",
                "Same name (" + b.substring(0, 8) + ")");

        // rows: the document_key as the name, type and size, created time with the exact time on hover, attempts;
        // actions in order, named with the job's name; a failed job's first error line
        String named = textJob(a, "handbook.txt", "The handbook.");
        // text jobs without a key are named after their first words, not all "content.txt"
        String plainA = app.postJson("/api/projects/" + b + "/ingest", "{\"source_type\":\"text\",\"content\":"
                + "\"Minutes of the Monday meeting\"}").json().get("job_id").asText();
        String plainB = app.postJson("/api/projects/" + b + "/ingest", "{\"source_type\":\"text\",\"content\":"
                + "\"Budget for the next quarter\"}").json().get("job_id").asText();
        Path broken = Files.writeString(dir.resolve("broken.pdf"), "%PDF-1.4\nnot really a PDF\n",
                StandardCharsets.ISO_8859_1);
        String failed = app.upload("/api/projects/" + a + "/ingest/upload", "broken.pdf", Files.readAllBytes(broken),
                "application/pdf", null).json().get("job_id").asText();
        awaitStatus(a, named, "completed");
        awaitStatus(a, failed, "failed");
        open(a);
        WebElement row = row(named);
        wait.until(d -> "completed".equals(row(named).getAttribute("data-status")));
        assertThat(row(named).findElement(By.cssSelector(".job-name")).getText()).isEqualTo("handbook.txt");
        assertThat(row(named).findElement(By.cssSelector(".meta")).getText()).isEqualTo("text/plain · 13 B");
        assertThat(row(named).findElement(By.cssSelector("time.created")).getText()).endsWith("ago");
        assertThat(row(named).findElement(By.cssSelector("time.created")).getAttribute("title")).isNotBlank();
        assertThat(row(named).findElement(By.cssSelector(".attempts")).getText()).isEqualTo("1");
        // every status is marked as well as coloured (not by colour alone)
        assertThat(chromium.script("return getComputedStyle(arguments[0], '::before').content",
                row(named).findElement(By.cssSelector(".status")))).isEqualTo("\"\u2713\"");
        assertThat(row(named).findElements(By.cssSelector("button")).stream().map(e -> e.getAttribute("aria-label")))
                .containsExactly("Details handbook.txt", "Documents handbook.txt", "Delete handbook.txt");
        String error = app.get("/api/projects/" + a + "/ingest/jobs/" + failed).json().get("error_message").asText();
        wait.until(d -> "failed".equals(row(failed).getAttribute("data-status")));
        assertThat(row(failed).findElement(By.cssSelector(".job-error")).getText()).isEqualTo(error.split("\n")[0]);
        assertThat(browser.findElement(By.id("jobs-total")).getText()).isEqualTo("Showing 2 of 2 jobs");
        assertThat(row.isDisplayed()).isTrue();
        chromium.screenshot("truth-6-rows");
        chromium.fullPage("dashboard-full");

        // after a delete, focus goes to the next row
        List<String> ids = rowIds();
        row(ids.get(0)).findElement(By.cssSelector("button.delete")).click();
        confirm("Delete job");
        wait.until(d -> rowIds().size() == 1);
        assertThat(browser.switchTo().activeElement().findElement(By.xpath("ancestor::tr")).getAttribute("data-job-id"))
                .isEqualTo(ids.get(1));

        // a refused upload leaves the bar at 0 and says why; switching project empties the upload panel
        Path exe = Files.write(dir.resolve("program.exe"), new byte[] {'M', 'Z', (byte) 0x90, 0, 3, 0, 0, 0});
        browser.findElement(By.id("upload-file")).sendKeys(exe.toAbsolutePath().toString());
        browser.findElement(By.cssSelector("#upload-form button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("upload-error"), "Upload refused"));
        assertThat(browser.findElement(By.id("upload-progress")).getAttribute("value")).isEqualTo("0");
        assertThat(browser.findElement(By.id("upload-error")).getAttribute("role")).isEqualTo("alert");
        browser.findElement(By.id("upload-file")).sendKeys(broken.toAbsolutePath().toString());
        new Select(browser.findElement(By.id("project-select"))).selectByValue(b);
        wait.until(ExpectedConditions.textToBe(By.id("connection"), "Live"));
        wait.until(d -> rowIds().size() == 2);
        assertThat(row(plainA).findElement(By.cssSelector(".job-name")).getText()).isEqualTo("Minutes-of-the-Monday-meeting.txt");
        assertThat(row(plainB).findElement(By.cssSelector(".job-name")).getText()).isEqualTo("Budget-for-the-next-quarter.txt");
        assertThat(browser.findElement(By.id("upload-file")).getAttribute("value")).isEmpty();
        assertThat(browser.findElement(By.id("upload-error")).getText()).isEmpty();
        // choosing no project shows no connection state
        new Select(browser.findElement(By.id("project-select"))).selectByValue("");
        assertThat(browser.findElement(By.id("connection")).getText()).isEmpty();
    }

    @Test
    void aJobsDetailsHaveTheirOwnAddressAndShowEveryFieldItsEventsAndItsDocumentsInPages() throws Exception {
        String project = project("Details");
        // a failed job, opened from a shared link: its fields, its full error, its events
        Path broken = Files.writeString(dir.resolve("broken-details.pdf"), "%PDF-1.4\nnot really a PDF\n",
                StandardCharsets.ISO_8859_1);
        String failed = app.upload("/api/projects/" + project + "/ingest/upload", "broken-details.pdf",
                Files.readAllBytes(broken), "application/pdf", null).json().get("job_id").asText();
        awaitStatus(project, failed, "failed");
        String error = app.get("/api/projects/" + project + "/ingest/jobs/" + failed).json().get("error_message").asText();
        browser.get(app.uri("/").toString() + "#/projects/" + project + "/jobs/" + failed);
        wait.until(d -> d.findElement(By.id("job-dialog")).isDisplayed());
        assertThat(browser.findElement(By.id("job-heading")).getText()).isEqualTo("Job broken-details.pdf");
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("job-heading");
        assertThat(browser.findElement(By.cssSelector("#job-fields dd[data-field=status]")).getText()).isEqualTo("failed");
        assertThat(browser.findElements(By.cssSelector("#job-fields dt"))).hasSize(24);
        assertThat(browser.findElement(By.id("job-error")).getText()).isEqualTo(error.strip());
        wait.until(d -> d.findElement(By.id("job-events")).getText().contains("updated: failed"));
        assertThat(browser.findElement(By.id("job-events")).getText()).startsWith(
                browser.findElement(By.cssSelector("#job-events li time")).getText() + " created: queued");
        assertThat(browser.findElements(By.cssSelector("#job-actions button"))).extracting(e -> e.getAttribute("aria-label"))
                .containsExactly("Delete broken-details.pdf");
        chromium.screenshot("truth-8-details");
        browser.switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.ESCAPE);
        wait.until(d -> !d.findElement(By.id("job-dialog")).isDisplayed());
        assertThat(browser.getCurrentUrl()).endsWith("#/projects/" + project);

        // a tree of 60 files: its documents fifty at a time
        Path tree = Files.createDirectories(dir.resolve("sources/tree-of-60"));
        for (int i = 0; i < 60; i++) {
            Files.writeString(tree.resolve(String.format("file-%02d.txt", i)), "File number " + i + ".");
        }
        String treeJob = app.postJson("/api/projects/" + project + "/ingest/jobs",
                "{\"source_path\":\"" + tree + "\"}").json().get("id").asText();
        awaitStatus(project, treeJob, "completed");
        WebElement details = wait.until(d -> row(treeJob).findElement(By.cssSelector("button.details")));
        details.click();
        wait.until(d -> d.getCurrentUrl().endsWith("#/projects/" + project + "/jobs/" + treeJob));
        wait.until(ExpectedConditions.textToBe(By.id("job-documents-total"), "Showing 50 of 61 documents"));
        browser.findElement(By.id("job-more-documents")).click();
        wait.until(ExpectedConditions.textToBe(By.id("job-documents-total"), "Showing 61 of 61 documents"));
        assertThat(browser.findElement(By.id("job-more-documents")).isDisplayed()).isFalse();
        assertThat(browser.findElements(By.cssSelector("#job-documents li"))).hasSize(61);
        // back closes the details and gives focus back to the button that opened them; forward and reload reopen them
        browser.navigate().back();
        wait.until(d -> !d.findElement(By.id("job-dialog")).isDisplayed());
        assertThat(browser.switchTo().activeElement().getAttribute("aria-label")).isEqualTo("Details tree-of-60");
        browser.navigate().forward();
        wait.until(d -> d.findElement(By.id("job-dialog")).isDisplayed());
        browser.navigate().refresh();
        wait.until(d -> d.findElement(By.id("job-dialog")).isDisplayed());
        wait.until(ExpectedConditions.textToBe(By.id("job-documents-total"), "Showing 50 of 61 documents"));
        browser.findElement(By.id("job-close")).click();
        wait.until(d -> !d.findElement(By.id("job-dialog")).isDisplayed());
    }
}
