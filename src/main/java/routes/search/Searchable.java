package routes.search;

/**
 * What search may show: chunks of completed jobs that are not deleted and not superseded by a newer version of
 * their document, and documents an attempt published (not ones it staged and may still replace). One condition,
 * for every way of searching.
 */
final class Searchable {

    /** A job alias {@code j}. */
    static final String JOB = "j.status = 'completed' AND j.deleted_at IS NULL AND j.superseded_by IS NULL";

    /** A job alias {@code j} and a document alias {@code d}. */
    static final String CHUNK = JOB + " AND d.staged_by IS NULL";

    private Searchable() {
    }
}
