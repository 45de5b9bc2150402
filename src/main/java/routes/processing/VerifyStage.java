package routes.processing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import routes.failure.PermanentFailure;
import routes.job.JobStage;
import routes.storage.Sha256;

/** Stage verify: a file's SHA-256 must be the one the job expects (when it expects one); a tree has nothing to check. */
public final class VerifyStage {

    private final StageProgress progress;

    public VerifyStage(StageProgress progress) {
        this.progress = progress;
    }

    public JobRun verify(JobRun run) {
        progress.enter(run, JobStage.VERIFY, run.tree() ? "No checksum to verify for a directory or repository" : "Verifying checksum");
        if (!run.tree()) {
            String actual = Sha256.of(run.source());
            String expected = run.job().checksum();
            if (expected != null && !expected.equals(actual)) {
                throw new PermanentFailure("Checksum mismatch: expected " + expected + ", source has " + actual);
            }
            try {
                run.verified(Files.size(run.source()), actual);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return run;
    }
}
