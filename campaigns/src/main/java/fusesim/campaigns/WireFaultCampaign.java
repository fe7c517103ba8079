package fusesim.campaigns;

import fusesim.kernel.proto.WireOpcode;
import fusesim.kernel.replay.Expressible;
import fusesim.kernel.replay.KernelReplay;
import fusesim.kernel.server.FuseServer;
import fusesim.kernel.server.WireFault;
import fusesim.model.Errno;
import fusesim.properties.Generator;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.replay.ModelReplay;
import fusesim.traces.replay.Observation;
import java.time.Duration;
import java.util.ArrayList;
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
 *   <li>a fault that ends the request (a short payload, an error where the opcode cannot fail)
 *       is compared up to the line before it; what the syscalls see after it is reported, not
 *       judged (the model has no statement for a faulted reply yet).
 * </ul>
 * A disagreement counts when a second faulted run shows it, it is on or after the fault's line,
 * and two runs without the fault agree (else it is listed, not counted: an ordinary kind, which
 * {@code kernel fuzz} judges, or a late asynchronous request). It is reported with its trace
 * number, line, opcode and fault; the seed reproduces it (the traces are {@code kernel fuzz}'s of
 * the same seed). The daemon closing /dev/fuse mid-request is not drawn here: a trace says `server crash`,
 * which the ordinary campaign draws, and WireFaultsKernelTest checks it on nine waits.
 */
public final class WireFaultCampaign {
    /** The faults drawn: every one a trace cannot state otherwise. */
    static final List<WireFault> FAULTS = List.of(WireFault.BAD_LENGTH, WireFault.UNKNOWN_UNIQUE,
            WireFault.SHORT_WRITE, WireFault.ERROR_ON_UNFAILABLE);

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
        /** Ending faults whose lines before the fault agreed. */
        public int endingAgreed;
        public int ending;
        public long kernelSteps;
        public long millis;
        public final List<String> disagreements = new ArrayList<>();
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
        Optional<KernelReplay.WirePlan> plan = plan(trace, fault, pick);
        if (plan.isEmpty()) {
            return;
        }
        rep.armed++;
        KernelReplay.WirePlan p = plan.get();
        boolean pending = fault == WireFault.BAD_LENGTH || fault == WireFault.UNKNOWN_UNIQUE;
        Differential.Faulted f = Differential.runFaulted(trace, stepTimeout, p, pending ? Integer.MAX_VALUE : p.line());
        rep.kernelSteps += f.outcome().kernel().observations().size();
        String where = "trace " + i + " line " + p.line() + " " + fault + " on " + p.op();
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
        }
        if (!f.outcome().agree()) {
            // an asynchronous request (a RELEASE after a failed open, ...) may come late on a loaded
            // machine: a disagreement counts when a second run of the same trace and fault shows it
            Differential.Mismatch m = f.outcome().mismatch().get();
            Differential.Faulted again = Differential.runFaulted(trace, stepTimeout, p,
                    pending ? Integer.MAX_VALUE : p.line());
            rep.kernelSteps += again.outcome().kernel().observations().size();
            String what = where + (pending ? " (the request stays pending; the good reply follows)" : "")
                    + ": line " + m.line() + (m.line() < p.line() ? " (before the fault)" : "") + " " + m.explain();
            // a line before the fault's cannot be the fault's doing: a late asynchronous request
            // (the RELEASE of a failed open) or an ordinary kind, which kernel fuzz itself judges
            if (m.line() < p.line() || disagreesWithoutFault(trace, pending ? Integer.MAX_VALUE : p.line())) {
                rep.withoutFault.add(what);
                events.accept("PLAIN " + what + " (before the fault or without it too: not counted here)");
                return;
            }
            if (again.outcome().agree()) {
                rep.notReproduced.add(what);
                events.accept("FLAKY " + what + " (a second run agreed)");
                f = again;
            } else {
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
    static Optional<KernelReplay.WirePlan> plan(Trace trace, WireFault fault, int pick) {
        List<KernelReplay.WirePlan> candidates = new ArrayList<>();
        for (ModelReplay.Step s : ModelReplay.run(trace).steps()) {
            Observation o = s.obs();
            for (String r : o.requests()) {
                Optional<WireOpcode> op = opcode(r);
                if (op.isPresent() && !op.get().noReply() && op.get() != WireOpcode.INIT
                        && op.get() != WireOpcode.INTERRUPT) {
                    candidates.add(new KernelReplay.WirePlan(o.line(), op.get(), fault));
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
        sb.append(String.format("ending faults (short payload, error on an unfailable op), lines before it agree: "
                + "%d of %d%n", r.endingAgreed, r.ending));
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
