package routes.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

class AddressGuardTest {

    @Test
    void internalAddressesAreRecognised() throws Exception {
        for (String internal : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                "0.0.0.0", "100.64.0.1", "::1", "fe80::1", "fd00::1", "224.0.0.1",
                // IPv6 forms that carry an internal IPv4 address
                "::127.0.0.1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1",
                "2002:c0a8:0101::1", "2001:0:4136:e378:8000:63bf:80ff:fffe")) {
            assertThat(AddressGuard.internal(InetAddress.getByName(internal))).as(internal).isTrue();
        }
        for (String external : List.of("93.184.216.34", "8.8.8.8", "100.128.0.1", "2606:4700::1111",
                "64:ff9b::808:808", "2002:0808:0808::1")) {
            assertThat(AddressGuard.internal(InetAddress.getByName(external))).as(external).isFalse();
        }
    }

    @Test
    void privateHostsAreRefusedUnlessAllowed() {
        AddressGuard strict = new AddressGuard(false, List.of("files.internal.example", "127.0.0.1:8080", "[::1]"));
        assertThat(strict.refusal(URI.create("http://10.0.0.5/a.txt"))).get().asString().contains("10.0.0.5");
        assertThat(strict.refusal(URI.create("http://[::1]:8080/a.txt"))).as("::1 on its default ports only")
                .isPresent();
        assertThat(strict.refusal(URI.create("https://[::1]/a.txt"))).isEmpty();
        assertThat(strict.refusal(URI.create("http://127.0.0.1:8080/a.txt"))).isEmpty();
        // another port of an allowed host is another server
        assertThat(strict.refusal(URI.create("http://127.0.0.1:9090/a.txt"))).get().asString()
                .contains("other ports only");
        assertThat(strict.refusal(URI.create("http://127.0.0.1/a.txt"))).isPresent();
        assertThat(strict.refusal(URI.create("ftp://example.org/a.txt"))).get().asString().contains("only http");
        assertThat(new AddressGuard(true, List.of()).refusal(URI.create("http://10.0.0.5/a.txt"))).isEmpty();
    }

    @Test
    void kindsOfSourceUris() {
        assertThat(SourceKind.of("s3://bucket/key.txt")).isEqualTo(SourceKind.OBJECT);
        assertThat(SourceKind.of("/srv/docs/a.txt")).isEqualTo(SourceKind.LOCAL);
        assertThat(SourceKind.of("file:///srv/docs")).isEqualTo(SourceKind.LOCAL);
        assertThat(SourceKind.of("https://example.org/a.pdf")).isEqualTo(SourceKind.HTTP);
        assertThat(SourceKind.of("https://example.org/team/repo.git")).isEqualTo(SourceKind.GIT);
        assertThat(SourceKind.of("https://example.org/team/repo.git?ref=x")).isEqualTo(SourceKind.GIT);
        assertThat(SourceKind.of("git+https://example.org/team/repo")).isEqualTo(SourceKind.GIT);
        assertThat(SourceKind.of("git+file:///srv/repo")).isEqualTo(SourceKind.GIT);
        assertThat(SourceKind.gitUrl("git+file:///srv/repo")).isEqualTo("file:///srv/repo");
        assertThat(SourceKind.of("ftp://example.org/a")).isEqualTo(SourceKind.UNSUPPORTED);
        assertThat(SourceKind.of("relative/path")).isEqualTo(SourceKind.UNSUPPORTED);
    }
}
