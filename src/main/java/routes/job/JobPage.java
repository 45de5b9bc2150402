package routes.job;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One page of a job listing. */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"items", "nextCursor", "total"})
public record JobPage(List<IngestJob> items, String nextCursor, long total) {
}
