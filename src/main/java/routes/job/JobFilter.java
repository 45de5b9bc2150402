package routes.job;

import java.util.UUID;

/** What a listing asks for; every field but the project is optional. */
public record JobFilter(UUID projectId, JobStatus status, JobStage stage, UUID sourceId, JobCursor after, int limit) {
}
