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

import fusesim.traces.replay.StepOutcome;
import fusesim.traces.replay.TraceDriver;
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
final class KernelSteps implements TraceDriver.Backend {
    /** A nodeid no inode has (notifications about a path that has no dentry). */
    private static final long NO_INODE = 0x7fff_ffff_ffff_fff0L;
    private static final int NOTIFY_INVAL_INODE = 2, NOTIFY_INVAL_ENTRY = 3, NOTIFY_PRUNE = 9;

    private final KernelReplay replay;
    private final KernelSession session;
    private final TracePolicy policy;
    private final WorldSetup world;
    /** A call's result, from its return until its line (the call's, or its resumed one) judges it. */
    private final Map<String, Result> returned = new HashMap<>();
    /** The protocol over this backend: the calls in flight, the mapping names the trace made. */
    private TraceDriver names;
    private boolean mounted;
    private long mountNanos;
    private long tickNanos;

    KernelSteps(KernelReplay replay, KernelSession session, TracePolicy policy) {
        this.replay = replay;
        this.session = session;
        this.policy = policy;
        this.world = new WorldSetup(session, replay.notes);
    }

    /** The driver this backend runs under (its mapping names translate mapping arguments). */
    void driver(TraceDriver driver) {
        this.names = driver;
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
    public StepOutcome visitMount(Stmt.Mount m) {
        mount(m);
        return replay.observe(m, "", replay.take(SETTLE_MS), null);
    }

    @Override
    public StepOutcome visitLowerNode(Stmt.LowerNode n) {
        world.lowerNode(n);
        return replay.observe(n, "", replay.take(0), null);
    }

    @Override
    public StepOutcome visitLowerLink(Stmt.LowerLink l) {
        world.lowerLink(l);
        return replay.observe(l, "", replay.take(0), null);
    }

    @Override
    public StepOutcome visitLowerUnlink(Stmt.LowerUnlink u) {
        world.lowerUnlink(u);
        return replay.observe(u, "", replay.take(0), null);
    }

    @Override
    public StepOutcome visitLowerSet(Stmt.LowerSet ls) {
        world.lowerSet(ls);
        return replay.observe(ls, "", replay.take(0), null);
    }

    @Override
    public StepOutcome visitLowerWrite(Stmt.LowerWrite w) {
        world.lowerWrite(w);
        return replay.observe(w, "", replay.take(0), null);
    }

    @Override
    public StepOutcome visitThreadDecl(Stmt.ThreadDecl t) {
        session.thread(t.thread().text(), (int) (long) Item.longValue(t.creds(), "uid").orElse(0L),
                (int) (long) Item.longValue(t.creds(), "gid").orElse(0L));
        return replay.observe(t, "", replay.take(0), null);
    }

    @Override
    public StepOutcome visitServerPolicy(Stmt.ServerPolicy p) {
        policy.rule(TracePolicy.opcode(p.op().opcode()), p.path().text(), p.reply());
        return replay.observe(p, "", replay.take(0), null);
    }

    @Override
    public StepOutcome visitServerLike(Stmt.ServerLike l) {
        for (Stmt.ServerPolicy p : l.preset().policies()) {
            policy.rule(TracePolicy.opcode(p.op().opcode()), null, p.reply()); // every path
        }
        return replay.observe(l, "", replay.take(0), null);
    }

    @Override
    public StepOutcome visitServerHold(Stmt.ServerHold h) {
        policy.hold(TracePolicy.opcode(h.op().opcode()), h.path().map(w -> w.text()).orElse(null));
        return replay.observe(h, "", replay.take(0), null);
    }

    @Override
    public StepOutcome visitServerUnhold(Stmt.ServerUnhold h) {
        policy.unhold(TracePolicy.opcode(h.op().opcode()), h.path().map(w -> w.text()).orElse(null));
        return replay.observe(h, "", replay.take(0), null);
    }

    @Override
    public StepOutcome visitServerReply(Stmt.ServerReply r) {
        return serverReply(r);
    }

    @Override
    public StepOutcome visitBackingOpen(Stmt.BackingOpen b) {
        return backingOpen(b);
    }

    @Override
    public StepOutcome visitBackingClose(Stmt.BackingClose b) {
        ensureMounted();
        int rc = session.backingClose((int) b.id().value());
        String res = rc < 0 ? "-1 " + KernelReplay.errName(-rc) : Integer.toString(rc);
        return replay.observe(b, res, replay.take(0), CallResults.outcomeVerdict(b.outcome(), rc < 0 ? null : (long) rc, rc < 0 ? -rc : 0, res));
    }

    @Override
    public StepOutcome visitServerCrash(Stmt.ServerCrash s) {
        ensureMounted();
        session.crash();
        return replay.observe(s, "", replay.take(SETTLE_MS), null);
    }

    @Override
    public StepOutcome visitServerFault(Stmt.ServerFault s) {
        ensureMounted();
        replay.serverFault(s);
        return replay.observe(s, "", replay.take(0), null);
    }

    @Override
    public StepOutcome visitServerNotify(Stmt.ServerNotify n) {
        ensureMounted();
        String res = notify(n.kind(), n.path().text());
        return replay.observe(n, res, replay.take(SETTLE_MS), null);
    }

    @Override
    public StepOutcome visitTick(Stmt.Tick t) {
        return tick(t);
    }

    @Override
    public StepOutcome visitEvict(Stmt.Evict e) {
        ensureMounted();
        String res = notify(Stmt.NotifyKind.PRUNE, e.path().text());
        return replay.observe(e, res, replay.take(SETTLE_MS), null);
    }

    @Override
    public StepOutcome visitDropCaches(Stmt.DropCaches s) {
        ensureMounted();
        dropCaches();
        return replay.observe(s, "", replay.take(SETTLE_MS), null);
    }

    @Override
    public StepOutcome visitUmount(Stmt.Umount s) {
        ensureMounted();
        Result r = session.umount();
        return replay.observe(s, r.ok() ? "" : "-1 " + r.errno(), replay.take(SETTLE_MS), null);
    }

    @Override
    public StepOutcome visitExpectRequests(Stmt.ExpectRequests e) {
        return replay.expectRequests(e);
    }

    @Override
    public StepOutcome visitExpectNo(Stmt.ExpectNo e) {
        return replay.expectNo(e);
    }

    @Override
    public StepOutcome visitExpectInode(Stmt.ExpectInode s) {
        return notReplayable(s); // model-only: execute() skips it before it gets here
    }

    @Override
    public StepOutcome visitExpectBacking(Stmt.ExpectBacking s) {
        return notReplayable(s); // model-only: execute() skips it before it gets here
    }

    @Override
    public StepOutcome visitExpectFile(Stmt.ExpectFile s) {
        return notReplayable(s); // model-only: execute() skips it before it gets here
    }

    @Override
    public StepOutcome visitExpectConn(Stmt.ExpectConn s) {
        return notReplayable(s); // model-only: execute() skips it before it gets here
    }

    /** Null: the line did not run (listed in the replay's skipped lines). */
    private StepOutcome notReplayable(Stmt s) {
        replay.skipped.put(s.line(), "not replayable on the kernel: " + s.getClass().getSimpleName());
        return null;
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

    private StepOutcome serverReply(Stmt.ServerReply r) {
        String thread = r.thread().text();
        WireOpcode op = TracePolicy.opcode(r.op().opcode());
        int tid = session.tid(thread);
        FuseServer server = session.server();
        Optional<FuseServer.Held> h = server.awaitHeld(q -> q.op() == op && q.pid() == tid, Duration.ofSeconds(1));
        if (h.isEmpty()) {
            return replay.observe(r, "", replay.take(SETTLE_MS), "expected a held " + r.op().word() + " request from " + thread + ", found "
                    + (server.held().isEmpty() ? "none held" : "held: " + server.held().stream()
                    .map(x -> x.request().toString()).toList()));
        }
        int err = server.release(h.get(), policy.answer(h.get().request(), r.reply().orElse(null)));
        return replay.observe(r, err == 0 ? "" : "-1 " + KernelReplay.errName(err), replay.take(SETTLE_MS), null);
    }

    /** Null when the line cannot be reproduced here (skipped). */
    private StepOutcome backingOpen(Stmt.BackingOpen b) {
        ensureMounted();
        if (b.target() instanceof Stmt.LowerTarget t && world.stacked(t.path().text())) {
            // The lower files here live on a plain file system (s_stack_depth 0); a file on a
            // stacked one (overlayfs) is not built by this harness.
            replay.unreproducible = "not reproducible here from line " + b.line() + ": " + t.path().text()
                    + " has stack_depth > 0, which needs a stacked lower file system";
            replay.skipped.put(b.line(), replay.unreproducible);
            return null;
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
        return replay.observe(b, res, sent, CallResults.outcomeVerdict(b.outcome(), rc < 0 ? null : (long) rc, rc < 0 ? -rc : 0, res));
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

    /**
     * Starts the call on its driver thread: a {@code Call} line runs it to its result (the
     * driver's syscall waits for it); an {@code <unfinished ...>} line starts it and waits until it
     * is blocked (a held request of its own, or asleep in the kernel) or has returned.
     */
    @Override
    public boolean start(TraceDriver.Call call) {
        ensureMounted();
        String thread = call.thread();
        if (call.line() instanceof Stmt.Call) {
            returned.put(thread, session.syscall(thread, call.syscall().word(), args(call.syscall(), call.args())));
            return false;
        }
        session.start(thread, call.syscall().word(), args(call.syscall(), call.args()));
        if (blocked(thread)) {
            return true;
        }
        returned.put(thread, session.awaitResult(thread));
        return false;
    }

    /** Whether the started call blocks: a held request of its own, or asleep on a lock or wait queue. */
    private boolean blocked(String thread) {
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
        // Blocked in the kernel without a held request of its own: asleep on a wait queue or a
        // lock (a cached opener waiting on direct_io_waitq, a writer on the inode lock).
        return h.isPresent() || asleep ? session.running(thread) : session.stillRunning(thread);
    }

    @Override
    public StepOutcome blocked(TraceDriver.Call call) {
        return replay.observe(call.line(), "unfinished", replay.take(SETTLE_MS), null);
    }

    @Override
    public StepOutcome didNotBlock(TraceDriver.Call call) {
        String res = CallResults.format(call.syscall(), returned.get(call.thread()), List.of());
        return replay.observe(call.line(), res, replay.take(SETTLE_MS), "expected unfinished, found = " + res);
    }

    /** A resumed call is waited for by {@link #returned}: the kernel reports no wait here. */
    @Override
    public String waitingFor(String thread) {
        return null;
    }

    /** The trace text was checked beforehand ({@link TraceChecks}): a thread in a call makes no other. */
    @Override
    public String inCall(String thread) {
        return null;
    }

    @Override
    public int requestMark() {
        return replay.seen.size();
    }

    @Override
    public TraceDriver.Returned returned(TraceDriver.Call call, Stmt.ThreadStep line, Outcome o, List<Item> checks) {
        Result r = returned.remove(call.thread());
        if (r == null) {
            r = session.awaitResult(call.thread());
        }
        return finishCall(line, call.syscall(), call.args(), o, checks, r);
    }

    /** The result judged and observed; a mapping is named by the trace's name for it, or the driver's. */
    private TraceDriver.Returned finishCall(Stmt s, Syscall sc, List<Value> args, Outcome expected, List<Item> checks, Result r) {
        String mapping = null;
        if (sc == Syscall.MMAP && r.ok() && expected instanceof Outcome.Maps m) {
            mapping = m.mapping();
        } else if (sc == Syscall.MMAP && r.ok()) {
            mapping = r.fields().get("map");
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
        StepOutcome out = replay.observe(s, res, replay.take(async ? SETTLE_MS : 0), verdict);
        return new TraceDriver.Returned(out, null, mapping, mapping == null ? null : r.fields().get("map"));
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
            case PREADV -> {
                return new Object[] {out.get(0), ((Value.Iov) a.get(1)).joined(), out.get(2)};
            }
            case PWRITEV -> {
                // the pwrite convention's bytes from the offset, cut into the iovecs by the driver
                Value.Iov iov = (Value.Iov) a.get(1);
                long off = (Long) out.get(2);
                return new Object[] {out.get(0), iov.joined(), CallResults.written(off, iov.total()), off};
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
        } else if (v instanceof Value.Iov iov) {
            return iov.joined();
        } else if (v instanceof Value.Times tm) {
            return tm.encoded(); // the driver's Syscalls.timespecs reads it
        } else if (v instanceof Value.Sym m) {
            String handle = names.mapping(m.name()); // the driver's record of the mappings made
            return handle != null ? handle : "m-unmapped-" + m.name();
        }
        throw new IllegalArgumentException("unexpected argument " + v);
    }

    // ------------------------------------------------------------------ other steps

    private StepOutcome tick(Stmt.Tick t) {
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
        return replay.observe(t, "", replay.take(1), null);
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
