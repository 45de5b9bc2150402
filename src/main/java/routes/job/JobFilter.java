package routes.job;

import java.util.UUID;

/**
 * What a listing asks for; every field but the project is optional. {@code current}: only jobs no newer version of
 * their document superseded.
 */
public record JobFilter(UUID projectId, JobStatus status, JobStage stage, UUID sourceId, JobCursor after, int limit,
        boolean current) {

    public JobFilter(UUID projectId, JobStatus status, JobStage stage, UUID sourceId, JobCursor after, int limit) {
        this(projectId, status, stage, sourceId, after, limit, false);
    }
}
