package fusesim.traces.replay;


/** Prints a model replay step by step: outcome, requests, what changed, findings, violations. */
public final class ReplayReport {
  private ReplayReport() {}

  public static String print(ModelReplay.Result r, boolean verbose) {
    StringBuilder sb = new StringBuilder();
    sb.append("== ").append(r.trace().file()).append("  (").append(r.trace().name()).append(", ")
        .append(r.trace().header().semantics().text()).append(")\n");
    for (ModelReplay.Step s : r.steps()) {
      Observation o = s.obs();
      sb.append(String.format("%4d  %s%n", o.line(), o.stmt()));
      if (!o.result().isEmpty()) {
        sb.append("        = ").append(o.result()).append('\n');
      }
      for (String q : o.requests()) {
        sb.append("        -> ").append(q).append('\n'); // one request a line, with its fields
      }
      if (verbose) {
        for (String c : s.changes()) {
          sb.append("        ").append(c).append('\n');
        }
      }
      for (String f : s.findings()) {
        sb.append("        WARN ").append(f).append('\n');
      }
      if (!o.met()) {
        sb.append("        MISMATCH ").append(o.verdict()).append('\n');
      }
      for (var v : s.violations()) {
        sb.append("        VIOLATES ").append(v.invariant().id()).append(": ").append(v.detail()).append('\n');
      }
    }
    sb.append(verdictLine(r)).append('\n');
    return sb.toString();
  }

  public static String verdictLine(ModelReplay.Result r) {
    String want = r.trace().header().verdict().pass() ? "pass"
        : "violates " + r.trace().header().verdict().violates().get().text()
            + r.trace().header().verdict().atLine().map(l -> " at line " + l.value()).orElse("");
    if (r.met()) {
      return "OK    " + r.trace().file() + ": result " + want;
    }
    return "FAIL  " + r.trace().file() + ":" + r.whyLine() + ": expected result " + want + "; " + r.why();
  }
}
