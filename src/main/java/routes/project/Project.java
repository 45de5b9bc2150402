package routes.project;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A project as clients see it (camelCase keys, as the earlier Python service had them: its clients read them so). */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"id", "name", "description", "createdAt", "updatedAt"})
public record Project(UUID id, String name, String description, Instant createdAt, Instant updatedAt) {
}
