package fusesim.kernel.server;

import fusesim.kernel.proto.Opcode;

/**
 * What the server saw, in trace form. FORGET and BATCH_FORGET are normalised into one FORGET entry per
 * (nodeid, nlookup) pair, with {@code nlookup} in {@link #count}. {@code arg} is the in-arg the model's
 * {@code Request.observable()} adds for MKNOD, SYMLINK and LINK (already rendered), else null.
 */
public record RecordedRequest(Opcode op, long nodeid, String name, long count, int pid, long unique, String arg) {

    public RecordedRequest(Opcode op, long nodeid, String name, long count, int pid, long unique) {
        this(op, nodeid, name, count, pid, unique, null);
    }

    /** {@code OPCODE(nodeid)}, {@code LOOKUP(1,"a")}, {@code MKNOD(1,"x",0100644)} or {@code FORGET(10,1)}. */
    @Override
    public String toString() {
        return op == Opcode.FORGET ? "FORGET(" + nodeid + "," + count + ")" : format(op, nodeid, name, arg);
    }

    static String format(Opcode op, long nodeid, String name, String arg) {
        return op.name() + "(" + nodeid + (name == null ? "" : ",\"" + name + "\"") + (arg == null ? "" : "," + arg)
                + ")";
    }
}
