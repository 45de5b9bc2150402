package routes.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.apache.camel.Header;
import routes.failure.InvalidRequest;
import routes.project.Project;
import routes.project.ProjectStore;

/** The /api/projects routes: validation and answers; the routes only wire them to HTTP. */
public final class ProjectApi {

    static final int MAX_NAME = 200;

    private final ProjectStore projects;
    private final ObjectMapper mapper;

    public ProjectApi(ProjectStore projects, ObjectMapper mapper) {
        this.projects = projects;
        this.mapper = mapper;
    }

    public Project create(@Header("Content-Type") String contentType, @Body String body) {
        JsonNode request = Json.object(mapper, contentType, body);
        String name = Json.text(request, "name");
        if (name == null || name.isBlank()) {
            throw new InvalidRequest("Field 'name' is required");
        }
        name = name.strip();
        if (name.length() > MAX_NAME) {
            throw new InvalidRequest("Field 'name' must be at most " + MAX_NAME + " characters");
        }
        if (name.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidRequest("Field 'name' must not contain control characters (tabs, line breaks, ...)");
        }
        return projects.create(name, Json.text(request, "description"));
    }

    public Map<String, List<Project>> list() {
        return Map.of("items", projects.list());
    }

    public Project get(@Header("project_id") String projectId) {
        return projects.require(projectId);
    }
}
