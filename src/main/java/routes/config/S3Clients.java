package routes.config;

import java.net.URI;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The S3 client of the storage settings, for the S3 backend and the watched prefixes alike: path-style addressing
 * when an endpoint is set (MinIO, S3-compatible stores); credentials from the settings, or the AWS default chain
 * when they are empty.
 */
final class S3Clients {

    private S3Clients() {
    }

    static S3Client fromStorageSettings(Settings settings) {
        String region = settings.string("cortex.storage.region");
        S3ClientBuilder builder = S3Client.builder().region(Region.of(region)).httpClientBuilder(ApacheHttpClient.builder());
        settings.optional("cortex.storage.endpoint-url").ifPresent(endpoint -> {
            boolean secure = Boolean.parseBoolean(settings.oneOf("cortex.storage.secure", "true", "false"));
            String url = endpoint.contains("://") ? endpoint : (secure ? "https://" : "http://") + endpoint;
            try {
                builder.endpointOverride(URI.create(url)).forcePathStyle(true);
            } catch (IllegalArgumentException e) {
                throw Settings.invalid("cortex.storage.endpoint-url", endpoint, "a URL such as http://minio:9000");
            }
        });
        var accessKey = settings.optional("cortex.storage.access-key");
        if (accessKey.isPresent()) {
            builder.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey.get(),
                    settings.string("cortex.storage.secret-key"))));
        }
        return builder.build();
    }
}
