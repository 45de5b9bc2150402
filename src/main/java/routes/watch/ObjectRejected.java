package routes.watch;

/**
 * An object that breaks a rule of the watch or of uploads: moved to the rejected prefix with a reason file, and no
 * job. {@code setting} names what an operator would change to accept such objects, null where nothing would.
 */
public class ObjectRejected extends RuntimeException {

    private final String setting;

    public ObjectRejected(String reason, String setting) {
        super(reason, null, false, false);
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }
}
