package fusesim.traces.replay;

import fusesim.model.Faults;
import fusesim.model.series.Semantics;
import fusesim.invariants.Checker;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceError;
import fusesim.traces.replay.ObservationDiff.Observable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One trace replayed on the model under two semantics (or two fault sets), step by step, and the
 * first step where what can be observed differs: a syscall's or ioctl's result, the FUSE requests
 * sent, an expectation met or not, the invariants broken, the kernel warnings fired, or a step
 * the model refuses (not modelled under one side). Used by {@code fusesim diff} and
 * {@code fusesim bisect}; the observables compared are {@link #OBSERVABLES}. The trace's own {@code semantics:} is overridden; its {@code assume:}
 * lines still apply (as in {@link ModelReplay#withSemantics}).
 */
public final class SemanticsDiff {
  /** The marker of a row whose two sides differ. */
  public static final String DIFFERS = "!=";

  /** One side: a label for the column, the semantics, the faults on. */
  public record Side(String label, Semantics semantics, Faults faults) {
    public static Side of(Semantics s) {
      return new Side(s.toString(), s, Faults.none());
    }
  }

  /** What one line showed on one side. */
  public record StepObs(int line, String stmt, String result, List<String> requests, String mismatch,
      List<String> violations, List<String> findings, String error) {

    /** The observables compared (violation details are shown, not compared: they name serials). */
    ObservationDiff.Step step() {
      return new ObservationDiff.Step(line, stmt, error, result, requests, mismatch, violationIds(),
          findings, List.of());
    }

    public List<String> violationIds() {
      List<String> ids = new ArrayList<>();
      for (String v : violations) {
        ids.add(v.substring(0, v.indexOf(':') < 0 ? v.length() : v.indexOf(':')));
      }
      return ids;
    }

    /** One cell: result, requests, then what broke. */
    public String cell() {
      if (error != null) {
        return "ERROR " + error;
      }
      StringBuilder sb = new StringBuilder(result);
      if (!requests.isEmpty()) {
        sb.append(sb.length() == 0 ? "" : "  ").append(String.join(" ", requests));
      }
      if (mismatch != null) {
        sb.append(sb.length() == 0 ? "" : "  ").append("MISMATCH ").append(mismatch);
      }
      for (String f : findings) {
        sb.append(sb.length() == 0 ? "" : "  ").append("WARN ").append(f);
      }
      for (String v : violationIds()) {
        sb.append(sb.length() == 0 ? "" : "  ").append("VIOLATES ").append(v);
      }
      return sb.toString();
    }
  }

  /** A replay on one side: its lines, and the result verdict when it ran to its end. */
  public record Run(Side side, List<StepObs> steps, Boolean met) {}

  /** One row of the side-by-side table. */
  public record Row(int line, String stmt, StepObs left, StepObs right, boolean differs) {}

  /** Both runs of a trace, the rows, and the first row that differs (null: equivalent). */
  public record Result(Trace trace, Run left, Run right, List<Row> rows, Row first) {
    public boolean equivalent() {
      return first == null;
    }
  }

  /** What {@code fusesim diff} and {@code fusesim bisect} compare, in the order they report it. */
  public static final ObservationDiff OBSERVABLES = ObservationDiff.of("fusesim diff",
      ObservationDiff.rule(Observable.REFUSED, ObservationDiff.EQUAL,
          "a statement modelled under one side only (v2 syntax under mainline)"),
      ObservationDiff.rule(Observable.RESULT, ObservationDiff.EQUAL, "what the user sees"),
      ObservationDiff.rule(Observable.REQUESTS, ObservationDiff.EQUAL,
          "what the server sees; both sides are the model with the same server: compared exactly"),
      ObservationDiff.rule(Observable.VERDICT, ObservationDiff.EQUAL, "on expect lines only (the "
          + "model's state, tested by the trace); elsewhere the verdict follows from the result"),
      ObservationDiff.rule(Observable.INVARIANTS, ObservationDiff.EQUAL,
          "which invariants a semantics or a fault breaks is what bisect and --to-fault look for"),
      ObservationDiff.rule(Observable.WARNINGS, ObservationDiff.EQUAL,
          "a WARN_ON fired is a kernel-visible difference"));

  private SemanticsDiff() {}

  /** Replays {@code t} on one side; a step the model refuses ends the run with an error line. */
  public static Run run(Trace t, Side side) {
    try {
      ModelReplay.Result r = replay(t, side);
      return new Run(side, steps(r), r.met());
    } catch (RuntimeException e) {
      // the longest prefix that runs, then the refused statement as an error step
      int ok = 0;
      List<StepObs> steps = List.of();
      for (int n = t.body().size() - 1; n >= 0; n--) {
        try {
          steps = steps(replay(new Trace(t.file(), t.header(), t.body().subList(0, n)), side));
          ok = n;
          break;
        } catch (RuntimeException again) {
          // shorter
        }
      }
      List<StepObs> out = new ArrayList<>(steps);
      if (steps.size() == ok) {
        var s = t.body().get(ok);
        String why = e instanceof TraceError ? ((TraceError) e).detail() : e.toString();
        out.add(new StepObs(s.line(), fusesim.traces.lang.TracePrinter.print(s), "", List.of(), null,
            List.of(), List.of(), why));
      }
      return new Run(side, out, null);
    }
  }

  private static ModelReplay.Result replay(Trace t, Side side) {
    return new ModelReplay(t, side.faults(), Checker.all()).withSemantics(side.semantics()).run();
  }

  private static List<StepObs> steps(ModelReplay.Result r) {
    List<StepObs> out = new ArrayList<>();
    for (ModelReplay.Step s : r.steps()) {
      Observation o = s.obs();
      List<String> vs = new ArrayList<>();
      for (Checker.Violation v : s.violations()) {
        vs.add(v.invariant().id() + ": " + v.detail());
      }
      boolean expect = r.trace().stmtAtLine(o.line()).map(x -> x instanceof fusesim.traces.lang.Stmt.Expect)
          .orElse(false);
      out.add(new StepObs(o.line(), o.stmt(), o.result(), o.requests(), expect ? o.verdict() : null, vs,
          s.findings(), null));
    }
    return out;
  }

  /** Both sides of one trace, compared line by line. */
  public static Result compare(Trace t, Side left, Side right) {
    return compare(t, run(t, left), run(t, right));
  }

  /** Two runs of the same trace, compared line by line. */
  public static Result compare(Trace t, Run a, Run b) {
    Map<Integer, StepObs> la = byLine(a.steps());
    Map<Integer, StepObs> lb = byLine(b.steps());
    List<Row> rows = new ArrayList<>();
    Row first = null;
    for (ObservationDiff.Row d : OBSERVABLES.rows(steps(la), steps(lb))) {
      Row row = new Row(d.line(), d.stmt(), la.get(d.line()), lb.get(d.line()), d.differs());
      rows.add(row);
      if (row.differs() && first == null) {
        first = row;
      }
    }
    return new Result(t, a, b, rows, first);
  }

  private static List<ObservationDiff.Step> steps(Map<Integer, StepObs> byLine) {
    List<ObservationDiff.Step> out = new ArrayList<>();
    for (StepObs s : byLine.values()) {
      out.add(s.step());
    }
    return out;
  }

  private static Map<Integer, StepObs> byLine(List<StepObs> steps) {
    Map<Integer, StepObs> m = new TreeMap<>();
    for (StepObs s : steps) {
      m.put(s.line(), s);
    }
    return m;
  }

  /**
   * The table, side by side: every row up to the first difference ({@code all}: every row), then
   * the first difference in full, then a verdict line.
   */
  public static String render(Result r, boolean all) {
    List<Row> shown = new ArrayList<>();
    for (Row row : r.rows()) {
      shown.add(row);
      if (!all && row == r.first()) {
        break;
      }
    }
    String l = r.left().side().label();
    String rt = r.right().side().label();
    int w = Math.max(9, shown.stream().mapToInt(x -> x.stmt().length()).max().orElse(9));
    int lw = Math.max(l.length(), shown.stream().mapToInt(x -> cell(x.left(), r.left()).length()).max().orElse(5));
    StringBuilder sb = new StringBuilder();
    sb.append("== ").append(r.trace().file()).append("  (").append(l).append(" | ").append(rt).append(")\n");
    sb.append(String.format("%4s %-2s %-" + w + "s | %-" + lw + "s | %s%n", "line", "", "statement", l, rt));
    for (Row row : shown) {
      sb.append(String.format("%4d %-2s %-" + w + "s | %-" + lw + "s | %s%n", row.line(),
          row.differs() ? DIFFERS : "", row.stmt(), cell(row.left(), r.left()), cell(row.right(), r.right())).stripTrailing()).append('\n');
    }
    Row f = r.first();
    if (f == null) {
      sb.append("SAME  ").append(r.trace().file()).append(": ").append(l).append(" and ").append(rt)
          .append(" agree on every step (").append(r.rows().size()).append(" lines)\n");
      return sb.toString();
    }
    sb.append("  first difference, line ").append(f.line()).append(": ").append(f.stmt()).append('\n');
    detail(sb, l, f.left(), r.left(), Math.max(l.length(), rt.length()));
    detail(sb, rt, f.right(), r.right(), Math.max(l.length(), rt.length()));
    sb.append("DIFF  ").append(r.trace().file()).append(':').append(f.line()).append(": ").append(l)
        .append(" and ").append(rt).append(" differ: ").append(what(f)).append('\n');
    return sb.toString();
  }

  private static String cell(StepObs o, Run run) {
    return o == null ? "(not run)" : o.cell();
  }

  private static void detail(StringBuilder sb, String label, StepObs o, Run run, int w) {
    String pad = String.format("    %-" + (w + 1) + "s  ", label + ":");
    if (o == null) {
      sb.append(pad).append("not run (the replay stopped before this line)\n");
      return;
    }
    if (o.error() != null) {
      sb.append(pad).append("refused: ").append(o.error()).append('\n');
      return;
    }
    sb.append(pad).append("= ").append(o.result().isEmpty() ? "(no result)" : o.result()).append('\n');
    String more = String.format("    %-" + (w + 1) + "s  ", "");
    if (!o.requests().isEmpty()) {
      sb.append(more).append("-> ").append(String.join(" ", o.requests())).append('\n');
    }
    if (o.mismatch() != null) {
      sb.append(more).append("MISMATCH ").append(o.mismatch()).append('\n');
    }
    for (String f : o.findings()) {
      sb.append(more).append("WARN ").append(f).append('\n');
    }
    for (String v : o.violations()) {
      sb.append(more).append("VIOLATES ").append(v).append('\n');
    }
  }

  /** What differs in a row, in a few words, in the order of {@link #OBSERVABLES}. */
  public static String what(Row f) {
    if (f.left() == null || f.right() == null) {
      return "only one side ran line " + f.line();
    }
    StepObs a = f.left();
    StepObs b = f.right();
    List<String> parts = new ArrayList<>();
    for (Observable o : OBSERVABLES.differing(a.step(), b.step())) {
      parts.add(what(o, a, b));
    }
    return String.join("; ", parts);
  }

  private static String what(Observable o, StepObs a, StepObs b) {
    switch (o) {
      case REFUSED:
        return "refused on one side";
      case RESULT:
        return "result " + show(a.result()) + " vs " + show(b.result());
      case VERDICT:
        return "expectation";
      case INVARIANTS:
        return "invariants " + show(String.join(",", a.violationIds())) + " vs "
            + show(String.join(",", b.violationIds()));
      default:
        return o.word;
    }
  }

  private static String show(String s) {
    return s.isEmpty() ? "none" : s;
  }
}
