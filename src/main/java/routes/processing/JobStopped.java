package routes.processing;

/** The job is no longer this attempt's to run: cancelled, deleted or taken over. Its status is left as it is. */
public class JobStopped extends RuntimeException {

    public JobStopped(String message) {
        super(message, null, false, false);
    }
}
