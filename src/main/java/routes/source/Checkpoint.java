package routes.source;

/**
 * Where a long step (a download, a clone, an archive being unpacked) asks whether it may go on: between two reads,
 * two entries. It throws to stop the step: the job was cancelled, or its stage ran past its deadline. It must be
 * cheap to call often (the worker throttles its database read).
 */
@FunctionalInterface
public interface Checkpoint {

    Checkpoint NONE = () -> {
    };

    void check();
}
