package routes.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.apache.camel.Header;
import routes.failure.InvalidRequest;
import routes.project.Ids;
import routes.project.Project;
import routes.project.ProjectKeys;
import routes.project.ProjectStore;

/** The /api/projects routes: validation and answers; the routes only wire them to HTTP. */
public final class ProjectApi {

    static final int MAX_NAME = 200;

    /** A project just made with its first API key (auth on): the one time the key is shown. */
    public record CreatedProject(@JsonUnwrapped Project project, @JsonProperty("api_key") ProjectKeys.NewKey apiKey) {
    }

    private final ProjectStore projects;
    private final ObjectMapper mapper;
    /** Null when auth is off: projects are made without keys. */
    private final ProjectKeys keys;

    public ProjectApi(ProjectStore projects, ObjectMapper mapper, ProjectKeys keys) {
        this.projects = projects;
        this.mapper = mapper;
        this.keys = keys;
    }

    public Object create(@Header("Content-Type") String contentType, @Body Object body) {
        JsonNode request = Json.object(mapper, contentType, body);
        String name = Json.text(request, "name");
        if (name == null || name.isBlank()) {
            throw new InvalidRequest("Field 'name' is required");
        }
        name = name.strip();
        if (name.codePointCount(0, name.length()) > MAX_NAME) {
            throw new InvalidRequest("Field 'name' must be at most " + MAX_NAME + " characters");
        }
        if (name.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidRequest("Field 'name' must not contain control characters (tabs, line breaks, ...)");
        }
        Project project = projects.create(name, Json.text(request, "description"));
        return keys == null ? project : new CreatedProject(project, keys.create(project.id()));
    }

    /** Every project; for a project's API key (auth on), that project only. */
    public Map<String, List<Project>> list(@Header(AccessGate.KEY_PROJECT) String keyProject) {
        if (keys != null && keyProject != null) {
            return Map.of("items", Ids.parse(keyProject).flatMap(projects::find).stream().toList());
        }
        return Map.of("items", projects.list());
    }

    public Project get(@Header("project_id") String projectId) {
        return projects.require(projectId);
    }
}
