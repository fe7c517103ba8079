package fusesim.kernel.server;

import fusesim.kernel.proto.AttrOut;
import fusesim.kernel.proto.EntryOut;
import fusesim.kernel.proto.OpenOut;
import java.util.Map;
import java.util.Set;

/**
 * How the raw server answers one request (its decision, before ReplyEncoder writes the bytes; not the
 * model's {@link fusesim.model.Reply} nor the trace's {@link fusesim.traces.lang.ReplyClause}). {@link Default} lets the passthrough_hp-like default answer,
 * {@link Patch} changes named fields of that default answer (the trace's {@code entry ino=10 backing=1}
 * or {@code open passthrough backing=1}), {@link Hold} parks the request until the controller replies.
 * The other records are complete answers.
 */
public sealed interface Answer {
    /** The default server's answer. */
    record Default() implements Answer {}

    /** Park the request; it waits until {@link FuseServer#release} answers it. */
    record Hold() implements Answer {}

    /** An error reply: a bare header with {@code error = -errno}. */
    record Error(int errno) implements Answer {}

    /** A successful bare header (FLUSH, RELEASE, UNLINK, ...). */
    record Ok() implements Answer {}

    /** A raw payload (READ, READDIR, READLINK). */
    record Data(byte[] data) implements Answer {}

    /** LOOKUP/MKDIR/LINK/... entry; {@code backingId} only travels in fuse_entry2_out. */
    record Entry(EntryOut entry, int backingId) implements Answer {}

    record Attr(AttrOut attr) implements Answer {}

    record Open(OpenOut open) implements Answer {}

    record Create(EntryOut entry, OpenOut open, int backingId) implements Answer {}

    record Write(int size) implements Answer {}

    /** Exactly these bytes after a header with this error (for protocol-level experiments). */
    record Raw(int error, byte[] payload) implements Answer {}

    /**
     * Named changes to the default answer. Keys: {@code ino} (nodeid and attr.ino), {@code nodeid},
     * {@code generation}, {@code entry_valid}, {@code attr_valid}, {@code entry_valid_nsec},
     * {@code attr_valid_nsec}, {@code backing}, {@code mode}, {@code size}, {@code uid}, {@code gid},
     * {@code nlink}, {@code attr_ino}, {@code fh}, {@code open_flags}, {@code mtime}, {@code ctime}
     * (a Write base takes {@code size}).
     */
    record Patch(Map<String, Long> fields) implements Answer {
        public static final Set<String> KEYS = Set.of("ino", "nodeid", "generation", "entry_valid",
                "attr_valid", "entry_valid_nsec", "attr_valid_nsec", "backing", "mode", "size", "uid", "gid",
                "nlink", "attr_ino", "fh", "open_flags", "mtime", "ctime");

        public Patch {
            for (String k : fields.keySet()) {
                if (!KEYS.contains(k)) {
                    throw new IllegalArgumentException("unknown reply field '" + k + "' (known: "
                            + new java.util.TreeSet<>(KEYS) + ")");
                }
            }
            fields = Map.copyOf(fields);
        }
    }

    /** A SETATTR answered but not applied: the lower file's attributes with these changes (Patch keys). */
    record AttrNotApplied(Map<String, Long> fields) implements Answer {}

    Answer DEFAULT = new Default();
    Answer HOLD = new Hold();
    Answer OK = new Ok();

    static Answer error(int errno) {
        return new Error(errno);
    }

    /** Open reply with these FOPEN_* flags and backing id, other fields from the default answer. */
    static Answer open(int openFlags, int backingId) {
        return new Patch(Map.of("open_flags", (long) openFlags, "backing", (long) backingId));
    }

    static Answer patch(Map<String, Long> fields) {
        return new Patch(fields);
    }
}
