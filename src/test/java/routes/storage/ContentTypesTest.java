package routes.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import routes.failure.InvalidRequest;

class ContentTypesTest {

    private final ContentTypes types = new ContentTypes(List.of("text/plain", "text/markdown"));

    @Test
    void normalizesDeclaredTypes() {
        assertThat(ContentTypes.normalize(" Text/Plain; charset=UTF-8 ")).isEqualTo("text/plain");
        assertThat(ContentTypes.normalize("")).isNull();
    }

    @Test
    void octetStreamOrNothingTakesTheTypeOfTheName() {
        assertThat(types.accept("application/octet-stream", "notes.MD")).isEqualTo("text/markdown");
        assertThat(types.accept(null, "a.txt")).isEqualTo("text/plain");
        assertThatThrownBy(() -> types.accept(null, "noextension")).isInstanceOf(InvalidRequest.class)
                .hasMessageStartingWith("Cannot tell the content type");
    }

    @Test
    void refusesTypesOffTheListNamingTheList() {
        assertThatThrownBy(() -> types.accept("application/pdf", "a.pdf"))
                .hasMessage("Unsupported content type: application/pdf (allowed: text/plain, text/markdown)");
        assertThat(new ContentTypes(List.of("*")).accept("application/pdf", "a.pdf")).isEqualTo("application/pdf");
    }
}
