package routes.api;

import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.apache.camel.Header;
import routes.failure.InvalidRequest;
import routes.project.Ids;
import routes.project.Project;
import routes.project.ProjectStore;
import routes.search.SearchFilters;
import routes.search.SearchService;

/**
 * {@code POST /api/projects/{project_id}/search}: the request checked field by field (a 400 names the field), then
 * the project's search.
 */
public final class SearchApi {

    static final int MAX_QUERY = 2000;
    static final int MAX_K = 100;
    private static final Set<String> FILTERS = Set.of("source_id", "job_id", "document_key", "path_prefix",
            "mime_type");

    private final ProjectStore projects;
    private final SearchService search;
    private final ObjectMapper mapper;

    public SearchApi(ProjectStore projects, SearchService search, ObjectMapper mapper) {
        this.projects = projects;
        this.search = search;
        this.mapper = mapper;
    }

    public SearchService.Answer search(@Header("project_id") String projectId,
            @Header("Content-Type") String contentType, @Body Object body) {
        Project project = projects.require(projectId);
        JsonNode request = Json.object(mapper, contentType, body);
        String query = Json.text(request, "query");
        if (query == null || query.isBlank()) {
            throw new InvalidRequest("Field 'query' is required: the words to search for");
        }
        if (query.codePointCount(0, query.length()) > MAX_QUERY) {
            throw new InvalidRequest("Field 'query' must be at most " + MAX_QUERY + " characters");
        }
        int k = 10;
        JsonNode kNode = request.get("k");
        if (kNode != null && !kNode.isNull()) {
            if (!kNode.isIntegralNumber() || kNode.asLong() < 1 || kNode.asLong() > MAX_K) {
                throw new InvalidRequest("Field 'k' must be a whole number from 1 to " + MAX_K);
            }
            k = kNode.asInt();
        }
        String modeText = Json.text(request, "mode");
        SearchService.Mode mode;
        try {
            mode = modeText == null ? SearchService.Mode.HYBRID : SearchService.Mode.parse(modeText);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest("Field 'mode' must be one of hybrid, keyword, vector");
        }
        return search.search(project.id(), query, k, mode, filters(request.get("filters")));
    }

    private static SearchFilters filters(JsonNode filters) {
        if (filters == null || filters.isNull()) {
            return SearchFilters.NONE;
        }
        if (!filters.isObject()) {
            throw new InvalidRequest("Field 'filters' must be an object (source_id, job_id, document_key, path_prefix,"
                    + " mime_type)");
        }
        filters.fieldNames().forEachRemaining(name -> {
            if (!FILTERS.contains(name)) {
                throw new InvalidRequest("Unknown filter 'filters." + name + "' (one of source_id, job_id,"
                        + " document_key, path_prefix, mime_type)");
            }
        });
        return new SearchFilters(id(filters, "source_id"), id(filters, "job_id"), text(filters, "document_key"),
                text(filters, "path_prefix"), text(filters, "mime_type"));
    }

    private static UUID id(JsonNode filters, String name) {
        String value = text(filters, name);
        return value == null ? null : Ids.parse(value).orElseThrow(() -> new InvalidRequest("Field 'filters." + name
                + "' must be a UUID"));
    }

    private static String text(JsonNode filters, String name) {
        JsonNode v = filters.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().isEmpty() || v.asText().indexOf('\0') >= 0) {
            throw new InvalidRequest("Field 'filters." + name + "' must be a non-empty string without NUL characters");
        }
        return v.asText();
    }
}
