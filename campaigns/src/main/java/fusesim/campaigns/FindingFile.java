package fusesim.campaigns;

import fusesim.model.Errno;
import fusesim.traces.lang.Outcome;
import fusesim.traces.lang.Pos;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceError;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.lang.TracePrinter;
import fusesim.traces.lang.Value;
import fusesim.traces.replay.Observation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A disagreement as a trace file that says what the kernel does: every outcome is the kernel's,
 * the header explains where and how the model differs, and when only the requests differ, {@code
 * expect requests} lines state the kernel's. So {@code fusesim kernel replay FILE} meets every line
 * and marks the disagreement {@code !=}, and {@code fusesim replay FILE} (the model) fails at it:
 * the form of traces/corpus/mainline-disagreements/.
 *
 * @param text the trace text
 * @param confirmed the saved text, run again, shows the same disagreement and the kernel meets it
 * @param note why it is not confirmed
 */
public record FindingFile(String text, boolean confirmed, String note) {

    /** Builds, parses back and re-runs the finding for {@code body} (which ends at the disagreeing step). */
    public static FindingFile of(String name, List<Stmt> body, String signature, List<String> how, Duration timeout) {
        Differential.Outcome run = Differential.run(Differential.trace(name, body, List.of()), timeout);
        if (run.mismatch().isEmpty()) {
            String text = print(name, body, List.of(), -1, how, "model and kernel agreed on this run (not reproduced)", signature);
            return new FindingFile(text, false, "not reproduced when saving");
        }
        Differential.Mismatch m = run.mismatch().get();
        Map<Integer, Observation> kernel = new HashMap<>();
        for (Observation ob : run.kernel().observations()) {
            kernel.put(ob.line(), ob);
        }
        List<String> lines = new ArrayList<>();
        int mismatchAt = -1;
        List<String> before = new ArrayList<>();
        for (int i = 0; i <= m.index(); i++) {
            Stmt s = run.trace().body().get(i);
            Observation k = kernel.get(s.line());
            if (i == m.index() && m.requestsOnly()) {
                lines.add(expectRequests(before));
            }
            if (i == m.index()) {
                mismatchAt = lines.size();
            }
            lines.add(TracePrinter.print(k == null ? s : concrete(s, k.result(), i == m.index())));
            if (k != null) {
                before.addAll(k.requests());
            }
        }
        if (m.requestsOnly()) {
            lines.add(expectRequests(m.kernelRequests()));
        }
        String text = print(name, List.of(), lines, mismatchAt, how, m.explain(), signature);
        Trace parsed;
        try {
            parsed = TraceParser.parse(name + ".trace", text);
        } catch (TraceError e) {
            // a result the trace language cannot state: keep the generated outcomes
            text = print(name, body, List.of(), -1, how, m.explain(), signature);
            return new FindingFile(text, false, "kernel outcomes not expressible: " + e.getMessage());
        }
        int line = parsed.body().get(mismatchAt).line();
        text = text.replace("{LINE}", Integer.toString(line));
        parsed = TraceParser.parse(name + ".trace", text);
        Differential.Outcome again = Differential.run(parsed, timeout);
        if (again.mismatch().isEmpty()) {
            return new FindingFile(text, false, "the saved trace agreed when run again");
        }
        if (!again.mismatch().get().signature().equals(signature)) {
            return new FindingFile(text, false, "the saved trace disagrees differently: " + again.mismatch().get().explain());
        }
        if (!again.kernel().allMet()) {
            return new FindingFile(text, false, "the kernel did not meet the saved outcomes: "
                    + again.kernel().firstDisagreement().orElseThrow());
        }
        return new FindingFile(text, true, "");
    }

    /**
     * A saved finding back as the fuzzer generated it, to run or shrink again: the {@code expect}
     * lines go (they state the kernel's requests of one run), and every call's outcome and stat
     * fields become {@code ?} (the comparison judges them; fd numbers move while shrinking). The
     * outcomes the language requires ({@code mmap}'s mapping name, the ioctls') are given the
     * model's again by {@link Differential#trace}.
     */
    public static List<Stmt> generated(Trace finding) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : finding.body()) {
            if (s instanceof Stmt.Expect) {
                continue;
            }
            Outcome any = new Outcome.Any(Pos.NONE);
            if (s instanceof Stmt.Call c) {
                out.add(new Stmt.Call(c.pos(), c.thread(), c.syscall(), c.args(), any, List.of()));
            } else if (s instanceof Stmt.Resumed c) {
                out.add(new Stmt.Resumed(c.pos(), c.thread(), c.syscall(), any, List.of()));
            } else if (s instanceof Stmt.BackingOpen b) {
                out.add(new Stmt.BackingOpen(b.pos(), b.target(), b.params(), any));
            } else if (s instanceof Stmt.BackingClose b) {
                out.add(new Stmt.BackingClose(b.pos(), b.id(), any));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /** The doc line prefix that names a finding's kind ({@link Differential.Mismatch#signature}). */
    public static final String SIGNATURE = "kernel fuzz signature: ";

    private static String print(String name, List<Stmt> body, List<String> lines, int mismatchAt, List<String> how,
                                String explanation, String signature) {
        StringBuilder b = new StringBuilder();
        b.append("trace: ").append(name).append('\n');
        b.append("semantics: mainline\n");
        b.append("result: pass\n");
        b.append("doc: model and real kernel (").append(System.getProperty("os.version")).append(") disagree at line ")
                .append(mismatchAt < 0 ? "?" : "{LINE}").append('\n');
        b.append("doc: at that line, ").append(explanation.replace('\n', ' ')).append('\n');
        for (String h : how) {
            b.append("doc: ").append(h.replace('\n', ' ')).append('\n');
        }
        b.append("doc: ").append(SIGNATURE).append(signature).append('\n');
        b.append("doc: outcomes are the kernel's: `fusesim kernel replay` meets every line and marks the "
                + "disagreement !=; `fusesim replay` (the model) fails there\n");
        b.append('\n');
        for (Stmt s : body) {
            b.append(TracePrinter.print(s)).append('\n');
        }
        for (String l : lines) {
            b.append(l).append('\n');
        }
        return b.toString();
    }

    private static String expectRequests(List<String> requests) {
        return ("expect requests " + String.join(" ", requests)).strip();
    }

    /** The statement with the kernel's outcome in place of {@code ?} (and its stat fields at the mismatch). */
    static Stmt concrete(Stmt s, String result, boolean withFields) {
        if (s instanceof Stmt.Call c) {
            return new Stmt.Call(c.pos(), c.thread(), c.syscall(), c.args(), outcome(result),
                    withFields ? fields(result) : c.checks());
        }
        if (s instanceof Stmt.Resumed c) {
            return new Stmt.Resumed(c.pos(), c.thread(), c.syscall(), outcome(result),
                    withFields ? fields(result) : c.checks());
        }
        if (s instanceof Stmt.BackingOpen b) {
            return new Stmt.BackingOpen(b.pos(), b.target(), b.params(), outcome(result));
        }
        if (s instanceof Stmt.BackingClose b) {
            return new Stmt.BackingClose(b.pos(), b.id(), outcome(result));
        }
        return s;
    }

    /** "0 {ino=10 size=4096 mode=0100644 ...}" as checks; none for other results. */
    private static List<fusesim.traces.lang.Item> fields(String result) {
        int open = result.indexOf('{');
        if (open < 0 || !result.endsWith("}")) {
            return List.of();
        }
        List<fusesim.traces.lang.Item> out = new ArrayList<>();
        for (String kv : result.substring(open + 1, result.length() - 1).split(" ")) {
            String[] p = kv.split("=", 2);
            if (p.length == 2 && p[1].matches("-?\\d+")) {
                Value.Int v = p[1].startsWith("0") && p[1].length() > 1 ? Value.Int.octal(Long.parseLong(p[1], 8))
                        : Value.Int.of(Long.parseLong(p[1]));
                out.add(fusesim.traces.lang.Item.of(p[0], v));
            }
        }
        return out;
    }

    /** "3", "-1 EIO", "m1", "0 {...}" as an outcome; anything else (failed, unfinished) as {@code ?}. */
    static Outcome outcome(String result) {
        String[] w = result.split(" ");
        if (w[0].matches("m\\d+")) {
            return new Outcome.Maps(Pos.NONE, w[0]);
        }
        if (w[0].equals("-1") && w.length > 1) {
            Optional<Errno> e = Errno.parse(w[1]);
            return e.<Outcome>map(x -> new Outcome.Fails(Pos.NONE, Value.Err.of(x))).orElse(new Outcome.Any(Pos.NONE));
        }
        try {
            return new Outcome.Returns(Pos.NONE, Value.Int.of(Long.parseLong(w[0])));
        } catch (NumberFormatException e) {
            return new Outcome.Any(Pos.NONE);
        }
    }
}
