package routes.config;

import java.nio.file.Path;
import java.util.List;

import org.apache.camel.CamelContext;
import routes.health.DependencyCheck;
import routes.health.OutageLog;
import routes.health.Probes;
import routes.source.AddressGuard;
import routes.source.SourcePolicy;
import routes.storage.ContentTypes;
import routes.storage.LocalStorage;
import routes.storage.ObjectStore;
import routes.storage.S3Storage;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Storage and what a job may read: the object store (a local directory, or S3 and its bucket), its readiness probe,
 * the upload limits, the allowed content types, and the source policy (local roots apart from the service's own
 * data, the address guard for remote hosts).
 */
final class StorageConfiguration {

    /** What the other parts take from storage. */
    record Storage(long maxBytes, Path tempDir, String prefix, ObjectStore store, ContentTypes contentTypes,
            AddressGuard guard, SourcePolicy sources) {
    }

    private StorageConfiguration() {
    }

    static Storage bind(CamelContext context, Settings settings, Probes probes, String databaseUrl) throws Exception {
        long maxBytes = settings.positiveInt("cortex.storage.max-upload-mb") * 1024L * 1024L;
        Path tempDir = settings.path("cortex.storage.temp-dir");
        // "ingest/" and "/ingest" are "ingest": every key and every tenancy check uses the same form
        String prefix = settings.optional("cortex.storage.prefix").orElse("").replaceAll("^/+|/+$", "");
        // Local storage always exists: with the s3 backend it is only the root that local job sources may read.
        LocalStorage local = new LocalStorage(settings.path("cortex.storage.local-dir"), prefix);
        ObjectStore storage = settings.oneOf("cortex.storage.backend", "local", "s3").equals("s3")
                ? s3(context, settings, prefix) : local;
        probes.watch("storage", storage::check, new OutageLog("storage", "uploads are answered 503 and jobs wait to"
                + " fetch their stored copies"));
        context.getRegistry().bind("storageReadiness", new DependencyCheck("storage", probes, true));
        ContentTypes contentTypes = new ContentTypes(settings.list("cortex.storage.allowed-content-types"));
        List<Path> roots = settings.list("cortex.local-source-roots").stream()
                .map(r -> Path.of(r).toAbsolutePath().normalize()).toList();
        refuseRootsOverlappingTheData(settings, roots, databaseUrl);
        AddressGuard guard = new AddressGuard(
                Boolean.parseBoolean(settings.oneOf("cortex.fetch.allow-private", "true", "false")),
                settings.list("cortex.fetch.allowed-hosts"));
        SourcePolicy sources = new SourcePolicy(roots, local.root().resolve(prefix), storage, prefix, guard);

        return new Storage(maxBytes, tempDir, prefix, storage, contentTypes, guard, sources);
    }

    /**
     * A local source root that contains the service's data (or lies inside it) would let any project read the others'
     * uploads, the broker journal or the database file: start-up refuses it.
     */
    private static void refuseRootsOverlappingTheData(Settings settings, List<Path> roots, String databaseUrl) {
        List<Path> data = new java.util.ArrayList<>(List.of(settings.path("cortex.storage.local-dir"),
                settings.path("cortex.storage.temp-dir"), settings.path("cortex.broker.data-dir")));
        Path databaseFile = databaseUrl.startsWith("jdbc:sqlite:") ? Path.of(databaseUrl.substring(
                "jdbc:sqlite:".length()).replaceFirst("\\?.*$", "")).toAbsolutePath().normalize() : null;
        for (Path root : roots) {
            for (Path own : data) {
                if (own.startsWith(root) || root.startsWith(own)) {
                    throw Settings.invalid("cortex.local-source-roots", root.toString(),
                            "folders apart from the service's own data (" + own + ")");
                }
            }
            if (databaseFile != null && databaseFile.startsWith(root)) {
                throw Settings.invalid("cortex.local-source-roots", root.toString(),
                        "folders that do not hold the database file (" + databaseFile + ")");
            }
        }
    }

    /** The S3 backend; the bucket is created if missing. */
    private static ObjectStore s3(CamelContext context, Settings settings, String prefix) throws Exception {
        S3Client client = S3Clients.fromStorageSettings(settings);
        OpenResources.closeWithContext(context, client::close);
        String region = settings.string("cortex.storage.region");
        S3Storage storage = new S3Storage(client, settings.string("cortex.storage.bucket"), prefix, region);
        storage.ensureBucket();
        return storage;
    }
}
