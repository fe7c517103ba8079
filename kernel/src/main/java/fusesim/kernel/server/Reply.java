package fusesim.kernel.server;

import fusesim.kernel.proto.AttrOut;
import fusesim.kernel.proto.EntryOut;
import fusesim.kernel.proto.OpenOut;
import java.util.Map;
import java.util.Set;

/**
 * How the server answers one request. {@link Default} lets the passthrough_hp-like default answer,
 * {@link Patch} changes named fields of that default answer (the trace's {@code entry ino=10 backing=1}
 * or {@code open passthrough backing=1}), {@link Hold} parks the request until the controller replies.
 * The other records are complete answers.
 */
public sealed interface Reply {
    /** The default server's answer. */
    record Default() implements Reply {}

    /** Park the request; it waits until {@link FuseServer#release} answers it. */
    record Hold() implements Reply {}

    /** An error reply: a bare header with {@code error = -errno}. */
    record Error(int errno) implements Reply {}

    /** A successful bare header (FLUSH, RELEASE, UNLINK, ...). */
    record Ok() implements Reply {}

    /** A raw payload (READ, READDIR, READLINK). */
    record Data(byte[] data) implements Reply {}

    /** LOOKUP/MKDIR/LINK/... entry; {@code backingId} only travels in fuse_entry2_out. */
    record Entry(EntryOut entry, int backingId) implements Reply {}

    record Attr(AttrOut attr) implements Reply {}

    record Open(OpenOut open) implements Reply {}

    record Create(EntryOut entry, OpenOut open, int backingId) implements Reply {}

    record Write(int size) implements Reply {}

    /** Exactly these bytes after a header with this error (for protocol-level experiments). */
    record Raw(int error, byte[] payload) implements Reply {}

    /**
     * Named changes to the default answer. Keys: {@code ino} (nodeid and attr.ino), {@code nodeid},
     * {@code generation}, {@code entry_valid}, {@code attr_valid}, {@code entry_valid_nsec},
     * {@code attr_valid_nsec}, {@code backing}, {@code mode}, {@code size}, {@code uid}, {@code gid},
     * {@code nlink}, {@code attr_ino}, {@code fh}, {@code open_flags}, {@code mtime}, {@code ctime}
     * (a Write base takes {@code size}).
     */
    record Patch(Map<String, Long> fields) implements Reply {
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
    record AttrNotApplied(Map<String, Long> fields) implements Reply {}

    Reply DEFAULT = new Default();
    Reply HOLD = new Hold();
    Reply OK = new Ok();

    static Reply error(int errno) {
        return new Error(errno);
    }

    /** Open reply with these FOPEN_* flags and backing id, other fields from the default answer. */
    static Reply open(int openFlags, int backingId) {
        return new Patch(Map.of("open_flags", (long) openFlags, "backing", (long) backingId));
    }

    static Reply patch(Map<String, Long> fields) {
        return new Patch(fields);
    }
}
