package fusesim.kernel.server;

import fusesim.kernel.proto.Opcode;

/**
 * What the server saw, in trace form. FORGET and BATCH_FORGET are normalised into one FORGET entry per
 * (nodeid, nlookup) pair, with {@code nlookup} in {@link #count}.
 */
public record RecordedRequest(Opcode op, long nodeid, String name, long count, int pid, long unique) {

    /** {@code OPCODE(nodeid)}, {@code LOOKUP(1,"a")} or {@code FORGET(10,1)}. */
    @Override
    public String toString() {
        return op == Opcode.FORGET ? "FORGET(" + nodeid + "," + count + ")" : format(op, nodeid, name);
    }

    static String format(Opcode op, long nodeid, String name) {
        return op.name() + "(" + nodeid + (name == null ? "" : ",\"" + name + "\"") + ")";
    }
}
