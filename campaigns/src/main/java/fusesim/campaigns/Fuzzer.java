package fusesim.campaigns;

import fusesim.kernel.replay.Expressible;
import fusesim.kernel.replay.KernelReplay;
import fusesim.model.series.Semantics;
import fusesim.properties.Generator;
import fusesim.properties.Profile;
import fusesim.properties.Shrinker;
import fusesim.properties.TraceShrinker;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.Setup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Differential testing of the model against this machine's kernel ({@code fusesim kernel fuzz}).
 * Trace i uses the i-th {@code nextLong()} of {@code SplittableRandom(seed)} and the well-behaved
 * server for even i, the arbitrary one for odd i (as {@code fusesim check}), with
 * {@link Profile#forKernel} (no real-time ticks). Each generated sequence is printed as a trace and
 * run on the model and on the kernel; the first line where they differ is a disagreement. The first
 * trace of each kind of disagreement ({@link Differential.Mismatch#signature}) is re-run to see
 * that it reproduces, shrunk with the predicate "model and kernel still disagree the same way at
 * the same step", and saved with a header that explains it and outcomes that are the kernel's.
 *
 * <p>Generation is deterministic for a seed; what the kernel does is what it does (a disagreement
 * that does not reproduce is reported as such).
 */
public final class Fuzzer {
    /**
     * The per-step timeout of fuzz runs: 2 s. A call the model says returns and the kernel keeps
     * blocked (a page lock the model lacks) costs that long; 5 s, as for a replay, made such traces
     * most of a campaign's time. No call of a generated trace that returns takes near that long here.
     */
    public static final Duration STEP_TIMEOUT = Duration.ofSeconds(2);

    /**
     * @param count traces to run
     * @param seed the campaign seed
     * @param outDir where shrunk disagreements go
     * @param stepTimeout per kernel step
     * @param shrinkAttempts candidate runs allowed per shrink (each is one kernel replay)
     * @param shrinkMillis wall-time bound per shrink
     */
    public record Options(int count, long seed, Path outDir, Duration stepTimeout, int shrinkAttempts,
                          long shrinkMillis, Set<String> known, boolean entryOps) {
        public Options {
            known = Set.copyOf(known);
        }

        public Options(int count, long seed, Path outDir, Duration stepTimeout, int shrinkAttempts,
                       long shrinkMillis, Set<String> known) {
            this(count, seed, outDir, stepTimeout, shrinkAttempts, shrinkMillis, known, false);
        }

        public static Options of(int count, long seed, Path outDir) {
            return new Options(count, seed, outDir, STEP_TIMEOUT, 600, 120_000, Set.of());
        }
    }

    /**
     * The kinds of disagreement already written up: every {@code doc: kernel fuzz signature:} line of
     * the traces in {@code dir} (traces/corpus/mainline-disagreements). Empty if there is no such
     * directory.
     */
    public static Set<String> knownSignatures(Path dir) throws java.io.IOException {
        Set<String> out = new java.util.TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        String prefix = "doc: " + FindingFile.SIGNATURE;
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".trace")).sorted().toList()) {
                String text;
                try {
                    text = fusesim.traces.lang.TraceFile.text(f);
                } catch (fusesim.traces.lang.TraceFile.Unreadable | fusesim.traces.lang.TraceError e) {
                    throw new java.io.IOException(e.getMessage());
                }
                for (String line : text.split("\r?\n")) {
                    if (line.startsWith(prefix)) {
                        out.add(line.substring(prefix.length()));
                    }
                }
            }
        }
        return out;
    }

    /** One kind of disagreement: the first trace that showed it, and how many traces did. */
    public static final class Finding {
        public final String signature;
        public final int firstTrace;
        public final ServerMode mode;
        public final String explanation;
        public int traces;
        public int reproduced;
        public int reruns;
        public Shrinker.Stats shrink;
        public Path path;
        public String error;
        /** Written up already (a signature in {@code Options.known}): counted, not re-run or shrunk. */
        public boolean known;
        /** The saved trace, run once more, showed the same disagreement and the kernel met it. */
        public boolean confirmed;

        Finding(String signature, int firstTrace, ServerMode mode, String explanation) {
            this.signature = signature;
            this.firstTrace = firstTrace;
            this.mode = mode;
            this.explanation = explanation;
        }
    }

    /** A campaign's counts so far (progress) or at the end. */
    public static final class Report {
        public int traces;
        public int disagreeing;
        public long kernelSteps;
        /** Kernel replays run: the traces, their re-runs and every shrinking candidate. */
        public int kernelRuns;
        public long kernelNanos;
        public long kernelStepNanos;
        public long millis;
        /** Sequences the model itself rejected (an invariant broke or the model threw): not run on the kernel. */
        public int modelFindings;
        /** Traces cut short before a statement the kernel harness cannot express ({@link Expressible}). */
        public int cut;
        public String firstModelFinding;
        public final Map<String, Finding> findings = new LinkedHashMap<>();

        /** Kernel steps per second end to end (mount, driver, teardown included; model and shrinking not). */
        public double kernelStepsPerSecond() {
            return kernelNanos == 0 ? 0 : kernelSteps * 1e9 / kernelNanos;
        }

        /** Kernel steps per second on a mounted session (mount, teardown excluded). */
        public double mountedStepsPerSecond() {
            return kernelStepNanos == 0 ? 0 : kernelSteps * 1e9 / kernelStepNanos;
        }
    }

    private final Options o;
    private volatile boolean stop;

    public Fuzzer(Options o) {
        this.o = o;
    }

    /** Asks the campaign to stop after the current trace. */
    public void stop() {
        stop = true;
    }

    /**
     * Runs the campaign.
     *
     * @param progress gets one line per event (a new disagreement, its shrinking)
     * @param tick sees the report (millis up to date) after every trace, for a progress line
     * @throws KernelReplay.Unavailable when the kernel cannot be used
     */
    public Report run(Consumer<String> progress, Consumer<Report> tick) {
        Report rep = new Report();
        long t0 = System.nanoTime();
        SplittableRandom seeds = new SplittableRandom(o.seed());
        for (int i = 0; i < o.count() && !stop; i++) {
            ServerMode mode = mode(i);
            Setup setup = Setup.of(Semantics.MAINLINE, Set.of(), mode);
            Generator.Run run = generate(seeds.nextLong(), i, o.entryOps());
            rep.traces++;
            if (run.modelError() != null || run.violation() != null) {
                if (rep.modelFindings++ == 0) {
                    rep.firstModelFinding = "trace " + i + ": " + (run.modelError() != null ? run.modelError()
                            : run.violation().invariant() + ": " + run.violation().detail());
                }
                continue;
            }
            List<Stmt> stmts = Expressible.cut(run.stmts());
            if (stmts.size() < run.stmts().size()) {
                rep.cut++;
            }
            String name = "fuzz-" + Long.toUnsignedString(o.seed()) + "-" + i;
            Trace trace = Differential.trace(name, stmts, List.of());
            Differential.Outcome out;
            try {
                out = Differential.run(trace, o.stepTimeout());
            } catch (KernelReplay.Unavailable e) {
                throw e;
            } catch (RuntimeException e) {
                // a harness or model bug outside a step: counted, the campaign goes on
                rep.disagreeing++;
                String sig = "error | " + e.getClass().getSimpleName();
                Finding f = rep.findings.computeIfAbsent(sig, k -> new Finding(k, -1, mode, e.toString()));
                if (f.traces == 0) {
                    progress.accept(String.format("ERROR trace %d (%s server): %s", i, mode.word, e));
                }
                f.traces++;
                f.error = "trace " + i + ": " + e;
                continue;
            }
            account(rep, out);
            if (out.mismatch().isPresent()) {
                rep.disagreeing++;
                Differential.Mismatch m = out.mismatch().get();
                Finding f = rep.findings.get(m.signature());
                if (f == null) {
                    f = new Finding(m.signature(), i, mode, m.explain());
                    rep.findings.put(m.signature(), f);
                    f.known = o.known().contains(m.signature());
                    progress.accept(String.format("%s trace %d (%s server), line %d %s", f.known ? "KNOWN" : "DIFF ",
                            i, mode.word, m.line(), m.explain()));
                    if (!f.known) {
                        investigate(rep, f, setup, stmts, m, i, progress);
                    }
                }
                f.traces++;
            }
            rep.millis = (System.nanoTime() - t0) / 1_000_000;
            tick.accept(rep);
        }
        rep.millis = (System.nanoTime() - t0) / 1_000_000;
        return rep;
    }

    /** The server of trace i: well-behaved for even i, arbitrary for odd. */
    public static ServerMode mode(int i) {
        return i % 2 == 0 ? ServerMode.WELL_BEHAVED : ServerMode.ARBITRARY;
    }

    /** Trace i of a campaign, whose seed is the i-th {@code nextLong()} of {@code SplittableRandom(seed)}. */
    public static Generator.Run generate(long traceSeed, int i, boolean entryOps) {
        ServerMode mode = mode(i);
        Profile p = entryOps ? Profile.forKernelEntryOps(mode) : Profile.forKernel(mode);
        return new Generator(Setup.of(Semantics.MAINLINE, Set.of(), mode), p, traceSeed).generate();
    }

    /** The first {@code count} traces of campaign {@code seed} as they are run (for determinism checks). */
    public static List<String> traceTexts(long seed, int count) {
        return traceTexts(seed, count, false);
    }

    /** The same with {@code --entry-ops} (mknod, symlink, link, readlink, readdirplus mounts). */
    public static List<String> traceTexts(long seed, int count, boolean entryOps) {
        SplittableRandom seeds = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Generator.Run run = generate(seeds.nextLong(), i, entryOps);
            out.add(fusesim.traces.lang.TracePrinter.print(Differential.trace("t" + i, Expressible.cut(run.stmts()),
                    List.of())));
        }
        return out;
    }

    private static void account(Report rep, Differential.Outcome out) {
        rep.kernelRuns++;
        rep.kernelSteps += out.kernel().observations().size();
        rep.kernelNanos += out.kernel().nanos();
        rep.kernelStepNanos += out.kernel().stepNanos();
    }

    /**
     * Shrinks {@code failing} (which ends at a disagreement of kind {@code signature}) to a
     * 1-minimal sequence that still disagrees the same way at its last step, within {@code
     * kernelRuns} kernel replays and {@code millis} of wall time. Every candidate runs on the model
     * first (it must be a valid sequence there: no invariant broken, nothing the harness cannot
     * express; a rejected candidate costs about a millisecond and is not counted), then on the model
     * and the kernel side by side: the disagreement is the signal, so each counted attempt is one
     * kernel replay. The order is the {@link Shrinker}'s, biggest gain first: chunks (ddmin), single
     * statements, pairs (an open and its close, a held call and its reply), then simplifications
     * (held calls made sequential, threads merged), and a final 1-minimality check.
     *
     * @return the shortest sequence found; its stats count kernel replays as attempts, and say
     *     "complete" only when the result was proven 1-minimal within the budget
     * @param ran gets every kernel replay's outcome (for the campaign's statistics)
     */
    public static Shrinker.Result<Stmt> shrink(Setup setup, List<Stmt> failing, String signature, int kernelRuns,
                                               long millis, Duration stepTimeout,
                                               Consumer<Differential.Outcome> ran) {
        long t0 = System.nanoTime();
        long deadline = t0 + millis * 1_000_000L;
        int[] runs = {0};
        List<List<Stmt>> best = new ArrayList<>(List.of(List.copyOf(failing)));
        try {
            Shrinker.Result<Stmt> r = TraceShrinker.shrink(failing, cand -> {
                Session.Result m = Session.run(setup, cand, false);
                if (m.status() != Session.Status.PASSED || Expressible.cut(cand).size() < cand.size()) {
                    return null;
                }
                if (runs[0] >= kernelRuns || System.nanoTime() > deadline) {
                    throw new OutOfBudget();
                }
                runs[0]++;
                Differential.Outcome c = Differential.run(Differential.trace("candidate", cand, List.of()), stepTimeout);
                ran.accept(c);
                List<Stmt> still = c.mismatch().filter(x -> x.signature().equals(signature))
                        .map(x -> List.copyOf(cand.subList(0, x.index() + 1))).orElse(null);
                if (still != null && still.size() < best.get(0).size()) {
                    best.set(0, still);
                }
                return still;
            }, Integer.MAX_VALUE, millis);
            return new Shrinker.Result<>(r.items(), new Shrinker.Stats(failing.size(), r.items().size(), runs[0],
                    (System.nanoTime() - t0) / 1_000_000, r.stats().complete()));
        } catch (OutOfBudget e) {
            return new Shrinker.Result<>(best.get(0), new Shrinker.Stats(failing.size(), best.get(0).size(), runs[0],
                    (System.nanoTime() - t0) / 1_000_000, false));
        }
    }

    /** A shrink's kernel-run or time budget is spent: the shortest disagreeing sequence so far stands. */
    private static final class OutOfBudget extends RuntimeException {
        OutOfBudget() {
            super(null, null, false, false);
        }
    }

    /** Re-runs (does it reproduce?), shrinks and saves the first trace of a new kind of disagreement. */
    private void investigate(Report rep, Finding f, Setup setup, List<Stmt> stmts, Differential.Mismatch m, int i,
                             Consumer<String> progress) {
        String sig = m.signature();
        List<Stmt> failing = List.copyOf(stmts.subList(0, m.index() + 1));
        f.reruns = 2;
        for (int k = 0; k < f.reruns; k++) {
            Differential.Outcome again = Differential.run(Differential.trace("rerun", failing, List.of()),
                    o.stepTimeout());
            account(rep, again);
            if (again.mismatch().map(x -> x.signature().equals(sig)).orElse(false)) {
                f.reproduced++;
            }
        }
        List<Stmt> best = failing;
        if (f.reproduced > 0) {
            Shrinker.Result<Stmt> s = shrink(setup, failing, sig, o.shrinkAttempts(), o.shrinkMillis(),
                    o.stepTimeout(), c -> account(rep, c));
            f.shrink = s.stats();
            best = s.items();
            progress.accept("      shrunk: " + s.stats());
        } else {
            progress.accept("      not reproduced in " + f.reruns + " re-runs: saved unshrunk");
        }
        String name = "kernel-fuzz-" + Long.toUnsignedString(o.seed()) + "-" + i;
        List<String> how = new ArrayList<>();
        how.add("found by: fusesim kernel fuzz --seed " + Long.toUnsignedString(o.seed()) + " (trace " + i + ", "
                + f.mode.word + " server)");
        how.add("reproduced in " + f.reproduced + " of " + f.reruns + " re-runs of the unshrunk trace"
                + (f.shrink == null ? "" : "; shrunk from " + f.shrink.before() + " to " + f.shrink.after()
                + " steps in " + f.shrink.attempts() + " attempts" + (f.shrink.complete() ? ", 1-minimal" : ", cut short")));
        try {
            FindingFile file = FindingFile.of(name, best, sig, how, o.stepTimeout());
            Files.createDirectories(o.outDir());
            f.path = o.outDir().resolve(name + ".trace");
            Files.writeString(f.path, file.text(), StandardCharsets.UTF_8);
            f.confirmed = file.confirmed();
            progress.accept("      saved " + f.path + (file.confirmed() ? "" : " (" + file.note() + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            if (e instanceof KernelReplay.Unavailable u) {
                throw u;
            }
            f.error = e.toString();
            progress.accept("      could not save: " + e);
        }
    }
}
