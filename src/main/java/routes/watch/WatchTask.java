package routes.watch;

/**
 * One listed object a round does something with: {@code INGEST} (this instance claimed it: read it and create its
 * job), {@code FINISH} (its job exists, the after-read step did not happen: an instance died in between), or
 * {@code FINISH_REJECTED} (rejected: write its reason file, {@code reason}, and move it to the rejected prefix).
 */
public record WatchTask(Kind kind, WatchedObject object, String prefix, WatchRound round, String reason) {

    public enum Kind { INGEST, FINISH, FINISH_REJECTED }

    public WatchTask(Kind kind, WatchedObject object, String prefix, WatchRound round) {
        this(kind, object, prefix, round, null);
    }

    /** This object, now rejected: its after-read step writes {@code reasonFile} and moves it aside. */
    WatchTask rejectedFor(String reasonFile) {
        return new WatchTask(Kind.FINISH_REJECTED, object, prefix, round, reasonFile);
    }

    /** For the route's choice: a claimed object to read. */
    public boolean ingest() {
        return kind == Kind.INGEST;
    }

    /** For the route: false once the round stopped early (S3 out of reach), so the task is skipped. */
    public boolean going() {
        return !round.stopped();
    }
}
