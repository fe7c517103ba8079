package fusesim.kernel.replay;

import fusesim.traces.replay.Observation;
import fusesim.traces.replay.ObservationDiff;
import fusesim.traces.replay.ObservationDiff.Observable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The model's prediction and the kernel's observation of one trace, side by side, line by line.
 * A row is marked {@code "!="} when both sides ran the line and its result or its requests differ,
 * or when only one side ran it and the other did not say why (a kernel line skipped with a reason,
 * such as a model-only expectation, is not a disagreement).
 */
public final class Comparison {
    /** The marker of a row where model and kernel differ. */
    public static final String DIFFERS = "!=";

    /**
     * What {@code kernel replay} compares on a line both sides ran. Not the verdict: the kernel
     * replay checks each line's stated outcome itself ({@code allMet}), and the model's
     * expectations about its own state have no kernel counterpart.
     */
    public static final ObservationDiff OBSERVABLES = ObservationDiff.of("kernel replay",
            ObservationDiff.rule(Observable.RESULT, ObservationDiff.EQUAL,
                    "return value, errno, stat fields, bytes moved: what the model predicts of the kernel"),
            ObservationDiff.rule(Observable.REQUESTS, ObservationDiff.REQUESTS_AGREE,
                    "the two servers differ: FORGETs reach the daemon on their own queue (a multiset), "
                            + "the model states fewer fields than the wire holds, fh is each server's choice"));

    private Comparison() {}

    /**
     * One trace line.
     *
     * @param note why a side has no observation ("kernel: skipped: model-only expectation ...")
     * @param marker {@link #DIFFERS} or the empty string
     */
    public record Row(int line, String stmt, String modelResult, List<String> modelRequests, String kernelResult,
                      List<String> kernelRequests, String marker, String note) {
        public Row {
            modelRequests = List.copyOf(modelRequests);
            kernelRequests = List.copyOf(kernelRequests);
        }

        public boolean differs() {
            return DIFFERS.equals(marker);
        }
    }

    /** Rows for every line either side observed; lines missing on one side are marked. */
    public static List<Row> rows(List<Observation> model, List<Observation> kernel) {
        return rows(model, kernel, Map.of());
    }

    /** Rows with the kernel's skipped lines explained instead of marked. */
    public static List<Row> rows(List<Observation> model, KernelReplayResult kernel) {
        return rows(model, kernel.observations(), kernel.skipped());
    }

    private static List<Row> rows(List<Observation> model, List<Observation> kernel, Map<Integer, String> skipped) {
        List<Row> out = new ArrayList<>();
        for (ObservationDiff.Row r : OBSERVABLES.rows(ObservationDiff.steps(model), ObservationDiff.steps(kernel),
                skipped)) {
            out.add(row(r));
        }
        return out;
    }

    private static Row row(ObservationDiff.Row r) {
        ObservationDiff.Step mo = r.first();
        ObservationDiff.Step ko = r.second();
        String marker = r.differs() ? DIFFERS : "";
        if (mo != null && ko != null) {
            return new Row(r.line(), r.stmt(), mo.result(), mo.requests(), ko.result(), ko.requests(), marker, "");
        }
        if (mo != null) {
            String why = r.whySecondMissing();
            return new Row(r.line(), r.stmt(), mo.result(), mo.requests(), "", List.of(), marker,
                    why == null ? "kernel: not observed" : "kernel: skipped: " + why);
        }
        return new Row(r.line(), r.stmt(), "", List.of(), ko.result(), ko.requests(), marker, "model: not observed");
    }

    /** True when no row differs. */
    public static boolean agree(List<Row> rows) {
        return rows.stream().noneMatch(Row::differs);
    }

    /** A fixed-width text table: line, marker, statement, model, kernel (result then requests). */
    public static String render(List<Row> rows) {
        int w = Math.max(9, rows.stream().mapToInt(r -> r.stmt().length()).max().orElse(9));
        int mw = Math.max(5, rows.stream().mapToInt(r -> cell(r.modelResult(), r.modelRequests()).length()).max().orElse(5));
        StringBuilder b = new StringBuilder();
        b.append(String.format("%4s %-2s %-" + w + "s | %-" + mw + "s | %s%n", "line", "", "statement", "model", "kernel"));
        for (Row r : rows) {
            String kernel = r.note().startsWith("kernel:") ? r.note().substring(8) : cell(r.kernelResult(), r.kernelRequests());
            String model = r.note().startsWith("model:") ? r.note().substring(7) : cell(r.modelResult(), r.modelRequests());
            b.append(String.format("%4d %-2s %-" + w + "s | %-" + mw + "s | %s%n", r.line(), r.marker(), r.stmt(),
                    model, kernel));
        }
        return b.toString();
    }

    private static String cell(String result, List<String> requests) {
        String req = String.join(" ", requests);
        if (result.isEmpty()) {
            return req;
        }
        return req.isEmpty() ? result : result + "  " + req;
    }
}
