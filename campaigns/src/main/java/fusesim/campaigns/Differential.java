package fusesim.campaigns;

import fusesim.kernel.replay.Comparison;
import fusesim.kernel.replay.KernelReplay;
import fusesim.kernel.replay.KernelReplayResult;
import fusesim.traces.lang.Header;
import fusesim.traces.lang.Pos;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Syscall;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.lang.TracePrinter;
import fusesim.traces.lang.Word;
import fusesim.traces.replay.ModelReplay;
import fusesim.traces.replay.Observation;
import fusesim.traces.replay.ObservationDiff;
import fusesim.traces.replay.ObservationDiff.Observable;
import fusesim.traces.replay.Requests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One statement sequence run on the model and on this machine's kernel, compared line by line:
 * syscall results (errno included), stat fields, blocked or not, and the FUSE requests each line
 * caused. The sequence is printed as a trace and parsed back, so both sides see exactly the text a
 * saved trace would hold (with its line numbers).
 */
public final class Differential {
    private Differential() {}

    /**
     * The first line where model and kernel differ.
     *
     * @param index the statement's index in the body
     * @param line its line in the printed trace
     * @param stmt the statement as printed
     * @param model the model's result ("3", "-1 EIO", "unfinished", "0 {ino=10 ...}")
     * @param kernel the kernel's result ("failed" when the harness step failed)
     * @param modelRequests the requests the model sent on that line
     * @param kernelRequests the requests the kernel sent on that line
     * @param kernelVerdict the kernel replay's own verdict on the line (null if met)
     */
    public record Mismatch(int index, int line, String stmt, String model, String kernel, List<String> modelRequests,
                           List<String> kernelRequests, String kernelVerdict) {
        public Mismatch {
            modelRequests = List.copyOf(modelRequests);
            kernelRequests = List.copyOf(kernelRequests);
        }

        /** True when the results agree and only the requests differ. */
        public boolean requestsOnly() {
            return model.equals(kernel) && kernelVerdict == null;
        }

        /**
         * What must stay the same while shrinking ("the same step"): the kind of statement and
         * how the two sides differ there: both results, or the requests only one side sent. Thread
         * names, fd numbers in the statement and requests both sides sent do not count.
         */
        public String signature() {
            if (kernel.equals("failed")) {
                // the harness step failed (a call that never returned, ...): what the model
                // returned there (an fd number, a count) does not name the kind
                return kind(stmt) + " | kernel " + normalised(kernel, kernelVerdict);
            }
            if (model.equals(kernel) && kernelVerdict != null) {
                // the kernel replay's own check failed on the line (no held request to reply to, a
                // call that did not block): that message names the kind
                return kind(stmt) + " | kernel: " + kernelVerdict.replaceAll("\\d+", "N");
            }
            if (!requestsOnly()) {
                String[] fields = differingFields(model, kernel);
                if (fields != null) {
                    return kind(stmt) + " | model " + fields[0] + " | kernel " + fields[1];
                }
                return kind(stmt) + " | model " + model + " | kernel " + normalised(kernel, kernelVerdict);
            }
            List<String> fieldDiffs = fusesim.traces.replay.Requests.fieldDifferences(modelRequests, kernelRequests);
            if (!fieldDiffs.isEmpty()) {
                return kind(stmt) + " | request fields " + String.join(" ", fieldDiffs).replaceAll("\\d+", "n");
            }
            return kind(stmt) + " | requests only the model sent " + minus(modelRequests, kernelRequests)
                    + " | only the kernel sent " + minus(kernelRequests, modelRequests);
        }

        /**
         * "0 {ino=10 nlink=3}" against "0 {ino=10 nlink=2}": the fields that differ, {"nlink=3",
         * "nlink=2"}; null unless both are the same value with differing fields.
         */
        static String[] differingFields(String a, String b) {
            int ia = a.indexOf(" {"), ib = b.indexOf(" {");
            if (ia < 0 || ib < 0 || !a.substring(0, ia).equals(b.substring(0, ib))) {
                return null;
            }
            List<String> fa = List.of(a.substring(ia + 2, a.length() - 1).split(" "));
            List<String> fb = List.of(b.substring(ib + 2, b.length() - 1).split(" "));
            List<String> onlyA = fa.stream().filter(x -> !fb.contains(x)).toList();
            List<String> onlyB = fb.stream().filter(x -> !fa.contains(x)).toList();
            return new String[] {String.join(" ", onlyA), String.join(" ", onlyB)};
        }

        /** One paragraph for the saved trace's header and the progress output (without the line). */
        public String explain() {
            if (model.equals(kernel) && kernelVerdict != null) {
                return "`" + stmt + "`: on the kernel " + kernelVerdict + requestsNote();
            }
            if (!requestsOnly()) {
                return "`" + stmt + "`: the model returns " + model + ", the kernel "
                        + (kernel.equals("failed") ? "step failed (" + kernelVerdict + ")" : "returns " + kernel)
                        + requestsNote();
            }
            return "`" + stmt + "`: both return " + (model.isEmpty() ? "nothing" : model)
                    + "; requests: model " + show(modelRequests) + ", kernel " + show(kernelRequests);
        }

        private String requestsNote() {
            if (fusesim.traces.replay.Requests.agree(modelRequests, kernelRequests)) {
                return "";
            }
            return "; requests: model " + show(modelRequests) + ", kernel " + show(kernelRequests);
        }

        private static String show(List<String> r) {
            return r.isEmpty() ? "none" : String.join(" ", r);
        }

        private static String normalised(String kernel, String verdict) {
            if (!kernel.equals("failed") || verdict == null) {
                return kernel;
            }
            // a harness failure message carries tids, ms and line numbers: keep its words
            return "failed: " + verdict.replaceAll("\\d+", "N");
        }

        /**
         * The multiset difference a - b, sorted, with nodeids and counts as {@code n}: which
         * kind of request one side sent and the other did not ({@code WRITE(n)}), not on which
         * inode (the kind stays the same while shrinking renames files).
         */
        static List<String> minus(List<String> a, List<String> b) {
            List<String> rest = new ArrayList<>();
            a.forEach(x -> rest.add(fusesim.traces.replay.Requests.base(x))); // requests, not their fields
            for (String x : b) {
                rest.remove(fusesim.traces.replay.Requests.base(x));
            }
            List<String> out = new ArrayList<>();
            for (String r : rest) {
                out.add(r.replaceAll("\\d+", "n"));
            }
            Collections.sort(out);
            return out;
        }
    }

    /**
     * How a sequence ran on both sides.
     *
     * @param trace the printed and re-parsed trace both sides ran
     * @param rows the side-by-side comparison
     * @param kernel the kernel replay
     * @param mismatch the first line where they differ, if any
     */
    public record Outcome(Trace trace, List<Comparison.Row> rows, KernelReplayResult kernel,
                          Optional<Mismatch> mismatch) {
        public boolean agree() {
            return mismatch.isEmpty();
        }
    }

    /**
     * The body as a mainline trace named {@code name} (printed and parsed back: real line numbers).
     * Calls keep their outcome ({@code ?} as generated: the comparison judges them), except that a
     * successful {@code mmap} gets the model's mapping name (later lines refer to it); the ioctls
     * {@code server backing_open/backing_close}, whose outcome the language requires, get the
     * model's.
     */
    public static Trace trace(String name, List<Stmt> body, List<String> docs) {
        if (body.stream().anyMatch(Differential::needsOutcome)) {
            fusesim.traces.replay.Session.Result r = fusesim.traces.replay.Session.run(fusesim.traces.replay.Setup.of(
                    fusesim.model.series.Semantics.MAINLINE, java.util.Set.of(), fusesim.traces.replay.ServerMode.WELL_BEHAVED),
                    body, true);
            List<Stmt> concrete = new ArrayList<>(body);
            for (int i = 0; i < r.observations().size() && i < body.size(); i++) {
                Stmt s = body.get(i);
                if (needsOutcome(s) && !(s instanceof Stmt.Call && !r.observations().get(i).result().matches("m\\d+"))) {
                    concrete.set(i, FindingFile.concrete(s, r.observations().get(i).result(), false));
                }
            }
            body = concrete;
        }
        List<Header.Doc> d = new ArrayList<>();
        for (String s : docs) {
            d.add(new Header.Doc(Pos.NONE, s.replace('\n', ' ')));
        }
        Header h = new Header(Pos.NONE, Word.of(name), Optional.of(Header.Semantics.MAINLINE), List.of(),
                new Header.Verdict(Pos.NONE, Optional.empty(), Optional.empty()), d);
        String text = TracePrinter.print(new Trace(name + ".trace", h, body));
        return TraceParser.parse(name + ".trace", text);
    }

    /**
     * Runs {@code trace} on the model and on the kernel.
     *
     * @throws KernelReplay.Unavailable when the kernel cannot be used
     */
    public static Outcome run(Trace trace, Duration stepTimeout) {
        ModelReplay.Result model = ModelReplay.run(trace);
        List<Observation> mobs = model.steps().stream().map(ModelReplay.Step::obs).toList();
        Map<Integer, List<String>> hints = new HashMap<>();
        for (Observation o : mobs) {
            hints.put(o.line(), o.requests());
        }
        KernelReplayResult kernel = KernelReplay.run(trace, stepTimeout, hints);
        List<Comparison.Row> rows = Comparison.rows(mobs, kernel);
        return new Outcome(trace, rows, kernel, first(trace, rows, kernel));
    }

    /**
     * Runs {@code trace} on the model and, with {@code plan}'s wire fault (none if null), on the
     * kernel; compares the lines before {@code upTo} (every line: {@code Integer.MAX_VALUE}).
     */
    public static Faulted runFaulted(Trace trace, Duration stepTimeout, KernelReplay.WirePlan plan, int upTo) {
        ModelReplay.Result model = ModelReplay.run(trace);
        List<Observation> mobs = model.steps().stream().map(ModelReplay.Step::obs).toList();
        Map<Integer, List<String>> hints = new HashMap<>();
        for (Observation o : mobs) {
            hints.put(o.line(), o.requests());
        }
        KernelReplay.Faulted k = KernelReplay.runFaulted(trace, stepTimeout, hints, plan);
        List<Comparison.Row> rows = Comparison.rows(mobs, k.result()).stream().filter(r -> r.line() < upTo).toList();
        return new Faulted(new Outcome(trace, rows, k.result(), first(trace, rows, k.result())), k.injected());
    }

    /** A faulted run: the comparison of the lines compared, and what the server did. */
    public record Faulted(Outcome outcome, Optional<fusesim.kernel.server.FuseServer.Injected> injected) {}

    /**
     * What {@code kernel fuzz} compares on a line both sides ran: kernel replay's observables,
     * with the interleaving a reply allows, and the kernel replay's own check on the line.
     */
    static final ObservationDiff OBSERVABLES = ObservationDiff.of("kernel fuzz",
            ObservationDiff.rule(Observable.RESULT, ObservationDiff.EQUAL,
                    "return value, errno, stat fields, bytes moved, blocked or not"),
            ObservationDiff.rule(Observable.REQUESTS, (o, m, k) -> Requests.agree(m.requests(), k.requests())
                            || interleavedByReply(k.stmt(), m.requests(), k.requests(), k.senders()),
                    "as kernel replay (Requests.agree), and a reply may wake threads whose requests reach "
                            + "the daemon in no determined order (interleavedByReply)"),
            ObservationDiff.rule(Observable.VERDICT, ObservationDiff.MET_BY_SECOND,
                    "a generated line states no outcome, but the kernel replay checks what it must do "
                            + "(a held request to reply to, a call that blocks): a failed check is a difference"));

    private static Optional<Mismatch> first(Trace trace, List<Comparison.Row> rows, KernelReplayResult kernel) {
        Map<Integer, Integer> indexOf = new HashMap<>();
        for (int i = 0; i < trace.body().size(); i++) {
            indexOf.put(trace.body().get(i).line(), i);
        }
        Map<Integer, ObservationDiff.Step> kernelSteps = new TreeMap<>();
        for (Observation o : kernel.observations()) {
            kernelSteps.put(o.line(), ObservationDiff.Step.of(o).withSenders(kernel.sendersOf(o.line())));
        }
        for (Comparison.Row r : rows) {
            ObservationDiff.Step k = kernelSteps.get(r.line());
            boolean differs = r.note().isEmpty()
                    ? !OBSERVABLES.differing(modelStep(r), k).isEmpty() : r.differs();
            if (differs) {
                String v = k == null ? null : k.verdict();
                String kernelResult = r.note().startsWith("kernel:") ? "not run" : r.kernelResult();
                String modelResult = r.note().startsWith("model:") ? "not run" : r.modelResult();
                if (v == null && r.note().startsWith("kernel:")) {
                    v = r.note();
                }
                return Optional.of(new Mismatch(indexOf.getOrDefault(r.line(), -1), r.line(), r.stmt(), modelResult,
                        kernelResult, r.modelRequests(), r.kernelRequests(), v));
            }
        }
        return Optional.empty();
    }

    /** The model's side of a row both sides ran (result and requests: what the rule compares). */
    private static ObservationDiff.Step modelStep(Comparison.Row r) {
        return new ObservationDiff.Step(r.line(), r.stmt(), null, r.modelResult(), r.modelRequests(), null,
                List.of(), List.of(), List.of());
    }

    /**
     * Whether the kernel's requests on a {@code server reply} line are the model's in an order
     * that only the concurrency of the threads the reply woke explains, which the comparison must
     * therefore allow. A reply completes one request and wakes its thread; threads waiting for the
     * same lookup (d_alloc_parallel → d_wait_lookup) or for what the woken thread then releases
     * become runnable too, and on more than one CPU they reach fuse_simple_request() in no
     * determined order, while the model runs them one after the other. Allowed only when:
     * <ul>
     *   <li>the line is a {@code server reply} and both sides return the same (nothing);
     *   <li>the requests are the same multiset;
     *   <li>the kernel's requests came from at least two senders (the trace threads, by the tid in
     *       each request header; any other sender counts as one more);
     *   <li>each sender's own requests, in the kernel's order, are in the model's order too (a
     *       thread's requests follow its program order: a reorder inside one thread is a real
     *       difference and stays one).
     * </ul>
     * Not excluded: an order between threads that the kernel does determine (a thread woken only
     * once the other has sent its request) and the model gets the other way round.
     */
    static boolean interleavedByReply(String stmt, List<String> model, List<String> kernel, List<String> senders) {
        if (!kind(stmt).equals("server reply") || senders.size() != kernel.size()) {
            return false;
        }
        if (!sameMultiset(model, kernel) || new java.util.HashSet<>(senders).size() < 2) {
            return false;
        }
        Map<String, List<String>> bySender = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kernel.size(); i++) {
            bySender.computeIfAbsent(senders.get(i), x -> new ArrayList<>()).add(kernel.get(i));
        }
        for (List<String> own : bySender.values()) {
            if (!isSubsequence(own, model)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the kernel's requests are the model's, each model request covered by its own kernel
     * request (the kernel renders every field, the model those it holds: Requests.coversAcrossServers).
     */
    static boolean sameMultiset(List<String> model, List<String> kernel) {
        if (model.size() != kernel.size()) {
            return false;
        }
        boolean[] used = new boolean[kernel.size()];
        // the requests stating more fields first, so that a less specific one cannot take the
        // kernel request only a more specific one covers
        List<String> bySpecificity = new ArrayList<>(model);
        bySpecificity.sort(java.util.Comparator.comparingInt((String r) -> -r.split("=", -1).length));
        for (String m : bySpecificity) {
            boolean found = false;
            for (int j = 0; j < kernel.size() && !found; j++) {
                if (!used[j] && fusesim.traces.replay.Requests.coversAcrossServers(m, kernel.get(j))) {
                    used[j] = found = true;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    /** Whether the kernel requests {@code sub} appear, in order, among the model's {@code seq}. */
    private static boolean isSubsequence(List<String> sub, List<String> seq) {
        int i = 0;
        for (String x : seq) {
            if (i < sub.size() && fusesim.traces.replay.Requests.coversAcrossServers(x, sub.get(i))) {
                i++;
            }
        }
        return i == sub.size();
    }

    private static boolean needsOutcome(Stmt s) {
        return (s instanceof Stmt.BackingOpen b && b.outcome() instanceof fusesim.traces.lang.Outcome.Any)
                || (s instanceof Stmt.BackingClose c && c.outcome() instanceof fusesim.traces.lang.Outcome.Any)
                || (s instanceof Stmt.Call c && c.syscall() == Syscall.MMAP
                && c.outcome() instanceof fusesim.traces.lang.Outcome.Any);
    }

    /** The kind of a printed statement: "open", "open unfinished", "read resumed", "server reply", ... */
    static String kind(String printed) {
        String s = printed.strip();
        if (s.matches("T\\d+ .*")) {
            String rest = s.substring(s.indexOf(' ') + 1);
            if (rest.startsWith("<...")) {
                return rest.split(" ")[1] + " resumed";
            }
            String name = rest.substring(0, Math.max(0, rest.indexOf('(')));
            return Syscall.parse(name).map(Syscall::word).orElse(name) + (rest.contains("<unfinished") ? " unfinished" : "");
        }
        String[] w = s.split(" ");
        return w.length > 1 && (w[0].equals("server") || w[0].equals("lower") || w[0].equals("expect"))
                ? w[0] + " " + w[1] : w[0];
    }
}
