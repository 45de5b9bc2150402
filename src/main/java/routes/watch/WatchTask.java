package routes.watch;

import java.util.UUID;

/**
 * One listed object a round does something with: {@code INGEST} (this instance claimed it: read it and create its
 * job), {@code FINISH} (its job exists, the after-read step did not happen: an instance died in between), or
 * {@code FINISH_REJECTED} (rejected before; the move to the rejected prefix did not happen).
 */
public record WatchTask(Kind kind, WatchedObject object, String prefix, UUID supersedes, WatchRound round) {

    public enum Kind { INGEST, FINISH, FINISH_REJECTED }

    /** For the route's choice: a claimed object to read. */
    public boolean ingest() {
        return kind == Kind.INGEST;
    }
}
