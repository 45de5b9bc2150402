package routes.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by its chromedriver, for the dashboard's tests. Without the browser the test says
 * so loudly and does not count as passed; where CORTEX_BROWSER_TESTS=required (CI) a missing browser fails it.
 * Every page it opens first runs {@link #FAULTS}: the page's WebSockets can be dropped and kept from reconnecting
 * (alone, or with every request: the network gone), an API request can be answered with a refusal as the service
 * would answer it, and uncaught errors are recorded.
 */
public final class HeadlessChromium implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    /** Runs before the page's own script on every page (Chrome DevTools' Page.addScriptToEvaluateOnNewDocument). */
    static final String FAULTS = """
            (() => {
              const NativeSocket = window.WebSocket;
              window.__sockets = []; window.__socketUrls = []; window.__blockSockets = false;
              window.WebSocket = function (url, protocols) {
                window.__socketUrls.push(String(url));
                // a blocked socket goes to a port nothing listens on: it fails as a dropped network would
                const socket = new NativeSocket(window.__blockSockets ? 'ws://127.0.0.1:9/' : url, protocols);
                window.__sockets.push(socket);
                return socket;
              };
              window.WebSocket.prototype = NativeSocket.prototype;
              Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
              window.__dropSockets = () => { window.__blockSockets = true; window.__sockets.forEach((s) => s.close()); };
              // the network as a whole: sockets and requests fail until it is restored
              window.__network = true;
              window.__dropNetwork = () => { window.__network = false; window.__dropSockets(); };
              window.__restoreNetwork = () => { window.__network = true; window.__blockSockets = false; };
              const nativeFetch = window.fetch.bind(window);
              window.__refusals = []; window.__requests = [];
              window.fetch = (input, init) => {
                const method = (init && init.method) || 'GET';
                const url = String(input);
                window.__requests.push(method + ' ' + url);
                if (!window.__network) return Promise.reject(new TypeError('Failed to fetch'));
                const refusal = window.__refusals.find((r) => r.method === method && url.includes(r.path));
                if (refusal) {
                  return Promise.resolve(new Response(JSON.stringify({ detail: refusal.detail }),
                    { status: refusal.status, headers: { 'Content-Type': 'application/json' } }));
                }
                return nativeFetch(input, init);
              };
              window.__errors = [];
              window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
              window.addEventListener('unhandledrejection', (e) => window.__errors.push(String(e.reason)));
            })();
            """;

    public final ChromeDriver driver;
    final WebDriverWait wait;

    private HeadlessChromium(ChromeDriver driver) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        // rows and lists are redrawn on every live event: an element found a moment ago may be gone; look again
        wait.ignoring(StaleElementReferenceException.class);
        wait.ignoring(NoSuchElementException.class);
    }

    /** Starts the browser (a window of the given size, its profile under {@code dir}), or aborts the test without it. */
    public static HeadlessChromium start(Path dir, int width, int height) throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!present) {
            String message = "BROWSER TEST NOT RUN: " + CHROMIUM + " or " + DRIVER + " is missing"
                    + " (apt-get install chromium chromium-driver); it does not count as passed";
            System.err.println("\n!!!!! " + message + " !!!!!\n");
            if ("required".equals(System.getenv("CORTEX_BROWSER_TESTS"))) {
                throw new IllegalStateException(message);
            }
            Assumptions.abort(message);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=" + width + "," + height,
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", FAULTS));
        Files.createDirectories(SCREENSHOTS);
        return new HeadlessChromium(driver);
    }

    public Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The uncaught errors and unhandled rejections of the page so far. */
    @SuppressWarnings("unchecked")
    List<String> uncaughtErrors() {
        return (List<String>) script("return window.__errors || []");
    }

    /** From now on, requests of this method whose URL holds {@code path} are answered with this refusal. */
    void refuse(String method, String path, int status, String detail) {
        script("window.__refusals.push({ method: arguments[0], path: arguments[1], status: arguments[2],"
                + " detail: arguments[3] })", method, path, status, detail);
    }

    void stopRefusing() {
        script("window.__refusals = []");
    }

    void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** The whole page, not only the window (for docs/dashboard.md): the window grows to the page, then back. */
    void fullPage(String name) throws Exception {
        org.openqa.selenium.Dimension size = driver.manage().window().getSize();
        long height = ((Number) script("return document.documentElement.scrollHeight")).longValue();
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(size.getWidth(), (int) Math.min(height + 140, 4000)));
        try {
            screenshot(name);
        } finally {
            driver.manage().window().setSize(size);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
