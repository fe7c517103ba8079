package fusesim.campaigns;

import fusesim.kernel.proto.WireOpcode;
import fusesim.kernel.replay.Expressible;
import fusesim.kernel.replay.KernelReplay;
import fusesim.kernel.server.FuseServer;
import fusesim.kernel.server.WireFault;
import fusesim.model.Errno;
import fusesim.model.Opcode;
import fusesim.model.fuse.ReplyFault;
import fusesim.traces.lang.Outcome;
import fusesim.traces.lang.Pos;
import fusesim.traces.lang.TracePrinter;
import fusesim.traces.lang.TraceSemanticError;
import fusesim.properties.Generator;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.replay.ModelReplay;
import fusesim.traces.replay.Observation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The kernel fuzzer's wire-fault campaign (issue 16 §4, {@code fusesim kernel fuzz --wire-faults}):
 * the generated traces of {@link Fuzzer}, each run on the kernel with one server fault on the wire
 * in place of one reply that the model says the trace causes, checked against the model's framing
 * rules ({@link WireFault#predict}, which are fs/fuse/dev.c's as the model has them, Dev.frame):
 * <ul>
 *   <li>the daemon's write() on /dev/fuse returns the errno the rules predict, for every fault;
 *   <li>a fault that leaves the request pending (a bad length, an unknown unique: fuse_dev_do_write
 *       refuses the write before or at request_find) changes nothing a syscall sees, since the
 *       good reply follows: the whole trace must agree with the model line by line;
 *   <li>a fault that ends the request (a short payload, an error where the opcode cannot fail,
 *       the daemon closing /dev/fuse) is written into the trace as {@code server fault OP FAULT}
 *       just before the planned line, so the model replays the reply the kernel turns it into
 *       (Dev.faulted: EIO for a payload copy_out_args refuses, a shorter one where out_argvar,
 *       fuse_abort_conn for a close); the calls' outcomes are the faulted model's, and the whole
 *       trace must agree line by line, the lines after the fault included.
 * </ul>
 * The pending faults run the same way (the statement too; the model replays the good reply). A
 * disagreement counts when a second faulted run shows it, it is on or after the fault's line,
 * and two runs without the fault agree (else it is listed, not counted: an ordinary kind, which
 * {@code kernel fuzz} judges, or a late asynchronous request). It is reported with its trace
 * number, line, opcode and fault; the seed reproduces it (the traces are {@code kernel fuzz}'s of
 * the same seed), and the faulted trace itself replays with {@code fusesim kernel replay}.
 */
public final class WireFaultCampaign {
    /** The faults drawn: every one a trace cannot state otherwise. */
    static final List<WireFault> FAULTS = List.of(WireFault.BAD_LENGTH, WireFault.UNKNOWN_UNIQUE,
            WireFault.SHORT_WRITE, WireFault.ERROR_ON_UNFAILABLE, WireFault.CLOSE_MID_REQUEST);

    /** A campaign's counts. */
    public static final class Report {
        public int traces;
        /** Faults armed (a trace with no replied request gets none). */
        public int armed;
        /** Faults the server took: a reply to the planned opcode came. */
        public int injected;
        /** Taken faults whose write() errno the model predicted. */
        public int writeErrnoPredicted;
        /** Pending faults whose whole trace agreed with the model. */
        public int pendingAgreed;
        public int pending;
        /** Ending faults whose whole trace agreed with the model's replay of the faulted reply. */
        public int endingAgreed;
        public int ending;
        /** Statements after the fault line in the ending faults' traces (each compared). */
        public long endingSuffix;
        /** Ending-fault traces the fault shortened (a later statement it left meaningless). */
        public int endingCut;
        public long kernelSteps;
        public long millis;
        public final List<String> disagreements = new ArrayList<>();
        /** The faulted traces of the counted line disagreements, in order (for a write-up). */
        public final List<Trace> faultedTraces = new ArrayList<>();
        /** Line disagreements that a second run of the same trace and fault did not show (timing). */
        public final List<String> notReproduced = new ArrayList<>();
        /**
         * Line disagreements before the fault's line, or that the trace shows without the fault
         * too: the ordinary campaign's kinds (an interleaving the model does not choose, a late
         * asynchronous request), not the fault's.
         */
        public final List<String> withoutFault = new ArrayList<>();
    }

    private final int count;
    private final long seed;
    private final Duration stepTimeout;

    public WireFaultCampaign(int count, long seed, Duration stepTimeout) {
        this.count = count;
        this.seed = seed;
        this.stepTimeout = stepTimeout;
    }

    /**
     * Runs the campaign; {@code events} gets a line per disagreement, {@code tick} the report after
     * every trace.
     *
     * @throws KernelReplay.Unavailable when the kernel cannot be used
     */
    public Report run(Consumer<String> events, Consumer<Report> tick) {
        Report rep = new Report();
        long t0 = System.nanoTime();
        SplittableRandom seeds = new SplittableRandom(seed);
        SplittableRandom draws = new SplittableRandom(seed ^ 0x5749524546415554L); // "WIREFAUT"
        for (int i = 0; i < count; i++) {
            Generator.Run run = Fuzzer.generate(seeds.nextLong(), i, false);
            WireFault fault = FAULTS.get(draws.nextInt(FAULTS.size()));
            int pick = draws.nextInt(1 << 20);
            rep.traces++;
            if (run.modelError() == null && run.violation() == null) {
                one(rep, i, run, fault, pick, events);
            }
            rep.millis = (System.nanoTime() - t0) / 1_000_000;
            tick.accept(rep);
        }
        rep.millis = (System.nanoTime() - t0) / 1_000_000;
        return rep;
    }

    private void one(Report rep, int i, Generator.Run run, WireFault fault, int pick, Consumer<String> events) {
        List<Stmt> stmts = Expressible.cut(run.stmts());
        Trace trace = Differential.trace("wire-fuzz-" + Long.toUnsignedString(seed) + "-" + i, stmts, List.of());
        Optional<Plan> plan = plan(trace, fault, pick);
        if (plan.isEmpty()) {
            return;
        }
        rep.armed++;
        Plan p = plan.get();
        Trace faulted = withFault(trace, p);
        int faultLine = faultLine(faulted);
        boolean pending = fault == WireFault.BAD_LENGTH || fault == WireFault.UNKNOWN_UNIQUE;
        Differential.Faulted f = Differential.runFaulted(faulted, stepTimeout, null, Integer.MAX_VALUE);
        rep.kernelSteps += f.outcome().kernel().observations().size();
        String where = "trace " + i + " line " + faultLine + " " + fault + " on " + p.op();
        if (f.injected().isEmpty()) {
            return; // the reply never came (another thread's, a held request never answered)
        }
        rep.injected++;
        FuseServer.Injected inj = f.injected().get();
        WireFault.Prediction want = WireFault.predict(inj.written(), inj.request().unique(),
                WireFault.outSizeOf(inj.request().op(), inj.good()), WireFault.waiterOf(inj.request().op()));
        if (want.writeErrno() == inj.writeErrno()) {
            rep.writeErrnoPredicted++;
        } else {
            disagree(rep, events, where + ": the daemon's write() got " + name(inj.writeErrno()) + ", the model "
                    + "predicts " + name(want.writeErrno()));
        }
        if (pending) {
            rep.pending++;
        } else {
            rep.ending++;
            rep.endingSuffix += faulted.body().stream().filter(s -> s.line() > faultLine).count();
            rep.endingCut += faulted.body().size() < trace.body().size() + 1 ? 1 : 0;
        }
        if (!f.outcome().agree()) {
            // an asynchronous request (a RELEASE after a failed open, ...) may come late on a loaded
            // machine: a disagreement counts when a second run of the same trace and fault shows it
            Differential.Mismatch m = f.outcome().mismatch().get();
            Differential.Faulted again = Differential.runFaulted(faulted, stepTimeout, null, Integer.MAX_VALUE);
            rep.kernelSteps += again.outcome().kernel().observations().size();
            String what = where + (pending ? " (the request stays pending; the good reply follows)" : "")
                    + ": line " + m.line() + (m.line() < faultLine ? " (before the fault)" : "") + " " + m.explain();
            // a line before the fault's cannot be the fault's doing: a late asynchronous request
            // (the RELEASE of a failed open) or an ordinary kind, which kernel fuzz itself judges
            if (m.line() < faultLine || disagreesWithoutFault(trace, Integer.MAX_VALUE)) {
                rep.withoutFault.add(what);
                events.accept("PLAIN " + what + " (before the fault or without it too: not counted here)");
                return;
            }
            if (again.outcome().agree()) {
                rep.notReproduced.add(what);
                events.accept("FLAKY " + what + " (a second run agreed)");
            } else {
                rep.faultedTraces.add(faulted);
                disagree(rep, events, what);
                return;
            }
        }
        if (pending) {
            rep.pendingAgreed++;
        } else {
            rep.endingAgreed++;
        }
    }

    /** Where a fault goes: armed just before the statement on {@code line}, for the next reply to {@code op}. */
    record Plan(int line, WireOpcode op, WireFault fault) {}

    /**
     * {@code trace} with {@code server fault OP FAULT} just before the plan's line. A call whose
     * outcome the faulted model replays differently says {@code = ?} from then on (its old outcome
     * is the unfaulted one): the line is judged by comparing the kernel's result with the model's,
     * as every line is. Where the fault leaves a later statement meaningless (an fd the faulted
     * open never returned), the trace ends before it ({@link #meaningful}).
     */
    static Trace withFault(Trace trace, Plan p) {
        List<Stmt> body = new ArrayList<>(trace.body());
        int at = 0;
        while (at < body.size() && body.get(at).line() != p.line()) {
            at++;
        }
        body.add(at, new Stmt.ServerFault(Pos.NONE, Opcode.named(p.op().name()), ReplyFault.valueOf(p.fault().name())));
        if (p.fault() == WireFault.CLOSE_MID_REQUEST) {
            body = afterClose(body, at);
        }
        Trace faulted = meaningful(Differential.trace(trace.name(), body, List.of()));
        for (int round = 0; round < 8; round++) {
            List<Stmt> settled = settled(faulted.body(), ModelReplay.run(faulted).steps());
            if (settled.size() == faulted.body().size() && TracePrinter.print(Differential.trace(trace.name(), settled,
                    List.of())).equals(TracePrinter.print(faulted))) {
                break;
            }
            faulted = meaningful(Differential.trace(trace.name(), settled, List.of()));
        }
        Map<Integer, String> results = new HashMap<>();
        for (ModelReplay.Step s : ModelReplay.run(faulted).steps()) {
            results.put(s.obs().line(), s.obs().result());
        }
        List<Stmt> open = new ArrayList<>();
        for (Stmt s : faulted.body()) {
            String r = results.get(s.line());
            boolean same = r == null || r.matches("m\\d+")
                    || TracePrinter.print(FindingFile.concrete(s, r, false)).equals(TracePrinter.print(s));
            open.add(same ? s : anyOutcome(s));
        }
        return Differential.trace(trace.name(), open, List.of());
    }

    /**
     * The waits the fault changed: a call written {@code <unfinished ...>} that the faulted model
     * says no longer blocks (its request fails at once: ENOTCONN after a close) becomes a plain
     * call, its {@code <... resumed>} dropped; a {@code <... resumed>} the model says still waits
     * (the fault ended the request its reply would have answered) ends the trace before it.
     */
    private static List<Stmt> settled(List<Stmt> body, List<ModelReplay.Step> steps) {
        Map<Integer, Observation> obs = new HashMap<>();
        steps.forEach(s -> obs.put(s.obs().line(), s.obs()));
        List<Stmt> out = new ArrayList<>();
        java.util.Set<String> returned = new java.util.HashSet<>();
        for (Stmt s : body) {
            Observation o = obs.get(s.line());
            if (s instanceof Stmt.Unfinished u && o != null && o.verdict() != null
                    && o.verdict().contains("did not block")) {
                out.add(new Stmt.Call(u.pos(), u.thread(), u.syscall(), u.args(), new Outcome.Any(Pos.NONE), List.of()));
                returned.add(u.thread().text());
            } else if (s instanceof Stmt.Resumed r && returned.remove(r.thread().text())) {
                continue;
            } else if (s instanceof Stmt.Resumed && o != null && o.result().equals("unfinished")) {
                return out;
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * After the daemon closed /dev/fuse, what only a live daemon does is cut, as after a
     * {@code server crash} (Expressible; the generator draws no backing ioctl after a crash): the
     * harness's {@code evict} and {@code server notify} are writes on /dev/fuse, and the backing
     * ioctls are made on it (EBADF once closed), while the model has no daemon fd to close.
     */
    private static List<Stmt> afterClose(List<Stmt> body, int fault) {
        for (int i = fault + 1; i < body.size(); i++) {
            Stmt s = body.get(i);
            if (s instanceof Stmt.Evict || s instanceof Stmt.ServerNotify || s instanceof Stmt.BackingOpen
                    || s instanceof Stmt.BackingClose) {
                return new ArrayList<>(body.subList(0, i));
            }
        }
        return body;
    }

    /**
     * The trace up to the first statement the model refuses as meaningless
     * ({@link TraceSemanticError}: an fd or mapping a faulted call never returned, a reply to a
     * request the aborted connection ended), which is cut off with everything after it.
     */
    static Trace meaningful(Trace t) {
        for (int tries = 0; tries < t.body().size(); tries++) {
            try {
                ModelReplay.run(t);
                return t;
            } catch (TraceSemanticError e) {
                int line = e.line();
                t = Differential.trace(t.name(), t.body().stream().filter(s -> s.line() < line).toList(), List.of());
            }
        }
        return t;
    }

    private static Stmt anyOutcome(Stmt s) {
        if (s instanceof Stmt.Call c) {
            return new Stmt.Call(c.pos(), c.thread(), c.syscall(), c.args(), new Outcome.Any(Pos.NONE), List.of());
        } else if (s instanceof Stmt.Resumed r) {
            return new Stmt.Resumed(r.pos(), r.thread(), r.syscall(), new Outcome.Any(Pos.NONE), List.of());
        }
        return s;
    }

    /** The line of the trace's {@code server fault} statement. */
    static int faultLine(Trace t) {
        return t.body().stream().filter(s -> s instanceof Stmt.ServerFault).findFirst().orElseThrow().line();
    }

    /** Whether one of two runs of {@code trace} without a fault disagrees on the lines before {@code upTo}. */
    private boolean disagreesWithoutFault(Trace trace, int upTo) {
        for (int run = 0; run < 2; run++) {
            if (!Differential.runFaulted(trace, stepTimeout, null, upTo).outcome().agree()) {
                return true;
            }
        }
        return false;
    }

    private static void disagree(Report rep, Consumer<String> events, String what) {
        rep.disagreements.add(what);
        events.accept("DIFF  " + what);
    }

    private static String name(int errno) {
        return errno == 0 ? "0" : Errno.nameOf(errno);
    }

    /**
     * Where the fault goes: the {@code pick}-th (mod their number) of the trace's lines on which the
     * model sends a request that gets a reply, and that request's opcode.
     */
    static Optional<Plan> plan(Trace trace, WireFault fault, int pick) {
        List<Plan> candidates = new ArrayList<>();
        for (ModelReplay.Step s : ModelReplay.run(trace).steps()) {
            Observation o = s.obs();
            for (String r : o.requests()) {
                Optional<WireOpcode> op = opcode(r);
                if (op.isPresent() && !op.get().noReply() && op.get() != WireOpcode.INIT
                        && op.get() != WireOpcode.INTERRUPT) {
                    candidates.add(new Plan(o.line(), op.get(), fault));
                    break;
                }
            }
        }
        return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(pick % candidates.size()));
    }

    /** The opcode of a request as the model prints it: {@code LOOKUP(1,"a")} → LOOKUP. */
    static Optional<WireOpcode> opcode(String request) {
        int paren = request.indexOf('(');
        try {
            return Optional.of(WireOpcode.parse(paren < 0 ? request : request.substring(0, paren)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The campaign's summary: what was injected, what the model predicted, each disagreement. */
    public static String summary(Report r, long seed) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%d traces (seed %s), %d wire faults armed, %d taken by a reply, %d kernel steps in "
                + "%.1f s%n", r.traces, Long.toUnsignedString(seed), r.armed, r.injected, r.kernelSteps, r.millis / 1000.0));
        sb.append(String.format("daemon's write() errno as the model predicts: %d of %d%n", r.writeErrnoPredicted,
                r.injected));
        sb.append(String.format("pending faults (bad length, unknown unique), whole trace as the model says: %d of %d%n",
                r.pendingAgreed, r.pending));
        sb.append(String.format("ending faults (short payload, error on an unfailable op, /dev/fuse closed), whole "
                + "trace as the model replays the faulted reply: %d of %d (%d statements after the faults; %d traces "
                + "ended early where the fault left a statement meaningless)%n", r.endingAgreed, r.ending, r.endingSuffix,
                r.endingCut));
        if (r.disagreements.isEmpty()) {
            sb.append("no disagreement\n");
        }
        for (String d : r.disagreements) {
            sb.append("disagreement: ").append(d).append('\n');
        }
        for (String d : r.withoutFault) {
            sb.append("before the fault or without it too (an ordinary kind, not counted): ").append(d)
                    .append('\n');
        }
        for (String d : r.notReproduced) {
            sb.append("not reproduced by a second run (not counted): ").append(d).append('\n');
        }
        return sb.toString();
    }
}
