package fusesim.kernel.replay;

import fusesim.kernel.KernelSession;
import fusesim.kernel.driver.Result;
import fusesim.kernel.proto.InitFlags;
import fusesim.kernel.proto.WireOpcode;
import fusesim.kernel.server.FuseServer;
import fusesim.kernel.server.LowerTree;
import fusesim.kernel.server.ServerConfig;
import fusesim.kernel.sys.Libc;
import fusesim.model.Errno;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.MountOption;
import fusesim.traces.lang.Outcome;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Syscall;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TracePrinter;
import fusesim.traces.lang.Value;
import fusesim.traces.replay.Observation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import fusesim.traces.lang.StmtVisitor;
import static fusesim.kernel.replay.KernelReplay.ASLEEP_MS;
import static fusesim.kernel.replay.KernelReplay.MAP_LENGTH;
import static fusesim.kernel.replay.KernelReplay.MAX_TICK;
import static fusesim.kernel.replay.KernelReplay.SETTLE_MS;

/**
 * The kernel backend's one method per statement kind: each statement mapped onto the
 * {@link KernelSession} (the lower tree, the server's {@link TracePolicy}, the driver's threads),
 * its result observed through {@link KernelReplay}'s request bookkeeping. {@link KernelReplay}
 * owns the run (the session's lifetime, the watchdog, skipped lines, requests per line).
 */
final class KernelSteps implements StmtVisitor<Void> {
    private static final long HANDLE_KILLPRIV = 1L << 19;
    private static final long EXPLICIT_INVAL_DATA = 1L << 25;
    private static final long HANDLE_KILLPRIV_V2 = 1L << 28;
    /** A nodeid no inode has (notifications about a path that has no dentry). */
    private static final long NO_INODE = 0x7fff_ffff_ffff_fff0L;
    private static final int NOTIFY_INVAL_INODE = 2, NOTIFY_INVAL_ENTRY = 3, NOTIFY_PRUNE = 9;
    private static final List<String> STAT_DEFAULT = List.of("ino", "size", "mode", "nlink", "uid", "gid");

    private final KernelReplay replay;
    private final KernelSession session;
    private final TracePolicy policy;
    private final java.util.Set<String> stacked = new java.util.HashSet<>();
    private final Map<String, String> mapNames = new HashMap<>();
    private final Map<String, Result> early = new HashMap<>();
    private final Map<String, Syscall> unfinishedCall = new HashMap<>();
    private final Map<String, List<Value>> unfinishedArgs = new HashMap<>();
    private boolean mounted;
    private long mountNanos;
    private long tickNanos;

    KernelSteps(KernelReplay replay, KernelSession session, TracePolicy policy) {
        this.replay = replay;
        this.session = session;
        this.policy = policy;
    }

    boolean mounted() {
        return mounted;
    }

    /** Real time spent mounting (not the trace's steps). */
    long mountNanos() {
        return mountNanos;
    }

    /** Real time spent sleeping for ticks. */
    long tickNanos() {
        return tickNanos;
    }

    @Override
    public Void visitMount(Stmt.Mount m) {
        mount(m);
        replay.observe(m, "", replay.take(SETTLE_MS), null);
        return null;
    }

    @Override
    public Void visitLowerNode(Stmt.LowerNode n) {
        lowerNode(n);
        replay.observe(n, "", replay.take(0), null);
        return null;
    }

    @Override
    public Void visitLowerLink(Stmt.LowerLink l) {
        session.lowerLink(l.path().text(), l.target().text());
        session.tree().adjustOverride(l.target().text(), "nlink", 1); // as the model's Lower.link
        replay.observe(l, "", replay.take(0), null);
        return null;
    }

    @Override
    public Void visitLowerUnlink(Stmt.LowerUnlink u) {
        String real = session.tree().real(u.path().text());
        if (Files.exists(Path.of(real), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            session.tree().adjustOverride(u.path().text(), "nlink", -1); // as the model's Lower.unlink
        }
        if (Libc.unlink(real) != 0 && Libc.rmdir(real) != 0) {
            throw new IllegalStateException("lower unlink " + u.path() + " failed");
        }
        replay.observe(u, "", replay.take(0), null);
        return null;
    }

    @Override
    public Void visitLowerSet(Stmt.LowerSet ls) {
        lowerSet(ls);
        replay.observe(ls, "", replay.take(0), null);
        return null;
    }

    @Override
    public Void visitLowerWrite(Stmt.LowerWrite w) {
        lowerWrite(w);
        replay.observe(w, "", replay.take(0), null);
        return null;
    }

    @Override
    public Void visitThreadDecl(Stmt.ThreadDecl t) {
        session.thread(t.thread().text(), (int) (long) Item.longValue(t.creds(), "uid").orElse(0L),
                (int) (long) Item.longValue(t.creds(), "gid").orElse(0L));
        replay.observe(t, "", replay.take(0), null);
        return null;
    }

    @Override
    public Void visitServerPolicy(Stmt.ServerPolicy p) {
        policy.rule(TracePolicy.opcode(p.op().opcode()), p.path().text(), p.reply());
        replay.observe(p, "", replay.take(0), null);
        return null;
    }

    @Override
    public Void visitServerLike(Stmt.ServerLike l) {
        for (Stmt.ServerPolicy p : l.preset().policies()) {
            policy.rule(TracePolicy.opcode(p.op().opcode()), null, p.reply()); // every path
        }
        replay.observe(l, "", replay.take(0), null);
        return null;
    }

    @Override
    public Void visitServerHold(Stmt.ServerHold h) {
        policy.hold(TracePolicy.opcode(h.op().opcode()), h.path().map(w -> w.text()).orElse(null));
        replay.observe(h, "", replay.take(0), null);
        return null;
    }

    @Override
    public Void visitServerUnhold(Stmt.ServerUnhold h) {
        policy.unhold(TracePolicy.opcode(h.op().opcode()), h.path().map(w -> w.text()).orElse(null));
        replay.observe(h, "", replay.take(0), null);
        return null;
    }

    @Override
    public Void visitServerReply(Stmt.ServerReply r) {
        serverReply(r);
        return null;
    }

    @Override
    public Void visitBackingOpen(Stmt.BackingOpen b) {
        backingOpen(b);
        return null;
    }

    @Override
    public Void visitBackingClose(Stmt.BackingClose b) {
        ensureMounted();
        int rc = session.backingClose((int) b.id().value());
        String res = rc < 0 ? "-1 " + KernelReplay.errName(-rc) : Integer.toString(rc);
        replay.observe(b, res, replay.take(0), outcomeVerdict(b.outcome(), rc < 0 ? null : (long) rc, rc < 0 ? -rc : 0, res));
        return null;
    }

    @Override
    public Void visitServerCrash(Stmt.ServerCrash s) {
        ensureMounted();
        session.crash();
        replay.observe(s, "", replay.take(SETTLE_MS), null);
        return null;
    }

    @Override
    public Void visitServerNotify(Stmt.ServerNotify n) {
        ensureMounted();
        String res = notify(n.kind(), n.path().text());
        replay.observe(n, res, replay.take(SETTLE_MS), null);
        return null;
    }

    @Override
    public Void visitCall(Stmt.Call c) {
        ensureMounted();
        call(c);
        return null;
    }

    @Override
    public Void visitUnfinished(Stmt.Unfinished u) {
        ensureMounted();
        unfinished(u);
        return null;
    }

    @Override
    public Void visitResumed(Stmt.Resumed r) {
        resumed(r);
        return null;
    }

    @Override
    public Void visitTick(Stmt.Tick t) {
        tick(t);
        return null;
    }

    @Override
    public Void visitEvict(Stmt.Evict e) {
        ensureMounted();
        String res = notify(Stmt.NotifyKind.PRUNE, e.path().text());
        replay.observe(e, res, replay.take(SETTLE_MS), null);
        return null;
    }

    @Override
    public Void visitDropCaches(Stmt.DropCaches s) {
        ensureMounted();
        dropCaches();
        replay.observe(s, "", replay.take(SETTLE_MS), null);
        return null;
    }

    @Override
    public Void visitUmount(Stmt.Umount s) {
        ensureMounted();
        Result r = session.umount();
        replay.observe(s, r.ok() ? "" : "-1 " + r.errno(), replay.take(SETTLE_MS), null);
        return null;
    }

    @Override
    public Void visitExpectRequests(Stmt.ExpectRequests e) {
        replay.expectRequests(e);
        return null;
    }

    @Override
    public Void visitExpectNo(Stmt.ExpectNo e) {
        replay.expectNo(e);
        return null;
    }

    @Override
    public Void visitExpectInode(Stmt.ExpectInode s) {
        notReplayable(s); // model-only: execute() skips it before it gets here
        return null;
    }

    @Override
    public Void visitExpectBacking(Stmt.ExpectBacking s) {
        notReplayable(s); // model-only: execute() skips it before it gets here
        return null;
    }

    @Override
    public Void visitExpectFile(Stmt.ExpectFile s) {
        notReplayable(s); // model-only: execute() skips it before it gets here
        return null;
    }

    @Override
    public Void visitExpectConn(Stmt.ExpectConn s) {
        notReplayable(s); // model-only: execute() skips it before it gets here
        return null;
    }

    private void notReplayable(Stmt s) {
        replay.skipped.put(s.line(), "not replayable on the kernel: " + s.getClass().getSimpleName());
    }

    // ------------------------------------------------------------------ world

    private void mount(Stmt.Mount m) {
        ServerConfig c = new ServerConfig().parallelDirops(!m.has(MountOption.NO_PARALLEL_DIROPS)).allowOther(true);
        long extra = 0;
        for (Stmt.MountArg a : m.options()) {
            Optional<Value> val = a.value();
            switch (a.option()) {
                case PASSTHROUGH -> c.passthrough(true);
                case PASSTHROUGH_INO -> c.passthroughIno(true);
                case WRITEBACK_CACHE -> c.writebackCache(true);
                case NO_INIT_EXT -> c.noInitExt(true);
                case MAX_STACK_DEPTH -> c.maxStackDepth((int) ((Value.Int) val.get()).value());
                case MINOR -> c.minor((int) ((Value.Int) val.get()).value());
                case DIRECT_IO_ALLOW_MMAP -> c.directIoAllowMmap(true);
                case PARALLEL_DIROPS, ALLOW_OTHER, NO_PARALLEL_DIROPS -> { }
                case READDIRPLUS -> c.readdirplus(true);
                case READDIRPLUS_AUTO -> extra |= InitFlags.READDIRPLUS_AUTO | InitFlags.DO_READDIRPLUS;
                case HANDLE_KILLPRIV -> extra |= HANDLE_KILLPRIV;
                case HANDLE_KILLPRIV_V2 -> extra |= HANDLE_KILLPRIV_V2;
                case AUTO_INVAL_DATA -> extra |= InitFlags.AUTO_INVAL_DATA;
                case EXPLICIT_INVAL_DATA -> extra |= EXPLICIT_INVAL_DATA;
                case ATOMIC_O_TRUNC -> extra |= InitFlags.ATOMIC_O_TRUNC;
                case DEFAULT_PERMISSIONS -> c.defaultPermissions(true);
                case NO_OPEN -> policy.enosys(WireOpcode.OPEN);
                case NO_OPENDIR -> policy.enosys(WireOpcode.OPENDIR);
                case NO_FLUSH -> policy.enosys(WireOpcode.FLUSH);
                case INIT_ERROR -> c.initError(((Value.Err) val.get()).errno().number());
                case MAX_WRITE -> c.maxWrite((int) ((Value.Int) val.get()).value());
            }
        }
        if (m.has(MountOption.PASSTHROUGH) && !m.has(MountOption.MAX_STACK_DEPTH)) {
            c.maxStackDepth(1);
        }
        c.extraFlags(extra);
        long t = System.nanoTime();
        session.mount(c);
        session.warmUp();
        mountNanos += System.nanoTime() - t;
        mounted = true;
    }

    private void ensureMounted() {
        if (!mounted) {
            long t = System.nanoTime();
            session.mount(new ServerConfig().parallelDirops(true).allowOther(true));
            session.warmUp();
            mountNanos += System.nanoTime() - t;
            mounted = true;
            replay.notes.add("no mount line before the first step: mounted with the defaults");
        }
    }

    private void lowerNode(Stmt.LowerNode n) {
        String path = n.path().text();
        List<Item> a = n.attrs();
        int uid = (int) (long) Item.longValue(a, "uid").orElse(0L);
        int gid = (int) (long) Item.longValue(a, "gid").orElse(0L);
        Long ino = Item.longValue(a, "ino").orElse(null);
        LowerTree tree = session.tree();
        boolean exists = Files.exists(Path.of(tree.real(path)), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        switch (n.type()) {
            case FILE -> {
                session.lowerFile(path, Item.longValue(a, "size").orElse(0L),
                        (int) (long) Item.longValue(a, "mode").orElse(0644L), uid, gid, ino);
                dataInOrder(tree.real(path), a);
            }
            case DIR -> {
                int mode = (int) (long) Item.longValue(a, "mode").orElse(0755L);
                if (exists) {
                    Libc.chmod(tree.real(path), mode & 07777);
                    Libc.lchown(tree.real(path), uid, gid);
                    if (ino != null) {
                        tree.assignIno(path, ino);
                    }
                } else {
                    session.lowerDir(path, mode, uid, gid, ino);
                }
            }
            case CHR -> tree.special(path, 0020000, (int) (long) Item.longValue(a, "mode").orElse(0644L), uid, gid, ino);
            case FIFO -> tree.special(path, 0010000, (int) (long) Item.longValue(a, "mode").orElse(0644L), uid, gid, ino);
        }
        overrides(path, a);
        if (Item.longValue(a, "stack_depth").orElse(0L) > 0) {
            stacked.add(path);
        }
        if (Item.find(a, "stack_depth").isPresent()) {
            replay.notes.add("line " + n.line() + ": stack_depth of a lower node is model-only (the lower files here are on "
                    + "a plain file system)");
        }
    }

    private void lowerSet(Stmt.LowerSet ls) {
        String path = ls.path().text();
        LowerTree tree = session.tree();
        String real = tree.real(path);
        for (Item i : ls.attrs()) {
            long v = i.value() instanceof Value.Int n ? n.value() : 0;
            switch (i.key()) {
                case "size" -> resize(real, v);
                case "mode" -> Libc.chmod(real, (int) v & 07777);
                case "uid" -> Libc.lchown(real, (int) v, -1);
                case "gid" -> Libc.lchown(real, -1, (int) v);
                case "ino" -> tree.assignIno(path, v);
                case "data" -> setData(real, (Value.Data) i.value());
                default -> { }
            }
        }
        overrides(path, ls.attrs());
    }

    /** Grows with the pattern bytes (byte i = 'a' + i % 26) or shrinks the lower file. */
    private static void resize(String real, long size) {
        try {
            long old = Files.size(Path.of(real));
            if (size <= old) {
                Libc.truncate(real, size);
            } else {
                try (var ch = java.nio.channels.FileChannel.open(Path.of(real), java.nio.file.StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(LowerTree.pattern(old, (int) (size - old))), old);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("lower set size of " + real + ": " + e.getMessage());
        }
    }

    private void overrides(String path, List<Item> attrs) {
        for (String k : List.of("nlink", "atime", "mtime", "ctime", "generation")) {
            Item.longValue(attrs, k).ifPresent(v -> session.tree().override(path, k, v));
        }
    }

    // ------------------------------------------------------------------ server

    private void serverReply(Stmt.ServerReply r) {
        String thread = r.thread().text();
        WireOpcode op = TracePolicy.opcode(r.op().opcode());
        int tid = session.tid(thread);
        FuseServer server = session.server();
        Optional<FuseServer.Held> h = server.awaitHeld(q -> q.op() == op && q.pid() == tid, Duration.ofSeconds(1));
        if (h.isEmpty()) {
            replay.observe(r, "", replay.take(SETTLE_MS), "expected a held " + r.op().word() + " request from " + thread + ", found "
                    + (server.held().isEmpty() ? "none held" : "held: " + server.held().stream()
                    .map(x -> x.request().toString()).toList()));
            return;
        }
        int err = server.release(h.get(), policy.answer(h.get().request(), r.reply().orElse(null)));
        replay.observe(r, err == 0 ? "" : "-1 " + KernelReplay.errName(err), replay.take(SETTLE_MS), null);
    }

    private void backingOpen(Stmt.BackingOpen b) {
        ensureMounted();
        if (b.target() instanceof Stmt.LowerTarget t && stacked.contains(t.path().text())) {
            // The lower files here live on a plain file system (s_stack_depth 0); a file on a
            // stacked one (overlayfs) is not built by this harness.
            replay.unreproducible = "not reproducible here from line " + b.line() + ": " + t.path().text()
                    + " has stack_depth > 0, which needs a stacked lower file system";
            replay.skipped.put(b.line(), replay.unreproducible);
            return;
        }
        int flags = (int) (long) Item.longValue(b.params(), "flags").orElse(0L);
        long padding = Item.longValue(b.params(), "padding").orElse(0L);
        Optional<Value> ops = Item.get(b.params(), "ops");
        if (ops.isPresent()) {
            long mask = ops.get() instanceof Value.Flags f ? f.value() : ((Value.Int) ops.get()).value();
            padding |= mask; // mainline: the series' ops_mask lands in fuse_backing_map.padding
        }
        int rc;
        if (!session.server().running() && session.server().exitReason() != null) {
            rc = -fusesim.model.Errno.EBADF.value; // the daemon's /dev/fuse fd is closed
        } else if (b.target() instanceof Stmt.LowerTarget t) {
            rc = session.backingOpen(t.path().text(), flags, padding);
        } else if (b.target() instanceof Stmt.FdTarget f) {
            rc = session.backingOpenFd((int) f.fd().value(), flags, padding);
        } else {
            rc = session.backingOpenMount(((Stmt.MountTarget) b.target()).path(), flags, padding);
        }
        String res = rc < 0 ? "-1 " + KernelReplay.errName(-rc) : Integer.toString(rc);
        // For mount:PATH the harness opens the file on the mount to get an fd; the requests that
        // causes (LOOKUP, OPEN, FLUSH, RELEASE) are the harness's, not the trace's: drop them.
        List<String> sent = replay.take(b.target() instanceof Stmt.MountTarget ? SETTLE_MS : 0);
        if (b.target() instanceof Stmt.MountTarget) {
            replay.seen.subList(replay.seen.size() - sent.size(), replay.seen.size()).clear();
            sent = List.of();
        }
        replay.observe(b, res, sent, outcomeVerdict(b.outcome(), rc < 0 ? null : (long) rc, rc < 0 ? -rc : 0, res));
    }

    /**
     * FUSE_NOTIFY_INVAL_ENTRY / INVAL_INODE / PRUNE about a trace path; "" or "-1 ERRNO" of the write.
     * The nodeids are those of the kernel's dentries (the latest positive entry reply for the path),
     * as the model resolves the path in its dcache; a path never looked up gets a nodeid no inode has
     * (the kernel then answers as for any unknown inode).
     */
    private String notify(Stmt.NotifyKind kind, String path) {
        LowerTree tree = session.tree();
        ByteBuffer b;
        int code;
        switch (kind) {
            case INVAL_ENTRY -> {
                int slash = path.lastIndexOf('/');
                String parent = slash == 0 ? "/" : path.substring(0, slash);
                byte[] name = path.substring(slash + 1).getBytes(StandardCharsets.UTF_8);
                b = ByteBuffer.allocate(16 + name.length + 1).order(ByteOrder.LITTLE_ENDIAN);
                b.putLong(tree.dentryNodeid(parent).orElse(NO_INODE)).putInt(name.length).putInt(0).put(name)
                        .put((byte) 0);
                code = NOTIFY_INVAL_ENTRY;
            }
            case INVAL_INODE -> {
                b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
                b.putLong(tree.dentryNodeid(path).orElse(NO_INODE)).putLong(0).putLong(0);
                code = NOTIFY_INVAL_INODE;
            }
            default -> {
                b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
                b.putInt(1).putInt(0).putLong(0).putLong(tree.dentryNodeid(path).orElse(NO_INODE));
                code = NOTIFY_PRUNE;
            }
        }
        int err = session.server().notify(code, b.array());
        if (err == 0 && kind == Stmt.NotifyKind.INVAL_ENTRY) {
            tree.lookupFailed(path); // d_invalidate(): the kernel's dentry there is gone
        }
        return err == 0 ? "" : "-1 " + KernelReplay.errName(err);
    }

    // ------------------------------------------------------------------ thread steps

    private void call(Stmt.Call c) {
        String thread = c.thread().text();
        Result r = session.syscall(thread, c.syscall().word(), args(c.syscall(), c.args()));
        finishCall(c, c.syscall(), c.args(), c.outcome(), c.checks(), r);
    }

    private void unfinished(Stmt.Unfinished u) {
        String thread = u.thread().text();
        session.start(thread, u.syscall().word(), args(u.syscall(), u.args()));
        unfinishedCall.put(thread, u.syscall());
        unfinishedArgs.put(thread, u.args());
        int tid = session.tid(thread);
        Optional<FuseServer.Held> h = Optional.empty();
        long start = System.nanoTime();
        long deadline = start + Math.min(2000, replay.stepTimeout.toMillis()) * 1_000_000L;
        boolean asleep = false;
        while (h.isEmpty() && session.running(thread) && System.nanoTime() < deadline) {
            h = session.server().awaitHeld(q -> q.pid() == tid, Duration.ofMillis(5));
            if (h.isEmpty() && System.nanoTime() - start >= ASLEEP_MS * 1_000_000L && session.asleep(thread)) {
                asleep = true; // on a wait queue or a lock, not on a request of its own
                break;
            }
        }
        boolean running = h.isPresent() || asleep ? session.running(thread) : session.stillRunning(thread);
        if (h.isPresent() && running) {
            replay.observe(u, "unfinished", replay.take(SETTLE_MS), null);
        } else if (running) {
            // Blocked in the kernel without a held request of its own: asleep on a wait queue or a
            // lock (a cached opener waiting on direct_io_waitq, a writer on the inode lock).
            replay.observe(u, "unfinished", replay.take(SETTLE_MS), null);
        } else {
            Result r = session.awaitResult(thread);
            early.put(thread, r);
            String res = format(u.syscall(), r, List.of());
            replay.observe(u, res, replay.take(SETTLE_MS), "expected unfinished, found = " + res);
        }
    }

    private void resumed(Stmt.Resumed r) {
        String thread = r.thread().text();
        Result res = early.remove(thread);
        if (res == null) {
            res = session.awaitResult(thread);
        }
        List<Value> args = unfinishedArgs.remove(thread);
        unfinishedCall.remove(thread);
        finishCall(r, r.syscall(), args, r.outcome(), r.checks(), res);
    }

    private void finishCall(Stmt s, Syscall sc, List<Value> args, Outcome expected, List<Item> checks, Result r) {
        if (sc == Syscall.MMAP && r.ok() && expected instanceof Outcome.Maps m) {
            mapNames.put(m.mapping(), r.fields().get("map"));
        } else if (sc == Syscall.MMAP && r.ok()) {
            String name = r.fields().get("map");
            mapNames.put(name, name);
        }
        String res = format(sc, r, checks);
        if (sc == Syscall.MMAP && r.ok() && expected instanceof Outcome.Maps m) {
            res = m.mapping();
        }
        String verdict = outcomeVerdict(expected, r.ok() ? r.value() : null, r.ok() ? 0 : KernelReplay.errNumber(r.errno()), res);
        if (verdict == null && r.ok()) {
            verdict = dataVerdict(expected, r);
        }
        if (verdict == null && r.ok()) {
            verdict = checkVerdict(checks, r, res);
        }
        boolean async = sc == Syscall.CLOSE || sc == Syscall.MUNMAP || sc == Syscall.RENAME || sc == Syscall.RENAMEAT2
            || sc == Syscall.UNLINK;
        replay.observe(s, res, replay.take(async ? SETTLE_MS : 0), verdict);
    }

    /** Trace arguments as {@link KernelSession#syscall} takes them. */
    private Object[] args(Syscall sc, List<Value> a) {
        List<Object> out = new ArrayList<>();
        for (Value v : a) {
            out.add(arg(v));
        }
        switch (sc) {
            case CREAT -> {
                return new Object[] {out.get(0), Libc.O_CREAT | Libc.O_WRONLY | Libc.O_TRUNC, out.get(1)};
            }
            case WRITE -> {
                return new Object[] {out.get(0), written(0, (Long) out.get(1))};
            }
            case PWRITE -> {
                long off = (Long) out.get(2);
                return new Object[] {out.get(0), written(off, (Long) out.get(1)), off};
            }
            case MMAP -> {
                return new Object[] {out.get(0), MAP_LENGTH, out.get(1), out.get(2), 0};
            }
            case MUNMAP -> {
                return new Object[] {out.get(0), MAP_LENGTH};
            }
            case MWRITE -> {
                long off = (Long) out.get(1);
                return new Object[] {out.get(0), off, written(off, (Long) out.get(2))};
            }
            default -> {
                return out.toArray();
            }
        }
    }

    private Object arg(Value v) {
        if (v instanceof Value.Str s) {
            return s.value();
        } else if (v instanceof Value.Int i) {
            return i.value();
        } else if (v instanceof Value.Flags f) {
            return f.value();
        } else if (v instanceof Value.Sym m) {
            return mapNames.getOrDefault(m.name(), "m-unmapped-" + m.name());
        }
        throw new IllegalArgumentException("unexpected argument " + v);
    }

    /** The Observation result: "3", "-1 EIO", "m1", "0 {ino=10 size=4096}" (checked stat fields). */
    static String format(Syscall sc, Result r, List<Item> checks) {
        if (!r.ok()) {
            return "-1 " + r.errno();
        }
        if (sc == Syscall.MMAP) {
            return r.fields().getOrDefault("map", "m?");
        }
        if (sc == Syscall.FSTAT || sc == Syscall.STAT || sc == Syscall.LSTAT) {
            List<String> keys = checks.isEmpty() ? STAT_DEFAULT : checks.stream().map(Item::key).toList();
            StringBuilder b = new StringBuilder(Long.toString(r.value())).append(" {");
            for (String k : keys) {
                b.append(k).append('=').append(r.fields().get(k)).append(' ');
            }
            b.setLength(b.length() - 1);
            return b.append('}').toString();
        }
        if (sc == Syscall.GETDENTS && (!checks.isEmpty() || !r.names().isEmpty())) {
            // the names, as the model prints them
            return r.value() + " {names=" + String.join(",", r.names()) + "}";
        }
        return Long.toString(r.value());
    }

    /** A read's bytes, when the trace states them ({@code read(3, 4) = 4 "abcd"}). */
    private static String dataVerdict(Outcome expected, Result r) {
        if (!(expected instanceof Outcome.Returns ret) || ret.data() == null) {
            return null;
        }
        String got = new String(r.data(), java.nio.charset.StandardCharsets.ISO_8859_1);
        return got.equals(ret.data().bytes()) ? null
                : "expected the bytes " + fusesim.model.Bytes.of(ret.data().bytes()) + ", found " + fusesim.model.Bytes.of(got);
    }

    /** The bytes of a trace write: the model's convention, {@code 'A' + (origin + i) % 26}. */
    private static byte[] written(long origin, long n) {
        return fusesim.model.Bytes.written(origin, n).latin1().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** {@code data=} and a {@code size=} after it, in the order written, as the model applies them. */
    private static void dataInOrder(String real, List<Item> attrs) {
        boolean data = false;
        for (Item i : attrs) {
            if (i.value() instanceof Value.Data d) {
                setData(real, d);
                data = true;
            } else if (data && i.key().equals("size")) {
                resize(real, ((Value.Int) i.value()).value());
            }
        }
    }

    /** {@code data="..."}: the lower file holds exactly these bytes. */
    private static void setData(String real, Value.Data d) {
        try {
            Files.write(Path.of(real), d.bytes().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new IllegalStateException("lower data of " + real + ": " + e.getMessage());
        }
    }

    /** {@code lower write P offset=N "DATA"}: an outside writer's pwrite beside the mount. */
    private void lowerWrite(Stmt.LowerWrite w) {
        String real = session.tree().real(w.path().text());
        try (var ch = java.nio.channels.FileChannel.open(Path.of(real), java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(w.data().bytes().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)), w.offset().value());
        } catch (IOException e) {
            throw new IllegalStateException("lower write " + real + ": " + e.getMessage());
        }
    }

    private static String outcomeVerdict(Outcome expected, Long value, int errno, String found) {
        boolean met;
        if (expected instanceof Outcome.Any) {
            met = true;
        } else if (expected instanceof Outcome.Returns r) {
            met = value != null && value == r.value().value();
        } else if (expected instanceof Outcome.Fails f) {
            met = value == null && errno == f.errno().errno().number();
        } else {
            met = value != null;
        }
        return met ? null : "expected " + TracePrinter.outcome(expected) + ", found " + found;
    }

    private static String checkVerdict(List<Item> checks, Result r, String found) {
        for (Item i : checks) {
            if (i.key().equals("names")) {
                List<String> want = ((Value.Names) i.value()).names();
                if (!want.equals(r.names())) {
                    return "expected names=" + String.join(",", want) + ", found names=" + String.join(",", r.names());
                }
                continue;
            }
            String got = r.fields().get(i.key());
            long want = ((Value.Int) i.value()).value();
            if (got == null || Long.decode(got) != want) {
                return "expected " + i.key() + "=" + TracePrinter.value(i.value(), "|") + ", found " + found;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ other steps

    private void tick(Stmt.Tick t) {
        if (t.duration().infinite() || t.duration().nanos() > MAX_TICK.toNanos()) {
            throw new KernelReplay.Fatal("tick " + t.duration().text() + " is longer than the kernel replay waits in real time ("
                    + MAX_TICK.toSeconds() + " s)");
        }
        tickNanos += t.duration().nanos();
        try {
            Thread.sleep(t.duration().nanos() / 1_000_000, (int) (t.duration().nanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelReplay.Fatal("interrupted");
        }
        replay.observe(t, "", replay.take(1), null);
    }

    /**
     * {@code drop_caches}: "2" written twice. The dentry LRU gives a recently used dentry a second
     * chance (dentry_lru_isolate: DCACHE_REFERENCED rotates it), and drop_slab() stops after a pass
     * that freed almost nothing, so one write leaves such a dentry when the machine's caches are
     * already small; the second pass frees it, as the model's drop_caches frees every unused one.
     */
    private static void dropCaches() {
        try {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "2");
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "2");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write /proc/sys/vm/drop_caches: " + e.getMessage());
        }
    }
}
