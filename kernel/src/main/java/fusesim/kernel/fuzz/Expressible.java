package fusesim.kernel.fuzz;

import fusesim.traces.lang.MountOption;
import fusesim.traces.lang.ServerOp;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Syscall;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What the kernel harness cannot reproduce of a generated sequence, and where a fuzz trace is cut
 * (the prefix before it is still a trace both sides run). The generator's profile for the kernel
 * ({@code Profile.forKernel}) already leaves out {@code tick}; the rest is steered around here.
 *
 * <ul>
 *   <li>{@code evict PATH} and {@code server notify} after {@code server crash}: the harness makes
 *       {@code evict} a FUSE_NOTIFY_PRUNE written by the server and sends notifications on
 *       /dev/fuse; after the crash the server has no /dev/fuse (the write fails with ENODEV or
 *       EBADF), while the model's {@code evict} is the kernel's own pruning, which needs no server.
 *   <li>{@code mknod}, {@code symlink}, {@code link} and {@code readlink} calls, server policies and
 *       holds for MKNOD, SYMLINK, LINK, READLINK and READDIRPLUS, and {@code readdirplus} /
 *       {@code readdirplus_auto} mounts: the model has them, the harness does not drive them yet
 *       (the driver has no mknod; the server has no policies for these replies; READDIRPLUS was
 *       never exercised). {@code Profile.forKernel} does not generate them; a sequence that has
 *       one anyway is cut before it (a mount with readdirplus leaves nothing).
 * </ul>
 */
public final class Expressible {
    private Expressible() {}

    private static final Set<Syscall> NOT_DRIVEN = EnumSet.of(Syscall.MKNOD, Syscall.SYMLINK,
            Syscall.LINK, Syscall.READLINK);
    private static final Set<ServerOp> NOT_SERVED = EnumSet.of(ServerOp.MKNOD, ServerOp.SYMLINK,
            ServerOp.LINK, ServerOp.READLINK, ServerOp.READDIRPLUS);

    /** The longest prefix of {@code stmts} the harness can express. */
    public static List<Stmt> cut(List<Stmt> stmts) {
        boolean crashed = false;
        for (int i = 0; i < stmts.size(); i++) {
            Stmt s = stmts.get(i);
            if (notDriven(s)) {
                return List.copyOf(stmts.subList(0, i));
            }
            if (s instanceof Stmt.ServerCrash) {
                crashed = true;
            } else if (crashed && (s instanceof Stmt.Evict || s instanceof Stmt.ServerNotify)) {
                return List.copyOf(stmts.subList(0, i));
            }
        }
        return stmts;
    }

    /** A statement the harness cannot drive yet (see the class comment). */
    static boolean notDriven(Stmt s) {
        if (s instanceof Stmt.ThreadStep t && t.syscall() != null && NOT_DRIVEN.contains(t.syscall())) {
            return true;
        }
        if (s instanceof Stmt.ServerPolicy p && NOT_SERVED.contains(p.op())) {
            return true;
        }
        if (s instanceof Stmt.ServerHold h && NOT_SERVED.contains(h.op())) {
            return true;
        }
        return s instanceof Stmt.Mount m && (m.option(MountOption.READDIRPLUS).isPresent()
                || m.option(MountOption.READDIRPLUS_AUTO).isPresent());
    }
}
