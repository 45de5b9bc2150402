package routes.job;

import java.util.Optional;

/** Where a job is in its processing, in order; {@code progress} at the start of each stage grows with it. */
public enum JobStage {
    INITIAL(0.0), FETCH(0.05), VERIFY(0.15), DETECT(0.25), EXTRACT(0.35), INDEX(0.35), CHUNK(0.7), STORE(0.85), DONE(1.0);

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
