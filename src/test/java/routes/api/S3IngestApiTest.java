package routes.api;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import routes.support.S3ProxyServer;
import routes.support.TestDatabase;
import software.amazon.awssdk.services.s3.S3Client;

/** The HTTP contract, uploads included, on the S3 backend (a real S3 protocol server) and SQLite. */
class S3IngestApiTest extends IngestApiContract {

    private static final String BUCKET = "cortex-contract";

    private S3ProxyServer s3;
    private S3Client client;

    @Override
    String databaseUrl(Path dir) {
        return TestDatabase.sqlite(dir);
    }

    @Override
    Map<String, String> storageSettings(Path dir) {
        s3 = S3ProxyServer.start(dir);
        client = s3.client();
        return Map.of("cortex.storage.backend", "s3",
                "cortex.storage.bucket", BUCKET,
                "cortex.storage.endpoint-url", s3.endpoint(),
                "cortex.storage.access-key", S3ProxyServer.ACCESS_KEY,
                "cortex.storage.secret-key", S3ProxyServer.SECRET_KEY);
    }

    @Override
    long storedObjects() {
        return client.listObjectsV2(b -> b.bucket(BUCKET)).keyCount();
    }

    @Override
    String storedUriScheme() {
        return "s3://" + BUCKET + "/";
    }

    @AfterAll
    void stopS3() {
        client.close();
        s3.close();
    }
}
