package fusesim.kernel.server;

import fusesim.kernel.proto.WireOpcode;

/**
 * What the server saw, in trace form. FORGET and BATCH_FORGET are normalised into one FORGET entry per
 * (nodeid, nlookup) pair, with {@code nlookup} in {@link #count}. {@code arg} is the in-arg the model's
 * {@code Request.observable()} adds for MKNOD, SYMLINK and LINK (already rendered), else null;
 * {@code fields} the in-struct fields as rendered ({@code ,valid=SIZE,size=0}, see
 * {@link fusesim.model.fuse.RequestFields}), else empty.
 */
public record RecordedRequest(WireOpcode op, long nodeid, String name, long count, int pid, long unique, String arg,
                              String fields) {

    public RecordedRequest(WireOpcode op, long nodeid, String name, long count, int pid, long unique) {
        this(op, nodeid, name, count, pid, unique, null, "");
    }

    public RecordedRequest(WireOpcode op, long nodeid, String name, long count, int pid, long unique, String arg) {
        this(op, nodeid, name, count, pid, unique, arg, "");
    }

    /** {@code OPCODE(nodeid)}, {@code LOOKUP(1,"a")}, {@code MKNOD(1,"x",0100644)} or {@code FORGET(10,1)}. */
    @Override
    public String toString() {
        return op == WireOpcode.FORGET ? "FORGET(" + nodeid + "," + count + ")" : format(op, nodeid, name, arg, fields);
    }

    /** The request without its in-struct fields: {@code OPEN(10)}, {@code LOOKUP(1,"a")}. */
    public String brief() {
        return op == WireOpcode.FORGET ? "FORGET(" + nodeid + "," + count + ")" : format(op, nodeid, name, arg, null);
    }

    static String format(WireOpcode op, long nodeid, String name, String arg, String fields) {
        return op.name() + "(" + nodeid + (name == null ? "" : ",\"" + name + "\"") + (arg == null ? "" : "," + arg)
                + (fields == null ? "" : fields) + ")";
    }
}
