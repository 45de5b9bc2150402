package routes.job;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One page of a job listing. {@code total} counts every match exactly up to a limit
 * ({@code cortex.api.exact-total-limit}); above it {@code totalExact} is false and {@code total} an estimate that is
 * never below the limit, so that a page costs the same at a million jobs as at ten thousand.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"items", "nextCursor", "total", "totalExact"})
public record JobPage(List<IngestJob> items, String nextCursor, long total, boolean totalExact) {
}
