package fusesim.kernel.server;

/** Decides the answer to a request; {@link Reply#DEFAULT} for the well-behaved default server. */
@FunctionalInterface
public interface Policy {
    Reply decide(Request request);

    /** Answers everything the default way. */
    Policy DEFAULT = r -> Reply.DEFAULT;
}
