package fusesim.kernel.replay;

import fusesim.kernel.KernelProbe;
import fusesim.kernel.KernelSession;
import fusesim.kernel.proto.InitFlags;
import fusesim.kernel.proto.WireOpcode;
import fusesim.kernel.server.FuseServer;
import fusesim.kernel.sys.Watchdog;
import fusesim.model.Errno;
import fusesim.traces.lang.Header;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TracePrinter;
import fusesim.traces.lang.TraceSemanticError;
import fusesim.traces.replay.Observation;
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
    static final class Fatal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Fatal(String message) {
            super(message);
        }
    }

    private final Trace trace;
    final Duration stepTimeout;
    private final Map<Integer, List<String>> hints;
    private int currentLine;
    private final List<Observation> observations = new ArrayList<>();
    final TreeMap<Integer, String> skipped = new TreeMap<>();
    /** Set when the rest of the trace cannot be reproduced on this machine. */
    String unreproducible;
    final List<String> notes = new ArrayList<>();
    /** The senders of each list {@link #take} returned (by identity), until it is observed. */
    private final java.util.IdentityHashMap<List<String>, List<String>> takenSenders = new java.util.IdentityHashMap<>();
    /** line → the senders of its requests (see {@link KernelReplayResult#sendersOf}). */
    private final Map<Integer, List<String>> senders = new HashMap<>();
    final List<String> seen = new ArrayList<>();
    private KernelSession session;
    private KernelSteps steps;
    private fusesim.traces.replay.TraceDriver driver;
    private int logMark;
    private int expectMark;
    private long lastQuietMs;
    private long stepNanos;

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
            TracePolicy policy = new TracePolicy(session.tree());
            session.usePolicy(policy);
            steps = new KernelSteps(this, session, policy);
            // the statement protocol (calls in flight, resumed lines, mapping names); fds and
            // mappings were checked on the text (TraceChecks), so a kernel that disagrees is observed
            driver = new fusesim.traces.replay.TraceDriver(trace.file(), steps, false);
            steps.driver(driver);
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
                if (plan != null && plan.line() == s.line() && steps.mounted()) {
                    armed = session.server().inject(plan.op(), plan.fault());
                }
                if (System.nanoTime() - t0 > MAX_TRACE_TIME.toNanos()) {
                    fatal = "over the kernel oracle's limit on time per trace (" + MAX_TRACE_TIME.toSeconds() + " s)";
                    skipped.put(s.line(), "not run: " + fatal);
                    continue;
                }
                try {
                    awaitClose();
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
                stepNanos - (steps == null ? 0 : steps.mountNanos() + steps.tickNanos()), senders);
    }

    /**
     * {@code server fault OP FAULT}: the server writes its next reply to OP so
     * ({@link FuseServer#inject}); the daemon closing /dev/fuse is the session's crash, run off the
     * server's reader thread once the request has come (the reader cannot join itself).
     */
    void serverFault(Stmt.ServerFault f) {
        fusesim.kernel.server.WireFault fault = fusesim.kernel.server.WireFault.valueOf(f.fault().name());
        armed = session.server().inject(fusesim.kernel.proto.WireOpcode.parse(f.op().name()), fault);
        if (fault == fusesim.kernel.server.WireFault.CLOSE_MID_REQUEST) {
            KernelSession s = session;
            closing = armed.done().thenRunAsync(s::crash);
        }
    }

    /** The daemon's close after a {@code close_mid_request} fault, once the fault was taken. */
    private java.util.concurrent.CompletableFuture<Void> closing;

    /**
     * A taken {@code close_mid_request} has closed /dev/fuse before the next statement runs: the
     * model aborts the connection at once, and a background request (RELEASEDIR) takes the fault
     * after its syscall returned, so the next syscall must not reach the queue before the abort.
     */
    private void awaitClose() {
        if (closing != null && armed != null && armed.done().isDone()) {
            closing.join();
            closing = null;
        }
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
            driver.step(s);
        }
        if (fired.get()) {
            throw new Fatal("watchdog: the step took longer than " + limit.toMillis() + " ms; connection aborted");
        }
    }

    // ------------------------------------------------------------------ expectations

    fusesim.traces.replay.StepOutcome expectRequests(Stmt.ExpectRequests e) {
        settleIntoPrevious();
        List<String> want = e.requests().stream().map(TracePrinter::canonicalRequest).toList();
        List<String> got = List.copyOf(seen.subList(expectMark, seen.size()));
        expectMark = seen.size();
        return observe(e, "", List.of(), fusesim.traces.replay.Requests.matches(want, got) ? null
                : "expected requests " + String.join(" ", want) + ", found " + (got.isEmpty() ? "none" : String.join(" ", got)));
    }

    fusesim.traces.replay.StepOutcome expectNo(Stmt.ExpectNo e) {
        settleIntoPrevious();
        String prefix = e.opcode().name() + "(";
        List<String> bad = seen.subList(expectMark, seen.size()).stream().filter(q -> q.startsWith(prefix)).toList();
        return observe(e, "", List.of(), bad.isEmpty() ? null : "expected no " + e.opcode().name() + ", found " + String.join(" ", bad));
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
    List<String> take(long quietMs) {
        if (steps == null || !steps.mounted()) {
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

    /** Records the line's observation; returns what it gave, as the driver's backends do. */
    fusesim.traces.replay.StepOutcome observe(Stmt s, String result, List<String> requests, String verdict) {
        List<String> from = takenSenders.remove(requests);
        takenSenders.clear();
        if (from != null && from.size() == requests.size()) {
            senders.put(s.line(), from);
        }
        observations.add(new Observation(s.line(), TracePrinter.print(s), result, requests, verdict));
        return new fusesim.traces.replay.StepOutcome(result, verdict);
    }

    static String errName(int errno) {
        return Errno.ofNumber(errno).map(Enum::name).orElse("E" + errno);
    }

    static int errNumber(String name) {
        return Errno.parse(name).map(Errno::number).orElseGet(() -> name.matches("E\\d+") ? Integer.parseInt(name.substring(1)) : -1);
    }
}
