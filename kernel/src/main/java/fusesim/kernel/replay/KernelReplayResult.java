package fusesim.kernel.replay;

import fusesim.traces.replay.Observation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a trace did on the real kernel.
 *
 * @param trace the trace name
 * @param observations one per statement line that ran, in order
 * @param skipped lines not run or not checked, with the reason (model-only expectations, lines after
 *     the model-only verdict's line, lines after a fatal step)
 * @param notes remarks about the whole run (assumptions ignored, options the kernel cannot do)
 * @param firstDisagreement the first line whose observable expectation was not met
 * @param nanos wall time of the replay, mount and teardown included
 * @param stepNanos wall time of the statements alone: without the mount, the driver start, teardown and the
 *     real-time sleeps of {@code tick}
 */
public record KernelReplayResult(String trace, List<Observation> observations, SortedMap<Integer, String> skipped,
                                 List<String> notes, Optional<Disagreement> firstDisagreement, long nanos,
                                 long stepNanos, Map<Integer, List<String>> senders) {

    /** A line whose expectation the kernel did not meet. */
    public record Disagreement(int line, String message) {
        @Override
        public String toString() {
            return "line " + line + ": " + message;
        }
    }

    public KernelReplayResult {
        observations = List.copyOf(observations);
        skipped = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(skipped));
        notes = List.copyOf(notes);
        senders = Map.copyOf(senders);
    }

    /** Without request senders (tests, and results built by hand). */
    public KernelReplayResult(String trace, List<Observation> observations, SortedMap<Integer, String> skipped,
                              List<String> notes, Optional<Disagreement> firstDisagreement, long nanos, long stepNanos) {
        this(trace, observations, skipped, notes, firstDisagreement, nanos, stepNanos, Map.of());
    }

    /**
     * Who sent the requests of a line, in the order of {@link Observation#requests()}: the trace
     * thread whose driver thread's tid the request header carries, or "" for any other sender
     * (a kworker's RELEASE, FORGETs); empty when not known for the line.
     */
    public List<String> sendersOf(int line) {
        return senders.getOrDefault(line, List.of());
    }

    /** True when the kernel met every observable expectation that was checked. */
    public boolean allMet() {
        return firstDisagreement.isEmpty();
    }

    /** Every line whose expectation was not met. */
    public List<Disagreement> disagreements() {
        return observations.stream().filter(o -> !o.met()).map(o -> new Disagreement(o.line(), o.verdict())).toList();
    }

    /** Statements run per second, session setup (mount, driver JVM start) and teardown included. */
    public double stepsPerSecondEndToEnd() {
        return nanos == 0 ? 0 : observations.size() * 1e9 / nanos;
    }

    /** Statements run per second on a mounted session (setup, teardown and tick sleeps excluded). */
    public double stepsPerSecond() {
        return stepNanos <= 0 ? 0 : observations.size() * 1e9 / stepNanos;
    }

    /** A short report: one line per observation, skipped lines and the verdict. */
    public String report() {
        StringBuilder b = new StringBuilder("kernel replay of " + trace + "\n");
        TreeMap<Integer, String> rows = new TreeMap<>();
        for (Observation o : observations) {
            rows.put(o.line(), String.format("%4d  %-50s %-22s %s%s", o.line(), o.stmt(), o.result(),
                    o.requests().isEmpty() ? "" : String.join(" ", o.requests()),
                    o.met() ? "" : "   !! " + o.verdict()));
        }
        skipped.forEach((l, why) -> rows.putIfAbsent(l, String.format("%4d  skipped: %s", l, why)));
        rows.values().forEach(r -> b.append(r).append('\n'));
        notes.forEach(n -> b.append("note: ").append(n).append('\n'));
        b.append(allMet() ? "kernel met every observable expectation"
                : "first disagreement at " + firstDisagreement.get()).append('\n');
        return b.toString();
    }
}
