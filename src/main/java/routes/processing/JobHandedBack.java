package routes.processing;

/** The service is shutting down: the attempt stops at this checkpoint and the job goes back to the queue. */
public class JobHandedBack extends RuntimeException {

    public JobHandedBack(String message) {
        super(message, null, false, false);
    }
}
