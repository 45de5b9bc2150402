package routes.api;

import java.util.UUID;

import org.apache.camel.Header;
import routes.failure.NotFound;
import routes.document.ChunkCursor;
import routes.document.DocumentStore;
import routes.project.Ids;
import routes.project.Project;
import routes.project.ProjectStore;

/**
 * What a project's jobs stored, for clients that read it back: the chunks of a document, page by page, and one chunk
 * by its id (where a search result links to).
 */
public final class DocumentApi {

    private final ProjectStore projects;
    private final DocumentStore documents;

    public DocumentApi(ProjectStore projects, DocumentStore documents) {
        this.projects = projects;
        this.documents = documents;
    }

    public DocumentStore.ChunkPage chunks(@Header("project_id") String projectId,
            @Header("document_id") String documentId, @Header("limit") String limit, @Header("cursor") String cursor) {
        Project project = projects.require(projectId);
        int pageSize = JobApi.limit(limit);
        int after = ChunkCursor.decode(cursor);
        UUID id = Ids.parse(documentId).orElseThrow(() -> notFound(documentId));
        return documents.chunks(project.id(), id, after, pageSize).orElseThrow(() -> notFound(documentId));
    }

    /** {@code GET /api/projects/{project_id}/chunks/{chunk_id}}: one chunk, as the listing shows it. */
    public DocumentStore.ChunkView chunk(@Header("project_id") String projectId, @Header("chunk_id") String chunkId) {
        Project project = projects.require(projectId);
        NotFound missing = new NotFound("Chunk not found: " + chunkId);
        UUID id = Ids.parse(chunkId).orElseThrow(() -> missing);
        return documents.chunk(project.id(), id).orElseThrow(() -> missing);
    }

    private static NotFound notFound(String documentId) {
        return new NotFound("Document not found: " + documentId);
    }
}
