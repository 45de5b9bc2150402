package routes.job;

import java.util.Optional;

/** Where a job is in its processing, in order; {@code progress} at the start of each stage grows with it. */
public enum JobStage {
    INITIAL(0.0), FETCH(0.05), VERIFY(0.1), DETECT(0.15), EXTRACT(0.2), INDEX(0.2), CHUNK(0.45), EMBED(0.5), STORE(0.95),
    DONE(1.0);

    private final double progress;

    JobStage(double progress) {
        this.progress = progress;
    }

    public double progress() {
        return progress;
    }

    public static Optional<JobStage> parse(String value) {
        return LowercaseNames.parse(values(), value);
    }

    @Override
    public String toString() {
        return LowercaseNames.of(this);
    }
}
