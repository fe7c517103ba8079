package fusesim.cli;

import fusesim.model.series.Assumption;
import fusesim.model.series.Semantics;
import fusesim.properties.Engine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code check --all-assumptions}: the suite once with every default, then once per non-default
 * choice of each assumption (the others at their defaults: a covering set of single choices; the
 * full product of 17 questions is out of reach). The budget is shared equally. The summary says,
 * per choice, which invariants broke, so a reviewer sees which open questions matter.
 */
final class AssumptionSweep {
  private AssumptionSweep() {}

  record Variant(String label, Semantics sem) {}

  static List<Variant> variants(Semantics base) {
    List<Variant> r = new ArrayList<>();
    r.add(new Variant("defaults", base));
    for (Assumption a : Assumption.ALL) {
      for (Assumption.Choice c : a.choices()) {
        if (!c.name().equals(base.choice(a))) {
          r.add(new Variant(a.id() + "=" + c.name(), base.assume(a, c.name())));
        }
      }
    }
    return r;
  }

  static int run(PropertyRun props, PrintWriter out, PrintWriter err) {
    List<Variant> vs = variants(props.semantics);
    List<String> summary = new ArrayList<>();
    int code = 0;
    for (Variant v : vs) {
      out.println("== " + v.label() + " ==");
      Path dir = props.outDir.resolve(v.label().equals("defaults") ? "defaults" : "assume-" + v.label().replace('=', '-'));
      PropertyRun run = props.with(v.sem(), Math.max(1, props.budgetMillis / vs.size()), dir);
      code = Math.max(code, run.run(out, err));
      List<String> broken = new ArrayList<>();
      for (Engine.Report r : run.reports) {
        for (Engine.Row row : r.violated()) {
          if (!broken.contains(row.invariant)) {
            broken.add(row.invariant);
          }
        }
      }
      summary.add(String.format("%-34s %s", v.label(), broken.isEmpty() ? "every invariant holds"
          : "breaks " + String.join(", ", broken)));
    }
    out.println("assumptions: " + vs.size() + " runs (semantics " + props.semantics + ")");
    for (String line : summary) {
      out.println(line);
    }
    return code;
  }
}
