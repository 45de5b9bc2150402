package routes.processing;

/**
 * What happens after a failed attempt: another attempt after {@code delayMillis}, or none (the job failed). The
 * worker route sends the job's next message with the delivery time, or the failed job's message to the dead letters.
 */
public record RetryDecision(String jobId, boolean retry, long delayMillis, long deliverAt) {

    /** Seconds to wait before retry {@code n} (1-based): min(backoff * 2^(n-1), max). */
    public static long backoffSeconds(int n, long backoff, long max) {
        if (n < 1) {
            throw new IllegalArgumentException("retries count from 1");
        }
        double wait = backoff * Math.pow(2, n - 1);
        return (long) Math.min(wait, max);
    }
}
