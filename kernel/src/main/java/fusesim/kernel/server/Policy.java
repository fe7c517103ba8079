package fusesim.kernel.server;

/** Decides the answer to a request; {@link Answer#DEFAULT} for the well-behaved default server. */
@FunctionalInterface
public interface Policy {
    Answer decide(Request request);

    /**
     * The entry fields ({@link Answer.Patch} keys) a LOOKUP of {@code path} would be answered with, for
     * the READDIRPLUS records of that name; null: the default entry.
     */
    default java.util.Map<String, Long> lookupEntryFields(String path) {
        return null;
    }

    /** Answers everything the default way. */
    Policy DEFAULT = r -> Answer.DEFAULT;
}
