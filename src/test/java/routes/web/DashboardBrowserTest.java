package routes.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
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
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromium-driver): create a project, upload a file
 * and see the upload progress, watch the job's progress bar reach 100 % and its status become completed without a
 * reload, cancel a slow job, delete a job after confirming, open a job's chunks. Screenshots go to
 * target/screenshots ({@link HeadlessChromium}: without Chromium the test says so loudly and does not pass).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {

    TestApp app;
    HeadlessChromium chromium;
    ChromeDriver browser;
    WebDriverWait wait;
    Path dir;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        chromium = HeadlessChromium.start(dir, 1280, 1000);
        browser = chromium.driver;
        wait = chromium.wait;
        app = TestApp.start(TestDatabase.sqlite(dir), dir.resolve("data"), Map.of(
                "cortex.testing.stage-delay-ms", "400", "cortex.worker.progress-interval-ms", "0"));
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

    private void screenshot(String name) throws Exception {
        chromium.screenshot(name);
    }

    private WebElement row(String fileName) {
        return wait.until(d -> d.findElements(By.cssSelector("#jobs tr")).stream()
                .filter(r -> r.getText().contains(fileName)).findFirst().orElse(null));
    }

    /** Clicks a button of a job's row; the row is redrawn on every live event, so a stale element is looked up again. */
    private void click(String fileName, String button) {
        wait.ignoring(org.openqa.selenium.NoSuchElementException.class).until(d -> {
                    row(fileName).findElement(By.cssSelector(button)).click();
                    return true;
                });
    }

    private String text(String fileName, String selector) {
        return wait.until(d -> row(fileName).findElement(By.cssSelector(selector)).getText());
    }

    private void upload(String fileName, String content) throws Exception {
        Path file = Files.writeString(dir.resolve(fileName), content, StandardCharsets.UTF_8);
        browser.findElement(By.id("upload-file")).sendKeys(file.toAbsolutePath().toString());
        browser.findElement(By.cssSelector("#upload-form button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("upload-status"), "Uploaded " + fileName));
    }

    private void confirm() {
        wait.until(d -> d.findElement(By.id("confirm")).isDisplayed());
        browser.findElement(By.id("confirm-yes")).click();
    }

    @Test
    void withApiKeysOnThePageAsksForAKeyAndWorksWithAProjectsKey() throws Exception {
        String admin = "admin-key-for-the-browser-test";
        try (TestApp secured = TestApp.start(TestDatabase.sqlite(dir.resolve("auth")), dir.resolve("auth-data"),
                // eager: the in-VM broker address is the other app's while both run in this JVM
                Map.of("cortex.auth.enabled", "true", "cortex.auth.admin-key", admin, "cortex.tasks.eager", "true"))) {
            var created = secured.send(java.net.http.HttpRequest.newBuilder(secured.uri("/api/projects"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"Keyed project\"}"))).json();
            String key = created.at("/api_key/key").asText();
            browser.get(secured.uri("/").toString());
            // the project list answers 401: the page asks for a key
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key-form")));
            browser.findElement(By.id("api-key")).sendKeys(key);
            browser.findElement(By.cssSelector("#key-form button")).click();
            wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("key-form")));
            wait.until(d -> new Select(d.findElement(By.id("project-select"))).getOptions().stream()
                    .anyMatch(o -> o.getText().equals("Keyed project")));
            new Select(browser.findElement(By.id("project-select"))).selectByVisibleText("Keyed project");
            // the WebSocket takes the key as access_token, the upload as its Authorization header
            wait.until(ExpectedConditions.textToBe(By.id("connection"), "Live"));
            upload("keyed.txt", "uploaded through the page with a project key");
            try {
                wait.until(d -> text("keyed.txt", ".status").equals("completed"));
            } finally {
                screenshot("dashboard-with-key");
            }
        }
    }

    @Test
    void aPersonIngestsWatchesCancelsDeletesAndReadsChunks() throws Exception {
        browser.get(app.uri("/").toString());
        assertThat(browser.getTitle()).isEqualTo("Cortex Ingest");
        assertThat(browser.findElement(By.id("key-form")).isDisplayed()).as("no key asked for without auth").isFalse();

        // create a project
        browser.findElement(By.id("project-name")).sendKeys("Browser project");
        browser.findElement(By.cssSelector("#project-form button")).click();
        wait.until(d -> new Select(d.findElement(By.id("project-select"))).getFirstSelectedOption().getText()
                .equals("Browser project"));
        wait.until(ExpectedConditions.textToBe(By.id("connection"), "Live"));

        // upload a file: the upload bar fills, the job's bar reaches 100 % and it completes, with no reload
        String text = "The handbook of the browser test.\n\n" + "A paragraph about ingesting documents. ".repeat(400);
        upload("handbook.txt", text);
        assertThat(browser.findElement(By.id("upload-progress")).getAttribute("value")).isEqualTo("100");
        screenshot("1-uploaded");
        wait.until(d -> text("handbook.txt", ".status").equals("completed"));
        String progress = wait.until(d -> row("handbook.txt").findElement(By.cssSelector("progress")).getAttribute("value"));
        assertThat(progress).isEqualTo("100");
        screenshot("2-completed");

        // a slow job is cancelled after confirming
        upload("slow.txt", "A slow document. ".repeat(50));
        click("slow.txt", "button.cancel");
        confirm();
        wait.until(d -> text("slow.txt", ".status").equals("cancelled"));
        screenshot("3-cancelled");

        // the cancelled job is deleted after confirming: gone from the page and from the API
        String slowId = wait.until(d -> row("slow.txt").getAttribute("data-job-id"));
        click("slow.txt", "button.delete");
        confirm();
        wait.until(d -> d.findElements(By.cssSelector("tr[data-job-id='" + slowId + "']")).isEmpty());
        String project = new Select(browser.findElement(By.id("project-select"))).getFirstSelectedOption()
                .getAttribute("value");
        assertThat(app.get("/api/projects/" + project + "/ingest/jobs/" + slowId).status()).isEqualTo(404);

        // the completed job's documents and chunks, in its details; Escape closes them and focus goes back
        click("handbook.txt", "button.docs");
        wait.until(d -> !d.findElements(By.cssSelector("#job-dialog button.chunks-of")).isEmpty());
        browser.findElement(By.cssSelector("#job-dialog button.chunks-of")).click();
        wait.until(d -> !d.findElements(By.cssSelector("#job-chunks li")).isEmpty());
        assertThat(browser.findElement(By.cssSelector("#job-chunks li")).getText()).contains("handbook of the browser test");
        assertThat(browser.findElement(By.id("chart")).getAttribute("aria-label")).contains("finished in the last hour");
        screenshot("4-chunks");
        browser.switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.ESCAPE);
        wait.until(d -> !d.findElement(By.id("job-dialog")).isDisplayed());
        assertThat(browser.switchTo().activeElement().getAttribute("aria-label")).isEqualTo("Documents handbook.txt");

        // search the project: results with the document's path, the matched words marked, a link to the chunk
        browser.findElement(By.id("search-query")).sendKeys("handbook about ingesting");
        browser.findElement(By.cssSelector("#search-form button")).click();
        wait.until(d -> !d.findElements(By.cssSelector("#results li.result")).isEmpty());
        WebElement first = browser.findElement(By.cssSelector("#results li.result"));
        assertThat(first.findElement(By.cssSelector("a.chunk-link")).getText()).isEqualTo("handbook.txt");
        assertThat(first.findElement(By.cssSelector("a.chunk-link")).getAttribute("href"))
                .contains("/api/projects/" + project + "/chunks/");
        assertThat(first.findElements(By.cssSelector(".snippet mark"))).extracting(WebElement::getText).isNotEmpty()
                .allMatch(w -> w.toLowerCase().startsWith("handbook") || w.toLowerCase().startsWith("about")
                        || w.toLowerCase().startsWith("inges"));
        assertThat(browser.findElement(By.id("search-status")).getText()).contains("result");
        screenshot("5-search");
        first.findElement(By.cssSelector("a.chunk-link")).click();
        wait.until(ExpectedConditions.textToBe(By.id("detail-heading"), "Chunk"));
        assertThat(browser.findElement(By.cssSelector("#chunks li")).getText()).contains("ingesting documents");
        assertThat(browser.findElements(By.cssSelector("#chunks li mark"))).isNotEmpty();
        // a hostile text is shown as text, never run
        upload("hostile.txt", "<img src=x onerror=\"document.title='owned'\"> a hostile snippet");
        wait.until(d -> text("hostile.txt", ".status").equals("completed"));
        WebElement query = browser.findElement(By.id("search-query"));
        query.clear();
        query.sendKeys("hostile snippet");
        browser.findElement(By.cssSelector("#search-form button")).click();
        wait.until(d -> d.findElements(By.cssSelector("#results li.result")).stream()
                .anyMatch(r -> r.getText().contains("<img src=x")));
        assertThat(browser.getTitle()).isEqualTo("Cortex Ingest");
        assertThat(browser.findElements(By.cssSelector("#results img"))).isEmpty();

        // readable at phone width
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 900));
        screenshot("6-phone");
        // nothing wider than the window: no sideways scrolling at phone width
        Object wide = chromium.script("return [...document.querySelectorAll('body *')].filter((e) =>"
                + " e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && e.offsetParent !== null)"
                + ".map((e) => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8)");
        assertThat((java.util.List<?>) wide).as("elements wider than a phone's window").isEmpty();
        boolean shown = wait.until(d -> row("handbook.txt").isDisplayed());
        assertThat(shown).isTrue();
    }
}
