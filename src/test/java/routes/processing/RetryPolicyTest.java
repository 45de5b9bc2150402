package routes.processing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void backoffDoublesUpToItsCap() {
        assertThat(RetryDecision.backoffSeconds(1, 5, 300)).isEqualTo(5);
        assertThat(RetryDecision.backoffSeconds(2, 5, 300)).isEqualTo(10);
        assertThat(RetryDecision.backoffSeconds(3, 5, 300)).isEqualTo(20);
        assertThat(RetryDecision.backoffSeconds(7, 5, 300)).isEqualTo(300);
        assertThat(RetryDecision.backoffSeconds(60, 5, 300)).isEqualTo(300);
    }
}
