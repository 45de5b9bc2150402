package routes.project;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import routes.failure.NotFound;
import routes.db.Database;
import routes.db.Dialect;

/** Projects and their ingest sources. */
public final class ProjectStore {

    private static final String COLUMNS = "id, name, description, created_at, updated_at";

    private final Database db;

    /**
     * Projects and their default sources as read: neither changes once committed (there is no update or delete), so
     * every request after the first finds them here instead of in the database, on any instance. Unknown ids are
     * never remembered. Bounded: past {@link #REMEMBERED} entries it starts again.
     */
    private final java.util.concurrent.ConcurrentHashMap<UUID, Project> known = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<UUID, UUID> defaultSources = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int REMEMBERED = 10_000;

    public ProjectStore(Database db) {
        this.db = db;
    }

    /** Creates the project and its default source in one transaction, so a project never lacks one. */
    public Project create(String name, String description) {
        Instant now = Dialect.now();
        Project project = new Project(UUID.randomUUID(), name, description, now, now);
        return db.inTransaction(c -> {
            db.update(c, "INSERT INTO projects (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)",
                    project.id(), name, description, now, now);
            db.update(c, "INSERT INTO ingest_sources (id, project_id, kind, name, created_at) VALUES (?, ?, 'default', 'default', ?)",
                    UUID.randomUUID(), project.id(), now);
            return project;
        });
    }

    public List<Project> list() {
        return db.read(c -> db.query(c, "SELECT " + COLUMNS + " FROM projects ORDER BY created_at DESC, id DESC",
                this::map));
    }

    public Optional<Project> find(UUID id) {
        Project remembered = known.get(id);
        if (remembered != null) {
            return Optional.of(remembered);
        }
        Optional<Project> found = db.read(c -> find(c, id));
        found.ifPresent(p -> remember(known, id, p));
        return found;
    }

    private static <V> void remember(java.util.concurrent.ConcurrentHashMap<UUID, V> map, UUID id, V value) {
        if (map.size() >= REMEMBERED) {
            map.clear();
        }
        map.put(id, value);
    }

    public Optional<Project> find(Connection c, UUID id) throws SQLException {
        return db.queryOne(c, "SELECT " + COLUMNS + " FROM projects WHERE id = ?", this::map, id);
    }

    /** The project with this path id, or the 404 every project-scoped route answers for an unknown one. */
    public Project require(String projectId) {
        return Ids.parse(projectId).flatMap(this::find)
                .orElseThrow(() -> new NotFound("Project not found: " + projectId));
    }

    public UUID defaultSource(Connection c, UUID projectId) throws SQLException {
        UUID remembered = defaultSources.get(projectId);
        if (remembered != null) {
            return remembered;
        }
        UUID source = db.queryOne(c, "SELECT id FROM ingest_sources WHERE project_id = ? AND kind = 'default'",
                rs -> db.dialect().uuid(rs, "id"), projectId)
                .orElseThrow(() -> new IllegalStateException("project " + projectId + " has no default source"));
        remember(defaultSources, projectId, source);
        return source;
    }

    public boolean sourceExists(Connection c, UUID projectId, UUID sourceId) throws SQLException {
        return db.queryOne(c, "SELECT id FROM ingest_sources WHERE project_id = ? AND id = ?",
                rs -> rs.getString(1), projectId, sourceId).isPresent();
    }

    private Project map(ResultSet rs) throws SQLException {
        Dialect d = db.dialect();
        return new Project(d.uuid(rs, "id"), rs.getString("name"), rs.getString("description"),
                d.instant(rs, "created_at"), d.instant(rs, "updated_at"));
    }
}
