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

    @Override
    public String toString() {
        return RecordedRequest.format(op, nodeid(), name) + " unique=" + unique() + " pid=" + pid();
    }
}
