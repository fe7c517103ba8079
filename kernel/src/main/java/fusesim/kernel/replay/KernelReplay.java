package fusesim.kernel.replay;

import fusesim.kernel.KernelProbe;
import fusesim.kernel.KernelSession;
import fusesim.kernel.driver.DriverClient;
import fusesim.kernel.driver.Result;
import fusesim.kernel.proto.InitFlags;
import fusesim.kernel.proto.WireOpcode;
import fusesim.kernel.server.FuseServer;
import fusesim.kernel.server.LowerTree;
import fusesim.kernel.server.ServerConfig;
import fusesim.kernel.sys.Libc;
import fusesim.kernel.sys.Watchdog;
import fusesim.model.Errno;
import fusesim.traces.lang.Header;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.MountOption;
import fusesim.traces.lang.Outcome;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Syscall;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TracePrinter;
import fusesim.traces.lang.TraceSemanticError;
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
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Replays a parsed trace on this machine's kernel: one fresh {@link KernelSession} per trace, each
 * statement mapped onto it in order, one {@link Observation} per line that ran. Only what a kernel
 * shows is checked (syscall results, stat fields, getdents names, blocked calls, FUSE requests);
 * model-only expectations are skipped and listed. The session is always torn down (abort through
 * fusectl, lazy unmount), and every step runs under a watchdog that aborts the connection.
 *
 * <pre>
 * KernelReplayResult r = KernelReplay.run(TraceParser.parse("t.trace", text));
 * </pre>
 */
public final class KernelReplay {
    /** The mapping length used for {@code mmap(fd, prot, flags)} (the trace gives none): 1 MiB. */
    public static final long MAP_LENGTH = 1 << 20;
    /** The longest {@code tick} waited for in real time; a longer one ends the replay (skipped). */
    public static final Duration MAX_TICK = Duration.ofSeconds(10);
    /** A trace's whole replay; each step has its own watchdog (3 step timeouts, plus its tick). */
    public static final Duration MAX_TRACE_TIME = Duration.ofMinutes(5);
    /**
     * How long the request stream must stay quiet after a step that may cause asynchronous requests
     * (RELEASE after close, FORGET after evict, readahead READs) before its requests are taken.
     */
    static final long SETTLE_MS = 4;
    /**
     * With a hint of the requests a line should cause ({@link #run(Trace, Duration, Map)}): once they
     * have all arrived, the stream need only stay quiet this long; until then up to
     * {@link #HINT_WAIT_MS} is waited for them, then {@link #SETTLE_MS} of quiet as without a hint.
     * The hint only shortens or lengthens the wait: what arrives is what is reported.
     */
    static final long HINT_QUIET_MS = 2;
    /**
     * 200 ms: a thread a reply wakes can wait that long for a CPU on this 2-core machine when
     * other builds run (load 5-6: fuzz finding 2-189's RELEASEs, sent synchronously by two woken
     * opens, came after 50 ms). It is only spent where the model predicts a request the kernel
     * does not send, which is a disagreement anyway.
     */
    static final long HINT_WAIT_MS = 200;
    /** A call that has slept this long in the kernel without a held request of its own is blocked. */
    static final long ASLEEP_MS = 20;
    private static final boolean PROFILE = Boolean.getBoolean("fusesim.replay.profile");
    /** The model's nodeid allocation for lower nodes without {@code ino=}. */
    static final long FIRST_INO = 1000;

    private static final long HANDLE_KILLPRIV = 1L << 19;
    private static final long EXPLICIT_INVAL_DATA = 1L << 25;
    private static final long HANDLE_KILLPRIV_V2 = 1L << 28;
    /** A nodeid no inode has (notifications about a path that has no dentry). */
    private static final long NO_INODE = 0x7fff_ffff_ffff_fff0L;
    private static final int NOTIFY_INVAL_INODE = 2, NOTIFY_INVAL_ENTRY = 3, NOTIFY_PRUNE = 9;
    private static final List<String> STAT_DEFAULT = List.of("ino", "size", "mode", "nlink", "uid", "gid");

    /** The kernel cannot serve as the oracle here (no /dev/fuse, not root, no passthrough, ...). */
    public static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String reason) {
            super(reason);
        }

        public String reason() {
            return getMessage();
        }
    }

    /** A step that cannot go on (timeout, aborted connection, driver gone): the rest is skipped. */
    private static final class Fatal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Fatal(String message) {
            super(message);
        }
    }

    private final Trace trace;
    private final Duration stepTimeout;
    private final Map<Integer, List<String>> hints;
    private int currentLine;
    private final List<Observation> observations = new ArrayList<>();
    private final TreeMap<Integer, String> skipped = new TreeMap<>();
    private final java.util.Set<String> stacked = new java.util.HashSet<>();
    /** Set when the rest of the trace cannot be reproduced on this machine. */
    private String unreproducible;
    private final List<String> notes = new ArrayList<>();
    /** The senders of each list {@link #take} returned (by identity), until it is observed. */
    private final java.util.IdentityHashMap<List<String>, List<String>> takenSenders = new java.util.IdentityHashMap<>();
    /** line → the senders of its requests (see {@link KernelReplayResult#sendersOf}). */
    private final Map<Integer, List<String>> senders = new HashMap<>();
    private final List<String> seen = new ArrayList<>();
    private final Map<String, String> mapNames = new HashMap<>();
    private final Map<String, Result> early = new HashMap<>();
    private final Map<String, Syscall> unfinishedCall = new HashMap<>();
    private final Map<String, List<Value>> unfinishedArgs = new HashMap<>();
    private final Map<String, List<Item>> unfinishedChecks = new HashMap<>();
    private KernelSession session;
    private TracePolicy policy;
    private boolean mounted;
    private int logMark;
    private int expectMark;
    private long lastQuietMs;
    private long stepNanos;
    private long mountNanos;
    private long tickNanos;

    private KernelReplay(Trace trace, Duration stepTimeout, Map<Integer, List<String>> hints) {
        this.trace = trace;
        this.stepTimeout = stepTimeout;
        this.hints = hints;
    }

    /**
     * A wire fault for one run (issue 16 §4, the kernel fuzzer's wire-fault campaign): armed just
     * before the statement on {@code line}, it replaces the next reply to {@code op}
     * ({@link FuseServer#inject}). CLOSE_MID_REQUEST is not offered here: a trace states a crash.
     */
    public record WirePlan(int line, fusesim.kernel.proto.WireOpcode op, fusesim.kernel.server.WireFault fault) {
        public WirePlan {
            if (fault == fusesim.kernel.server.WireFault.CLOSE_MID_REQUEST) {
                throw new IllegalArgumentException("a daemon closing /dev/fuse is a trace's `server crash`");
            }
        }
    }

    /** A replay with a wire fault: the replay, and what the server did if the fault was taken. */
    public record Faulted(KernelReplayResult result, Optional<FuseServer.Injected> injected) {}

    private WirePlan plan;
    private FuseServer.Injection armed;

    /** {@link #run(Trace, Duration, Map)} with {@code plan}'s fault armed before its line. */
    public static Faulted runFaulted(Trace trace, Duration stepTimeout, Map<Integer, List<String>> expected,
                                     WirePlan plan) {
        TraceChecks.check(trace);
        KernelProbe probe = KernelProbe.get();
        if (!probe.usable()) {
            throw new Unavailable(probe.reason());
        }
        KernelReplay r = new KernelReplay(trace, stepTimeout, Map.copyOf(expected));
        r.plan = plan;
        KernelReplayResult res = r.execute();
        return new Faulted(res, r.armed == null ? Optional.empty() : Optional.ofNullable(r.armed.done().getNow(null)));
    }

    /** Why the kernel cannot be used here, or empty if it can. */
    public static Optional<String> unavailableReason() {
        KernelProbe p = KernelProbe.get();
        return p.usable() ? Optional.empty() : Optional.of(p.reason());
    }

    /**
     * Replays {@code trace} with a 5 s per-step timeout.
     *
     * @throws Unavailable when the kernel cannot be used (the CLI exits 3)
     * @throws TraceSemanticError when the trace means nothing (an fd never opened, ...)
     */
    public static KernelReplayResult run(Trace trace) {
        return run(trace, Duration.ofSeconds(5));
    }

    public static KernelReplayResult run(Trace trace, Duration stepTimeout) {
        return run(trace, stepTimeout, Map.of());
    }

    /**
     * Replays {@code trace} next to the model's replay of it, with the model's requests per line as
     * the hint (see {@link #run(Trace, Duration, Map)}): a request a woken thread sends a little
     * later is then still counted on the line that caused it. Used wherever model and kernel are
     * compared line by line (kernel replay, the corpus test, kernel fuzz).
     */
    public static KernelReplayResult runBeside(Trace trace, List<fusesim.traces.replay.Observation> model) {
        Map<Integer, List<String>> hints = new java.util.HashMap<>();
        for (fusesim.traces.replay.Observation o : model) {
            hints.put(o.line(), o.requests());
        }
        return run(trace, Duration.ofSeconds(5), hints);
    }

    /**
     * Replays {@code trace}, waiting for asynchronous requests with a hint: {@code expected} maps a
     * line to the requests it is expected to cause (the model's prediction). A line's requests are
     * taken once those have arrived and the stream has been quiet for {@value #HINT_QUIET_MS} ms
     * (instead of {@value #SETTLE_MS} ms), or, if they do not come, after up to {@value #HINT_WAIT_MS}
     * ms and the usual quiet. Only the waiting changes: what the kernel sent is what is reported, and
     * a request later than the wait shows on the next line.
     */
    public static KernelReplayResult run(Trace trace, Duration stepTimeout, Map<Integer, List<String>> expected) {
        TraceChecks.check(trace);
        KernelProbe probe = KernelProbe.get();
        if (!probe.usable()) {
            throw new Unavailable(probe.reason());
        }
        Header.Semantics sem = trace.header().semantics();
        if (sem.series() != Header.Series.MAINLINE && !probe.offers(InitFlags.PASSTHROUGH_INO)) {
            throw new Unavailable("trace " + trace.name() + " is about semantics " + sem.text()
                    + " (the passthrough series); this kernel does not offer FUSE_PASSTHROUGH_INO, it runs mainline");
        }
        return new KernelReplay(trace, stepTimeout, Map.copyOf(expected)).execute();
    }

    private KernelReplayResult execute() {
        long t0 = System.nanoTime();
        int cutoff = Integer.MAX_VALUE;
        Header.Verdict v = trace.header().verdict();
        if (v.violates().isPresent()) {
            String id = v.violates().get().text();
            if (v.atLine().isPresent()) {
                cutoff = (int) v.atLine().get().value();
                notes.add("result: violates " + id + " at line " + cutoff + " is a model-only verdict; the kernel "
                        + "judges the observable lines up to line " + cutoff);
            } else {
                notes.add("result: violates " + id + " is a model-only verdict; the kernel judges the observable lines");
            }
        }
        if (!trace.header().assumptions().isEmpty()) {
            notes.add("assume: lines choose model behaviour; the kernel does what it does");
        }
        String fatal = null;
        try {
            session = KernelSession.open(stepTimeout);
            session.tree().allocateInos(FIRST_INO);
            policy = new TracePolicy(session.tree());
            session.usePolicy(policy);
            for (Stmt s : trace.body()) {
                if (fatal == null && unreproducible != null) {
                    fatal = unreproducible;
                }
                if (fatal != null) {
                    skipped.put(s.line(), (unreproducible != null ? "" : "not run: ") + fatal);
                    continue;
                }
                if (s.line() > cutoff) {
                    skipped.put(s.line(), "after line " + cutoff + ", where the model-only verdict applies");
                    continue;
                }
                if (s instanceof Stmt.Expect e && e.modelOnly()) {
                    skipped.put(s.line(), "model-only expectation (internal state a kernel does not show)");
                    continue;
                }
                long t = System.nanoTime();
                currentLine = s.line();
                if (plan != null && plan.line() == s.line() && mounted) {
                    armed = session.server().inject(plan.op(), plan.fault());
                }
                if (System.nanoTime() - t0 > MAX_TRACE_TIME.toNanos()) {
                    fatal = "over the kernel oracle's limit on time per trace (" + MAX_TRACE_TIME.toSeconds() + " s)";
                    skipped.put(s.line(), "not run: " + fatal);
                    continue;
                }
                try {
                    step(s);
                } catch (fusesim.kernel.sys.Beneath.Escape e) {
                    fatal = "line " + s.line() + " refused by the sandbox: " + e.getMessage();
                    observe(s, "failed", take(SETTLE_MS), "refused by the sandbox: " + e.getMessage());
                } catch (Fatal | IllegalStateException | IllegalArgumentException | java.io.UncheckedIOException e) {
                    fatal = "line " + s.line() + " failed: " + e.getMessage();
                    observe(s, "failed", take(SETTLE_MS), "step failed: " + e.getMessage());
                } catch (RuntimeException e) {
                    // a harness bug: reported on the line, and the session is still torn down
                    fatal = "line " + s.line() + " failed: harness error " + e;
                    observe(s, "failed", take(SETTLE_MS), "step failed: harness error " + e);
                }
                stepNanos += System.nanoTime() - t;
                if (PROFILE) {
                    System.err.printf("replay %s:%d %.2f ms %s%n", trace.file(), s.line(),
                            (System.nanoTime() - t) / 1e6, TracePrinter.print(s));
                }
            }
        } finally {
            if (session != null) {
                session.close();
            }
        }
        Optional<KernelReplayResult.Disagreement> first = observations.stream().filter(o -> !o.met()).findFirst()
                .map(o -> new KernelReplayResult.Disagreement(o.line(), o.verdict()));
        return new KernelReplayResult(trace.name(), observations, skipped, notes, first, System.nanoTime() - t0,
                stepNanos - mountNanos - tickNanos, senders);
    }

    // ------------------------------------------------------------------ one statement

    private void step(Stmt s) {
        Duration limit = stepTimeout.multipliedBy(3);
        if (s instanceof Stmt.Tick t && !t.duration().infinite()) {
            limit = limit.plus(Duration.ofNanos(Math.min(t.duration().nanos(), MAX_TICK.toNanos())));
        }
        AtomicBoolean fired = new AtomicBoolean();
        try (Watchdog.Armed w = Watchdog.arm(limit, () -> {
            fired.set(true);
            session.emergencyAbort();
        })) {
            dispatch(s);
        }
        if (fired.get()) {
            throw new Fatal("watchdog: the step took longer than " + limit.toMillis() + " ms; connection aborted");
        }
    }

    private void dispatch(Stmt s) {
        if (s instanceof Stmt.Mount m) {
            mount(m);
            observe(s, "", take(SETTLE_MS), null);
        } else if (s instanceof Stmt.LowerNode n) {
            lowerNode(n);
            observe(s, "", take(0), null);
        } else if (s instanceof Stmt.LowerLink l) {
            session.lowerLink(l.path().text(), l.target().text());
            session.tree().adjustOverride(l.target().text(), "nlink", 1); // as the model's Lower.link
            observe(s, "", take(0), null);
        } else if (s instanceof Stmt.LowerUnlink u) {
            String real = session.tree().real(u.path().text());
            if (Files.exists(Path.of(real), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                session.tree().adjustOverride(u.path().text(), "nlink", -1); // as the model's Lower.unlink
            }
            if (Libc.unlink(real) != 0 && Libc.rmdir(real) != 0) {
                throw new IllegalStateException("lower unlink " + u.path() + " failed");
            }
            observe(s, "", take(0), null);
        } else if (s instanceof Stmt.LowerSet ls) {
            lowerSet(ls);
            observe(s, "", take(0), null);
        } else if (s instanceof Stmt.LowerWrite w) {
            lowerWrite(w);
            observe(s, "", take(0), null);
        } else if (s instanceof Stmt.ThreadDecl t) {
            session.thread(t.thread().text(), (int) (long) Item.longValue(t.creds(), "uid").orElse(0L),
                    (int) (long) Item.longValue(t.creds(), "gid").orElse(0L));
            observe(s, "", take(0), null);
        } else if (s instanceof Stmt.ServerPolicy p) {
            policy.rule(TracePolicy.opcode(p.op().opcode()), p.path().text(), p.reply());
            observe(s, "", take(0), null);
        } else if (s instanceof Stmt.ServerLike l) {
            for (Stmt.ServerPolicy p : l.preset().policies()) {
                policy.rule(TracePolicy.opcode(p.op().opcode()), null, p.reply()); // every path
            }
            observe(s, "", take(0), null);
        } else if (s instanceof Stmt.ServerHold h) {
            policy.hold(TracePolicy.opcode(h.op().opcode()), h.path().map(w -> w.text()).orElse(null));
            observe(s, "", take(0), null);
        } else if (s instanceof Stmt.ServerUnhold h) {
            policy.unhold(TracePolicy.opcode(h.op().opcode()), h.path().map(w -> w.text()).orElse(null));
            observe(s, "", take(0), null);
        } else if (s instanceof Stmt.ServerReply r) {
            serverReply(r);
        } else if (s instanceof Stmt.BackingOpen b) {
            backingOpen(b);
        } else if (s instanceof Stmt.BackingClose b) {
            ensureMounted();
            int rc = session.backingClose((int) b.id().value());
            String res = rc < 0 ? "-1 " + errName(-rc) : Integer.toString(rc);
            observe(s, res, take(0), outcomeVerdict(b.outcome(), rc < 0 ? null : (long) rc, rc < 0 ? -rc : 0, res));
        } else if (s instanceof Stmt.ServerCrash) {
            ensureMounted();
            session.crash();
            observe(s, "", take(SETTLE_MS), null);
        } else if (s instanceof Stmt.ServerNotify n) {
            ensureMounted();
            String res = notify(n.kind(), n.path().text());
            observe(s, res, take(SETTLE_MS), null);
        } else if (s instanceof Stmt.Call c) {
            ensureMounted();
            call(c);
        } else if (s instanceof Stmt.Unfinished u) {
            ensureMounted();
            unfinished(u);
        } else if (s instanceof Stmt.Resumed r) {
            resumed(r);
        } else if (s instanceof Stmt.Tick t) {
            tick(t);
        } else if (s instanceof Stmt.Evict e) {
            ensureMounted();
            String res = notify(Stmt.NotifyKind.PRUNE, e.path().text());
            observe(s, res, take(SETTLE_MS), null);
        } else if (s instanceof Stmt.DropCaches) {
            ensureMounted();
            dropCaches();
            observe(s, "", take(SETTLE_MS), null);
        } else if (s instanceof Stmt.Umount) {
            ensureMounted();
            Result r = session.umount();
            observe(s, r.ok() ? "" : "-1 " + r.errno(), take(SETTLE_MS), null);
        } else if (s instanceof Stmt.ExpectRequests e) {
            expectRequests(e);
        } else if (s instanceof Stmt.ExpectNo e) {
            expectNo(e);
        } else {
            skipped.put(s.line(), "not replayable on the kernel: " + s.getClass().getSimpleName());
        }
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
            notes.add("no mount line before the first step: mounted with the defaults");
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
            notes.add("line " + n.line() + ": stack_depth of a lower node is model-only (the lower files here are on "
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
            observe(r, "", take(SETTLE_MS), "expected a held " + r.op().word() + " request from " + thread + ", found "
                    + (server.held().isEmpty() ? "none held" : "held: " + server.held().stream()
                    .map(x -> x.request().toString()).toList()));
            return;
        }
        int err = server.release(h.get(), policy.answer(h.get().request(), r.reply().orElse(null)));
        observe(r, err == 0 ? "" : "-1 " + errName(err), take(SETTLE_MS), null);
    }

    private void backingOpen(Stmt.BackingOpen b) {
        ensureMounted();
        if (b.target() instanceof Stmt.LowerTarget t && stacked.contains(t.path().text())) {
            // The lower files here live on a plain file system (s_stack_depth 0); a file on a
            // stacked one (overlayfs) is not built by this harness.
            unreproducible = "not reproducible here from line " + b.line() + ": " + t.path().text()
                    + " has stack_depth > 0, which needs a stacked lower file system";
            skipped.put(b.line(), unreproducible);
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
        String res = rc < 0 ? "-1 " + errName(-rc) : Integer.toString(rc);
        // For mount:PATH the harness opens the file on the mount to get an fd; the requests that
        // causes (LOOKUP, OPEN, FLUSH, RELEASE) are the harness's, not the trace's: drop them.
        List<String> sent = take(b.target() instanceof Stmt.MountTarget ? SETTLE_MS : 0);
        if (b.target() instanceof Stmt.MountTarget) {
            seen.subList(seen.size() - sent.size(), seen.size()).clear();
            sent = List.of();
        }
        observe(b, res, sent, outcomeVerdict(b.outcome(), rc < 0 ? null : (long) rc, rc < 0 ? -rc : 0, res));
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
        return err == 0 ? "" : "-1 " + errName(err);
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
        long deadline = start + Math.min(2000, stepTimeout.toMillis()) * 1_000_000L;
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
            observe(u, "unfinished", take(SETTLE_MS), null);
        } else if (running) {
            // Blocked in the kernel without a held request of its own: asleep on a wait queue or a
            // lock (a cached opener waiting on direct_io_waitq, a writer on the inode lock).
            observe(u, "unfinished", take(SETTLE_MS), null);
        } else {
            Result r = session.awaitResult(thread);
            early.put(thread, r);
            String res = format(u.syscall(), r, List.of());
            observe(u, res, take(SETTLE_MS), "expected unfinished, found = " + res);
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
        String verdict = outcomeVerdict(expected, r.ok() ? r.value() : null, r.ok() ? 0 : errNumber(r.errno()), res);
        if (verdict == null && r.ok()) {
            verdict = dataVerdict(expected, r);
        }
        if (verdict == null && r.ok()) {
            verdict = checkVerdict(checks, r, res);
        }
        boolean async = sc == Syscall.CLOSE || sc == Syscall.MUNMAP || sc == Syscall.RENAME || sc == Syscall.RENAMEAT2
            || sc == Syscall.UNLINK;
        observe(s, res, take(async ? SETTLE_MS : 0), verdict);
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
            throw new Fatal("tick " + t.duration().text() + " is longer than the kernel replay waits in real time ("
                    + MAX_TICK.toSeconds() + " s)");
        }
        tickNanos += t.duration().nanos();
        try {
            Thread.sleep(t.duration().nanos() / 1_000_000, (int) (t.duration().nanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Fatal("interrupted");
        }
        observe(t, "", take(1), null);
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

    // ------------------------------------------------------------------ expectations

    private void expectRequests(Stmt.ExpectRequests e) {
        settleIntoPrevious();
        List<String> want = e.requests().stream().map(TracePrinter::canonicalRequest).toList();
        List<String> got = List.copyOf(seen.subList(expectMark, seen.size()));
        expectMark = seen.size();
        observe(e, "", List.of(), fusesim.traces.replay.Requests.matches(want, got) ? null
                : "expected requests " + String.join(" ", want) + ", found " + (got.isEmpty() ? "none" : String.join(" ", got)));
    }

    private void expectNo(Stmt.ExpectNo e) {
        settleIntoPrevious();
        String prefix = e.opcode().name() + "(";
        List<String> bad = seen.subList(expectMark, seen.size()).stream().filter(q -> q.startsWith(prefix)).toList();
        observe(e, "", List.of(), bad.isEmpty() ? null : "expected no " + e.opcode().name() + ", found " + String.join(" ", bad));
    }

    /** Before an expectation: late (asynchronous) requests belong to the previous step's line. */
    private void settleIntoPrevious() {
        List<String> late = take(lastQuietMs >= SETTLE_MS ? 0 : SETTLE_MS);
        if (late.isEmpty() || observations.isEmpty()) {
            return;
        }
        Observation last = observations.remove(observations.size() - 1);
        List<String> reqs = new ArrayList<>(last.requests());
        reqs.addAll(late);
        List<String> lateFrom = takenSenders.remove(late);
        List<String> from = senders.remove(last.line());
        if (from != null && lateFrom != null) {
            List<String> all = new ArrayList<>(from);
            all.addAll(lateFrom);
            senders.put(last.line(), all);
        }
        observations.add(new Observation(last.line(), last.stmt(), last.result(), reqs, last.verdict()));
    }

    // ------------------------------------------------------------------ bookkeeping

    /**
     * The requests recorded since the last take, once none has arrived for {@code quietMs}
     * (asynchronous ones like RELEASE and FORGET come shortly after the syscall returns).
     */
    private List<String> take(long quietMs) {
        if (!mounted) {
            return List.of();
        }
        lastQuietMs = quietMs;
        FuseServer s = session.server();
        List<String> want = quietMs > 0 ? hints.get(currentLine) : null;
        if (want != null) {
            long until = System.nanoTime() + HINT_WAIT_MS * 1_000_000L;
            while (!arrived(s, want) && System.nanoTime() < until) {
                s.awaitLogSize(s.logSize() + 1, Duration.ofNanos(Math.max(1, until - System.nanoTime())));
            }
            if (arrived(s, want)) {
                quietMs = HINT_QUIET_MS;
            }
        }
        int n = s.logSize();
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (quietMs > 0 && System.nanoTime() < deadline && s.awaitLogSize(n + 1, Duration.ofMillis(quietMs))) {
            n = s.logSize();
        }
        List<String> out = new ArrayList<>();
        List<String> from = new ArrayList<>();
        var log = s.log();
        for (var r : log.subList(Math.min(logMark, log.size()), log.size())) {
            out.add(r.toString());
            String t = session.threadOfTid(r.pid());
            from.add(t == null ? "" : t);
        }
        logMark = log.size();
        seen.addAll(out);
        takenSenders.put(out, from);
        return out;
    }

    /** Whether the requests since the last take include {@code want} (as a multiset). */
    private boolean arrived(FuseServer s, List<String> want) {
        var log = s.log();
        List<String> got = new ArrayList<>();
        for (var r : log.subList(Math.min(logMark, log.size()), log.size())) {
            got.add(r.toString());
        }
        for (String w : want) {
            boolean found = false;
            for (java.util.Iterator<String> it = got.iterator(); it.hasNext() && !found;) {
                if (fusesim.traces.replay.Requests.coversAcrossServers(w, it.next())) {
                    it.remove();
                    found = true;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private void observe(Stmt s, String result, List<String> requests, String verdict) {
        List<String> from = takenSenders.remove(requests);
        takenSenders.clear();
        if (from != null && from.size() == requests.size()) {
            senders.put(s.line(), from);
        }
        observations.add(new Observation(s.line(), TracePrinter.print(s), result, requests, verdict));
    }

    private static String errName(int errno) {
        return Errno.ofNumber(errno).map(Enum::name).orElse("E" + errno);
    }

    private static int errNumber(String name) {
        return Errno.parse(name).map(Errno::number).orElseGet(() -> name.matches("E\\d+") ? Integer.parseInt(name.substring(1)) : -1);
    }
}
