package fusesim.kernel.server;

import fusesim.kernel.proto.ForgetOne;
import fusesim.kernel.proto.InHeader;
import fusesim.kernel.proto.Opcode;
import java.util.List;

/**
 * One decoded request from /dev/fuse. {@code name} is the entry name for LOOKUP, CREATE, MKDIR, MKNOD,
 * UNLINK, RMDIR, SYMLINK, LINK and RENAME (old name); {@code name2} the second name (RENAME new name,
 * SYMLINK target). {@code path} is the trace path ("/a") the request is about, when the server knows it.
 * {@code body} is the decoded struct ({@code ReadIn}, {@code OpenIn}...), {@code data} the WRITE payload,
 * {@code forgets} the (nodeid, nlookup) pairs of FORGET / BATCH_FORGET.
 */
public record Request(InHeader header, Opcode op, String name, String name2, String path, Object body,
                      byte[] data, List<ForgetOne> forgets) {

    public long unique() {
        return header.unique();
    }

    public long nodeid() {
        return header.nodeid();
    }

    /** The in-header pid: the tid of the thread that caused the request (0 for nocreds requests). */
    public int pid() {
        return header.pid();
    }

    /**
     * The in-arg traces print after the name, as the model's {@code Request.observable()} does: MKNOD's
     * mode in octal ({@code fuse_mknod_in.mode}), SYMLINK's target in quotes, LINK's old nodeid
     * ({@code fuse_link_in.oldnodeid}); null for other opcodes.
     */
    public String inArg() {
        return switch (op) {
            case MKNOD -> "0" + Integer.toOctalString(((fusesim.kernel.proto.MknodIn) body).mode());
            case SYMLINK -> "\"" + name2 + "\"";
            case LINK -> Long.toString(((fusesim.kernel.proto.LinkIn) body).oldNodeid());
            default -> null;
        };
    }

    @Override
    public String toString() {
        return RecordedRequest.format(op, nodeid(), name, inArg()) + " unique=" + unique() + " pid=" + pid();
    }
}
