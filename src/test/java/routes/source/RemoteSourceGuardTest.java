package routes.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.failure.PermanentFailure;
import routes.support.FileServer;
import routes.support.GitHttpServer;
import routes.support.SampleTree;

/**
 * Remote sources reach only checked addresses, on every hop: a git server's redirect into the internal network is
 * refused (JGit followed it before), and a name that resolves to a public address for the check and to loopback for
 * the connection (DNS rebinding) never reaches the loopback server, for http files and git clones alike.
 */
class RemoteSourceGuardTest {

    @TempDir
    Path tmp;

    GitHttpServer git;
    GuardedHttpClient client;

    @BeforeEach
    void serveARepository() {
        git = new GitHttpServer(SampleTree.gitRepository(tmp.resolve("repo")));
    }

    @AfterEach
    void stop() throws Exception {
        git.close();
        if (client != null) {
            client.close();
        }
    }

    private RepositoryCloner cloner(AddressGuard guard) {
        client = new GuardedHttpClient(guard, Duration.ofMillis(500), Duration.ofSeconds(5));
        return new RepositoryCloner(guard, client, Duration.ofSeconds(10), 1L << 30, 100_000);
    }

    private HttpFetcher fetcher(AddressGuard guard) {
        client = new GuardedHttpClient(guard, Duration.ofMillis(500), Duration.ofSeconds(5));
        return new HttpFetcher(guard, client, 1024 * 1024, Duration.ofMillis(500), Duration.ofSeconds(5), 3);
    }

    @Test
    void aRepositoryIsClonedOverSmartHttp() {
        Path clone = cloner(new AddressGuard(false, List.of("127.0.0.1:" + git.port()))).cloneInto(git.url("/repo.git"), tmp);
        assertThat(clone.resolve("README.md")).exists();
        assertThat(git.requests()).anyMatch(r -> r.startsWith("POST /repo.git/git-upload-pack"));
    }

    @Test
    void aGitRedirectIntoTheInternalNetworkIsRefused() {
        // the public server (allowed) sends the clone to localhost, which the guard does not allow
        git.redirectMovedTo("http://localhost:" + git.port() + "/");
        RepositoryCloner cloner = cloner(new AddressGuard(false, List.of("127.0.0.1:" + git.port())));
        assertThatThrownBy(() -> cloner.cloneInto(git.url("/moved/repo.git"), tmp))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("Refused to clone").hasMessageContaining("localhost");
        assertThat(git.requests()).allMatch(r -> r.contains("/moved/"));
        assertThat(tmp).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith("clone-"));
    }

    @Test
    void aGitRedirectToAnAllowedHostIsFollowed() {
        // the same redirect, with localhost allowed: proves the refusal above is the guard's, not a broken redirect
        git.redirectMovedTo("http://localhost:" + git.port() + "/");
        Path clone = cloner(new AddressGuard(false, List.of("127.0.0.1:" + git.port(), "localhost:" + git.port())))
                .cloneInto(git.url("/moved/repo.git"), tmp);
        assertThat(clone.resolve("README.md")).exists();
        assertThat(git.requests()).anyMatch(r -> r.startsWith("GET /repo.git/info/refs"));
    }

    @Test
    void aRedirectToAnotherPortOfAnAllowedHostIsRefused() throws Exception {
        // an entry with a port allows that port: another port of the same host is another server
        try (FileServer allowed = new FileServer(); FileServer other = new FileServer()) {
            other.file("/secret.txt", "text/plain", "not for you".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            allowed.redirect("/doc.txt", other.url("/secret.txt"));
            HttpFetcher fetcher = fetcher(new AddressGuard(false, List.of(allowed.hostAndPort())));
            assertThatThrownBy(() -> fetcher.download(java.net.URI.create(allowed.url("/doc.txt")).toString(), tmp,
                    routes.source.Checkpoint.NONE)).isInstanceOf(PermanentFailure.class)
                    .hasMessageContaining("other ports only");
        }
    }

    /** Public (TEST-NET-3, never answers) for the first question, loopback for every one after. */
    private static AddressGuard rebinding(AtomicInteger lookups) {
        return new AddressGuard(false, List.of(), host -> {
            if (!host.equals("rebind.example")) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName(lookups.getAndIncrement() == 0 ? "203.0.113.7"
                    : "127.0.0.1")};
        });
    }

    @Test
    void aCloneConnectsOnlyToTheAddressesItChecked() {
        AtomicInteger lookups = new AtomicInteger();
        RepositoryCloner cloner = cloner(rebinding(lookups));
        assertThatThrownBy(() -> cloner.cloneInto("http://rebind.example:" + git.port() + "/repo.git", tmp))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("127.0.0.1");
        assertThat(lookups.get()).isGreaterThanOrEqualTo(2);
        assertThat(git.requests()).isEmpty();
    }

    @Test
    void aDownloadConnectsOnlyToTheAddressesItChecked() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        HttpFetcher fetcher = fetcher(rebinding(lookups));
        assertThatThrownBy(() -> fetcher.download("http://rebind.example:" + git.port() + "/repo.git/HEAD", tmp))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("Refused to fetch");
        assertThat(git.requests()).isEmpty();
        try (var left = Files.list(tmp)) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("fetch-"))).isEmpty();
        }
    }

    @Test
    void everyAddressOfAHostIsChecked() {
        AddressGuard guard = new AddressGuard(false, List.of(), host -> new InetAddress[] {
                InetAddress.getByName("93.184.216.34"), InetAddress.getByName("169.254.169.254")});
        assertThatThrownBy(() -> guard.checkedAddresses("mixed.example", 80))
                .isInstanceOf(AddressGuard.Refused.class).hasMessageContaining("169.254.169.254");
    }
}
