package fusesim.kernel.replay;

import fusesim.kernel.KernelSession;
import fusesim.kernel.driver.Result;
import fusesim.kernel.proto.WireOpcode;
import fusesim.kernel.server.FuseServer;
import fusesim.kernel.server.LowerTree;
import fusesim.kernel.server.ServerConfig;
import fusesim.kernel.sys.Libc;
import fusesim.model.Errno;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.Outcome;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Syscall;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.Value;
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
    /** A nodeid no inode has (notifications about a path that has no dentry). */
    private static final long NO_INODE = 0x7fff_ffff_ffff_fff0L;
    private static final int NOTIFY_INVAL_INODE = 2, NOTIFY_INVAL_ENTRY = 3, NOTIFY_PRUNE = 9;

    private final KernelReplay replay;
    private final KernelSession session;
    private final TracePolicy policy;
    private final WorldSetup world;
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
        this.world = new WorldSetup(session, replay.notes);
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
        world.lowerNode(n);
        replay.observe(n, "", replay.take(0), null);
        return null;
    }

    @Override
    public Void visitLowerLink(Stmt.LowerLink l) {
        world.lowerLink(l);
        replay.observe(l, "", replay.take(0), null);
        return null;
    }

    @Override
    public Void visitLowerUnlink(Stmt.LowerUnlink u) {
        world.lowerUnlink(u);
        replay.observe(u, "", replay.take(0), null);
        return null;
    }

    @Override
    public Void visitLowerSet(Stmt.LowerSet ls) {
        world.lowerSet(ls);
        replay.observe(ls, "", replay.take(0), null);
        return null;
    }

    @Override
    public Void visitLowerWrite(Stmt.LowerWrite w) {
        world.lowerWrite(w);
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
        replay.observe(b, res, replay.take(0), CallResults.outcomeVerdict(b.outcome(), rc < 0 ? null : (long) rc, rc < 0 ? -rc : 0, res));
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
    public Void visitServerFault(Stmt.ServerFault s) {
        ensureMounted();
        replay.serverFault(s);
        replay.observe(s, "", replay.take(0), null);
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
        ServerConfig c = WorldSetup.serverConfig(m, policy);
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
        if (b.target() instanceof Stmt.LowerTarget t && world.stacked(t.path().text())) {
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
        replay.observe(b, res, sent, CallResults.outcomeVerdict(b.outcome(), rc < 0 ? null : (long) rc, rc < 0 ? -rc : 0, res));
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
            String res = CallResults.format(u.syscall(), r, List.of());
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
        String res = CallResults.format(sc, r, checks);
        if (sc == Syscall.MMAP && r.ok() && expected instanceof Outcome.Maps m) {
            res = m.mapping();
        }
        String verdict = CallResults.outcomeVerdict(expected, r.ok() ? r.value() : null, r.ok() ? 0 : KernelReplay.errNumber(r.errno()), res);
        if (verdict == null && r.ok()) {
            verdict = CallResults.dataVerdict(expected, r);
        }
        if (verdict == null && r.ok()) {
            verdict = CallResults.checkVerdict(checks, r, res);
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
                return new Object[] {out.get(0), CallResults.written(0, (Long) out.get(1))};
            }
            case PWRITE -> {
                long off = (Long) out.get(2);
                return new Object[] {out.get(0), CallResults.written(off, (Long) out.get(1)), off};
            }
            case MMAP -> {
                return new Object[] {out.get(0), MAP_LENGTH, out.get(1), out.get(2), 0};
            }
            case MUNMAP -> {
                return new Object[] {out.get(0), MAP_LENGTH};
            }
            case MWRITE -> {
                long off = (Long) out.get(1);
                return new Object[] {out.get(0), off, CallResults.written(off, (Long) out.get(2))};
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
