package routes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * A bad setting stops start-up with a message that names the property and its environment variable, and closes what
 * start-up had opened by then (the database pool).
 */
class StartupSettingsTest {

    @TempDir
    Path tmp;

    private long poolsBefore;

    @BeforeEach
    void countPools() {
        poolsBefore = TestApp.openDatabasePools();
    }

    @AfterEach
    void noPoolLeftOpen() {
        assertThat(TestApp.openDatabasePools()).as("database pools left by a failed start").isEqualTo(poolsBefore);
    }

    @Test
    void badNumberNamesTheSetting() {
        assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp, Map.of("cortex.chunk.size", "big")))
                .hasStackTraceContaining("cortex.chunk.size (CORTEX_CHUNK_SIZE) = 'big'");
    }

    @Test
    void overlapMustBeSmallerThanTheChunk() {
        assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp,
                Map.of("cortex.chunk.size", "100", "cortex.chunk.overlap", "100")))
                .hasStackTraceContaining("CORTEX_CHUNK_OVERLAP");
    }

    @Test
    void unknownBackendNamesTheChoices() {
        assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp, Map.of("cortex.storage.backend", "ftp")))
                .hasStackTraceContaining("CORTEX_STORAGE_BACKEND").hasStackTraceContaining("one of local");
    }

    @Test
    void unsupportedDatabaseUrlNamesTheSetting() {
        assertThatThrownBy(() -> TestApp.start("jdbc:mysql://localhost/x", tmp, Map.of()))
                .hasStackTraceContaining("CORTEX_DATABASE_URL");
    }

    @Test
    void eagerModeIsForASingleProcess() {
        assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp,
                Map.of("cortex.tasks.eager", "true", "cortex.role", "api")))
                .hasStackTraceContaining("CORTEX_ROLE");
        assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp, Map.of("cortex.role", "both")))
                .hasStackTraceContaining("one of all, api, worker");
    }

    @Test
    void watchedPrefixesMustLieApartFromWhereObjectsAreMovedOrStored() {
        for (String prefixes : new String[] {"processed/inbox/", "inbox/,rejected/", "ingest/", "inbox", ""}) {
            assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp,
                    Map.of("cortex.watch.enabled", "true", "cortex.watch.prefixes", prefixes)))
                    .as(prefixes).hasStackTraceContaining("CORTEX_WATCH_PREFIXES");
        }
        assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp,
                Map.of("cortex.watch.enabled", "true", "cortex.watch.after-read", "archive")))
                .hasStackTraceContaining("CORTEX_WATCH_AFTER_READ").hasStackTraceContaining("one of move, delete, mirror");
    }

    @Test
    void localSourceRootsMustNotExposeTheServicesOwnData() {
        // the data directory itself, a folder inside it, a folder holding it, the database file's folder
        for (Path root : new Path[] {tmp.resolve("storage"), tmp.resolve("storage/some-project"), tmp, tmp.getRoot()}) {
            assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp,
                    Map.of("cortex.local-source-roots", root.toString())))
                    .as(root.toString()).hasStackTraceContaining("CORTEX_LOCAL_SOURCE_ROOTS");
        }
    }
}
