package fusesim.cli;

import fusesim.properties.Engine;
import java.io.PrintWriter;
import java.util.List;

/**
 * {@code fusesim check --json}: JSON Lines for CI dashboards. One object a line, each with a
 * {@code "type"}: {@code "corpus"} (a corpus trace that did not meet its result), {@code "invariant"}
 * (one per invariant and campaign: steps checked, sequences, violations, first found), {@code
 * "violation"} (its counterexample file), {@code "summary"} (the seed and the totals).
 */
final class CheckJson {
  private CheckJson() {}

  static void write(PrintWriter out, PropertyRun props, List<String[]> corpusFailures) {
    for (String[] f : corpusFailures) {
      out.println("{\"type\":\"corpus\",\"trace\":" + str(f[0]) + ",\"verdict\":" + str(f[1]) + "}");
    }
    long violations = 0;
    for (Engine.Report r : props.reports) {
      for (Engine.Row row : r.rows.values()) {
        out.println("{\"type\":\"invariant\",\"campaign\":" + str(r.label) + ",\"id\":" + str(row.invariant)
            + ",\"steps\":" + row.steps + ",\"sequences\":" + row.sequences + ",\"violations\":" + row.violations
            + ",\"firstFoundMs\":" + (row.firstMillis < 0 ? "null" : Long.toString(row.firstMillis)) + "}");
      }
      for (Engine.Row row : r.violated()) {
        violations++;
        out.println("{\"type\":\"violation\",\"campaign\":" + str(r.label) + ",\"invariant\":" + str(row.invariant)
            + ",\"firstSequence\":" + row.firstSequence + ",\"counterexample\":"
            + (row.path == null ? "null" : str(row.path.toString())) + ",\"error\":"
            + (row.error == null ? "null" : str(row.error)) + "}");
      }
    }
    out.println("{\"type\":\"summary\",\"seed\":" + str(Long.toUnsignedString(props.seed)) + ",\"corpusFailures\":"
        + corpusFailures.size() + ",\"campaigns\":" + props.reports.size() + ",\"violations\":" + violations + "}");
    out.flush();
  }

  /** A JSON string: the one quoting rule, the ITF writer's ({@link fusesim.report.itf.Json#quote}). */
  static String str(String s) {
    return fusesim.report.itf.Json.quote(s);
  }
}
