package routes.api;

import java.util.List;
import java.util.Map;

import org.apache.camel.Header;
import routes.failure.NotFound;
import routes.project.Ids;
import routes.project.Project;
import routes.project.ProjectKeys;
import routes.project.ProjectStore;

/** The /api/projects/{id}/keys routes: make a key (shown once), list them (never the keys), revoke one. */
public final class ProjectKeysApi {

    private final ProjectStore projects;
    private final ProjectKeys keys;

    public ProjectKeysApi(ProjectStore projects, ProjectKeys keys) {
        this.projects = projects;
        this.keys = keys;
    }

    public ProjectKeys.NewKey create(@Header("project_id") String projectId) {
        return keys.create(projects.require(projectId).id());
    }

    public Map<String, List<ProjectKeys.Key>> list(@Header("project_id") String projectId) {
        return Map.of("items", keys.list(projects.require(projectId).id()));
    }

    public void revoke(@Header("project_id") String projectId, @Header("key_id") String keyId) {
        Project project = projects.require(projectId);
        if (Ids.parse(keyId).filter(id -> keys.revoke(project.id(), id)).isEmpty()) {
            throw new NotFound("Key not found (or revoked already): " + keyId);
        }
    }
}
