package routes.job;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * An ingest job as clients see it: the 20 keys of the earlier Python service in its order (its clients read them so),
 * then source_id, attempts, document_key (the caller's stable name for the content) and superseded_by (the job that
 * holds a newer version of it).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"id", "project_id", "source_path", "source_uri", "original_filename", "byte_size", "mime_type",
    "checksum", "stage", "created_at", "updated_at", "started_at", "completed_at", "deleted_at", "status", "progress",
    "message", "error_message", "canonical_document_id", "task_id", "source_id", "attempts", "document_key",
    "superseded_by"})
public record IngestJob(
        @JsonProperty("id") UUID id,
        @JsonProperty("project_id") UUID projectId,
        @JsonProperty("source_path") String sourcePath,
        @JsonSerialize(using = RedactedText.class) @JsonProperty("source_uri") String sourceUri,
        @JsonProperty("original_filename") String originalFilename,
        @JsonProperty("byte_size") Long byteSize,
        @JsonProperty("mime_type") String mimeType,
        @JsonProperty("checksum") String checksum,
        @JsonProperty("stage") JobStage stage,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("updated_at") Instant updatedAt,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("completed_at") Instant completedAt,
        @JsonProperty("deleted_at") Instant deletedAt,
        @JsonProperty("status") JobStatus status,
        @JsonProperty("progress") double progress,
        @JsonSerialize(using = RedactedText.class) @JsonProperty("message") String message,
        @JsonSerialize(using = RedactedText.class) @JsonProperty("error_message") String errorMessage,
        @JsonProperty("canonical_document_id") UUID canonicalDocumentId,
        @JsonProperty("task_id") String taskId,
        @JsonProperty("source_id") UUID sourceId,
        @JsonProperty("attempts") int attempts,
        @JsonProperty("document_key") String documentKey,
        @JsonProperty("superseded_by") UUID supersededBy) {
}
