package routes.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import routes.api.ErrorResponses;
import routes.api.HttpErrorPages;
import routes.api.Json;
import routes.db.Database;
import routes.job.JobApi;
import routes.job.JobIntake;
import routes.job.JobStore;
import routes.job.SourcePolicy;
import routes.processing.ChunkSplitter;
import routes.processing.DocumentStore;
import routes.processing.JobWorker;
import routes.processing.TextExtractor;
import routes.project.ProjectApi;
import routes.project.ProjectStore;
import routes.storage.ContentTypes;
import routes.storage.LocalStorage;
import routes.storage.MultipartReceiver;

/**
 * Builds the application's beans from validated settings and binds them under the names the YAML routes use.
 * Runs before any route starts, so a bad setting stops start-up with a message naming it.
 */
@Configuration
public class CortexConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context.getPropertiesComponent());
        Registry registry = context.getRegistry();

        ObjectMapper json = Json.mapper();
        registry.bind("cortexJson", json);

        String url = settings.string("cortex.database.url");
        if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
            throw Settings.invalid("cortex.database.url", url, "a jdbc:sqlite: or jdbc:postgresql: URL");
        }
        Database db = new Database(url,
                settings.optional("cortex.database.user").orElse(null),
                settings.optional("cortex.database.password").orElse(null),
                settings.positiveInt("cortex.database.pool-size"));
        closeOnStop(context, db);
        db.migrate();

        settings.oneOf("cortex.storage.backend", "local");
        long maxBytes = settings.positiveInt("cortex.storage.max-upload-mb") * 1024L * 1024L;
        Path tempDir = settings.path("cortex.storage.temp-dir");
        String prefix = settings.optional("cortex.storage.prefix").orElse("");
        LocalStorage storage = new LocalStorage(settings.path("cortex.storage.local-dir"), prefix);
        ContentTypes contentTypes = new ContentTypes(settings.list("cortex.storage.allowed-content-types"));
        List<Path> roots = settings.list("cortex.local-source-roots").stream()
                .map(r -> Path.of(r).toAbsolutePath().normalize()).toList();
        SourcePolicy sources = new SourcePolicy(roots, storage.root().resolve(prefix));

        ProjectStore projects = new ProjectStore(db);
        JobStore jobs = new JobStore(db);
        JobIntake intake = new JobIntake(jobs, projects, storage, contentTypes, tempDir, maxBytes);
        registry.bind("projectApi", new ProjectApi(projects, json));
        DocumentStore documents = new DocumentStore(db);
        registry.bind("jobApi", new JobApi(projects, jobs, intake, sources, new MultipartReceiver(tempDir, maxBytes),
                documents, json));
        registry.bind("jobStore", jobs);
        registry.bind("errorResponses", new ErrorResponses());

        // Used by the YAML routes; checked here so that a bad value stops start-up with its name.
        settings.positiveInt("cortex.worker.concurrency");
        settings.positiveInt("cortex.jobs.queue-size");
        settings.positiveInt("cortex.recovery.period-ms");
        settings.nonNegativeInt("cortex.recovery.stale-seconds");
        ChunkSplitter splitter = chunkSplitter(settings);
        registry.bind("jobWorker", new JobWorker(jobs, documents, new TextExtractor(), splitter,
                Duration.ofSeconds(settings.positiveInt("cortex.worker.lease-seconds")),
                settings.positiveInt("cortex.index.max-file-kb") * 1024L));

        context.addStartupListener(new HttpErrorPages());
    }

    private static ChunkSplitter chunkSplitter(Settings settings) {
        int size = settings.positiveInt("cortex.chunk.size");
        int overlap = settings.nonNegativeInt("cortex.chunk.overlap");
        if (overlap >= size) {
            throw Settings.invalid("cortex.chunk.overlap", String.valueOf(overlap),
                    "a number smaller than cortex.chunk.size (" + size + ")");
        }
        return new ChunkSplitter(size, overlap);
    }

    private static void closeOnStop(CamelContext context, Database db) {
        try {
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    db.close();
                }
            }, true, true);
        } catch (Exception e) {
            db.close();
            throw new IllegalStateException("cannot register the database for shutdown", e);
        }
    }
}
