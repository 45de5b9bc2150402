package routes.api;

import java.util.UUID;

import org.apache.camel.Header;
import routes.failure.NotFound;
import routes.document.ChunkCursor;
import routes.document.DocumentStore;
import routes.project.Ids;
import routes.project.Project;
import routes.project.ProjectStore;

/** What a project's jobs stored, for clients that read it back: the chunks of a document, page by page. */
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

    private static NotFound notFound(String documentId) {
        return new NotFound("Document not found: " + documentId);
    }
}
