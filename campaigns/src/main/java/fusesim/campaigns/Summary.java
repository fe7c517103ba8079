package fusesim.campaigns;

import java.util.Locale;

/** The final summary of a fuzz campaign, as {@code fusesim kernel fuzz} prints it. */
public final class Summary {
    private Summary() {}

    public static String text(Fuzzer.Report r, long seed) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n%d traces (seed %s), %d kernel steps in %.1f s%n", r.traces,
                Long.toUnsignedString(seed), r.kernelSteps, r.millis / 1000.0));
        b.append(String.format(Locale.ROOT, "kernel: %.0f steps/s end to end (mount, driver, teardown included; "
                + "%.1f ms per trace), %.0f steps/s on mounted sessions%n", r.kernelStepsPerSecond(),
                r.kernelRuns == 0 ? 0 : r.kernelNanos / 1e6 / r.kernelRuns, r.mountedStepsPerSecond()));
        if (r.modelFindings > 0) {
            b.append(r.modelFindings).append(" sequences broke a model invariant and were not run on the kernel "
                    + "(fusesim check's business); first: ").append(r.firstModelFinding).append('\n');
        }
        if (r.findings.isEmpty()) {
            b.append("no disagreement: model and kernel agree on every line of every trace\n");
            return b.toString();
        }
        b.append(r.disagreeing).append(" of ").append(r.traces).append(" traces disagree, ")
                .append(r.findings.size()).append(" kind(s):\n");
        for (Fuzzer.Finding f : r.findings.values()) {
            if (f.known) {
                b.append(String.format(Locale.ROOT, "  %d trace(s), first trace %d (%s server), known (written up in "
                        + "the corpus): %s%n", f.traces, f.firstTrace, f.mode.word, f.signature));
                continue;
            }
            b.append(String.format(Locale.ROOT, "  %d trace(s), first trace %d (%s server), reproduced %d/%d%s: %s%n",
                    f.traces, f.firstTrace, f.mode.word, f.reproduced, f.reruns,
                    f.confirmed ? ", shrunk trace confirmed" : f.path == null ? "" : ", shrunk trace not confirmed",
                    f.explanation));
            b.append("    ").append(f.path != null ? "saved " + f.path : "not saved: " + f.error)
                    .append(f.shrink == null ? "" : " (" + f.shrink + ")").append('\n');
        }
        return b.toString();
    }
}
