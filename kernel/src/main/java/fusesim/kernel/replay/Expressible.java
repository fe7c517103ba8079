package fusesim.kernel.replay;

import fusesim.traces.lang.Stmt;
import java.util.List;

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
 * </ul>
 *
 * Also cut: what the oracle's sandbox refuses ({@code SandboxChecks}, kernel/README.md).
 *
 * {@code mknod}, {@code symlink}, {@code link}, {@code readlink}, their server policies and
 * {@code readdirplus}/{@code readdirplus_auto} mounts are driven since the driver has mknod and the
 * server answers MKNOD, SYMLINK, LINK, READLINK and READDIRPLUS (kernel/README.md).
 */
public final class Expressible {
    private Expressible() {}

    /** The longest prefix of {@code stmts} the harness can express. */
    public static List<Stmt> cut(List<Stmt> stmts) {
        boolean crashed = false;
        for (int i = 0; i < stmts.size(); i++) {
            Stmt s = stmts.get(i);
            if (s instanceof Stmt.ServerCrash) {
                crashed = true;
            } else if (crashed && (s instanceof Stmt.Evict || s instanceof Stmt.ServerNotify)) {
                return SandboxChecks.allowedPrefix(List.copyOf(stmts.subList(0, i)));
            }
        }
        // what the sandbox refuses (kernel/README.md, threat model): the generator's symlink("/a", P)
        // followed later would lead out of the mount
        return SandboxChecks.allowedPrefix(stmts);
    }
}
