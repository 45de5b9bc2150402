package routes.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import routes.failure.InvalidRequest;

class JobCursorTest {

    @Test
    void roundTripsAsAnOpaqueUrlSafeToken() {
        JobCursor cursor = new JobCursor(Instant.parse("2026-11-29T10:00:00.123456Z"), UUID.randomUUID());
        String token = cursor.encode();
        assertThat(token).matches("[A-Za-z0-9_-]+");
        assertThat(JobCursor.decode(token)).isEqualTo(cursor);
    }

    @Test
    void malformedTokensAreTheClientsMistake() {
        for (String bad : new String[] {"garbage", "", "djF8eHx5", "!!!"}) {
            assertThatThrownBy(() -> JobCursor.decode(bad)).isInstanceOf(InvalidRequest.class);
        }
    }
}
