package routes.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

class ObjectKeysTest {

    @Test
    void keysAreScopedByProjectAndJob() {
        UUID p = UUID.randomUUID();
        UUID j = UUID.randomUUID();
        assertThat(ObjectKeys.key("ingest/", p, j, "a.txt")).isEqualTo("ingest/" + p + "/" + j + "/a.txt");
        assertThat(ObjectKeys.key("", p, j, "a.txt")).isEqualTo(p + "/" + j + "/a.txt");
    }

    @Test
    void namesCannotEscapeTheirFolder() {
        assertThat(ObjectKeys.sanitize("../../etc/passwd")).isEqualTo("passwd");
        assertThat(ObjectKeys.sanitize("..")).isEqualTo("upload");
        assertThat(ObjectKeys.sanitize("a\\b\\c.txt")).isEqualTo("c.txt");
        assertThat(ObjectKeys.sanitize("bad\u0000name\n.txt")).isEqualTo("badname.txt");
        assertThat(ObjectKeys.sanitize(".hidden")).isEqualTo("hidden");
        assertThat(ObjectKeys.sanitize("my report (final).pdf")).isEqualTo("my_report_final_.pdf");
        assertThat(ObjectKeys.sanitize(null)).isEqualTo("upload");
    }

    @Test
    void longNamesKeepTheirExtension() {
        String name = ObjectKeys.sanitize("x".repeat(500) + ".markdown");
        assertThat(name).hasSize(ObjectKeys.MAX_NAME).endsWith(".markdown");
    }
}
