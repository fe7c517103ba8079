package fusesim.traces.replay;

import fusesim.model.Faults;
import fusesim.model.Finding;
import fusesim.model.Kernel;
import fusesim.invariants.Checker;
import fusesim.traces.lang.Header;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Replays a trace on the model: every statement in order, the invariants after each (then
 * {@link Liveness}, judged over the run), and the trace's {@code result:} judged at the end. Stops at the first invariant violation, which decides
 * the verdict (later lines are not run).
 */
public final class ModelReplay {
  /** One replayed line: what it produced, what changed, and any invariant it broke. */
  public record Step(Observation obs, List<String> changes, List<String> findings,
      List<Checker.Violation> violations) {}

  /** A replay: its steps, the first violation (if any), and whether the trace met its result. */
  public record Result(Trace trace, List<Step> steps, Checker.Violation violation, int violationLine,
      boolean met, String why, int whyLine) {}

  private final Trace trace;
  private final Faults faults;
  private final Checker checker;
  /** Replaces the trace's own semantics (diff, bisect, --semantics); null = the header's. */
  private fusesim.model.series.Semantics semantics;

  /** Runs under {@code s} instead of the header's semantics (its assume: lines still apply). */
  public ModelReplay withSemantics(fusesim.model.series.Semantics s) {
    this.semantics = s;
    return this;
  }

  /**
   * Sees the model between statements: once before the first (step null) and after each
   * statement's checks; for exporters of the model's state per step (report's ITF export).
   */
  public interface StepObserver {
    void seen(Step step, Kernel k);
  }

  private StepObserver observer;

  /** Calls {@code o} before the first statement and after each one this replay runs. */
  public ModelReplay observe(StepObserver o) {
    this.observer = o;
    return this;
  }

  public ModelReplay(Trace trace, Faults faults, Checker checker) {
    this.trace = trace;
    this.faults = faults;
    this.checker = checker;
  }

  public static Result run(Trace trace) {
    return new ModelReplay(trace, Faults.none(), Checker.all()).run();
  }

  private fusesim.model.series.Semantics withAssumes(fusesim.model.series.Semantics s) {
    fusesim.model.series.Semantics own = StepRunner.semantics(trace.file(), trace.header());
    for (fusesim.model.series.Assumption a : fusesim.model.series.Assumption.ALL) {
      if (own.choices().containsKey(a.id()) && !s.choices().containsKey(a.id())) {
        s = s.assume(a, own.choice(a));
      }
    }
    return s;
  }

  public Result run() {
    Kernel k = semantics != null ? new Kernel(withAssumes(semantics), faults)
        : StepRunner.newKernel(trace.file(), trace.header(), faults);
    StepRunner runner = new StepRunner(trace.file(), k);
    Liveness liveness = new Liveness(k, runner.driver());
    ErrnoDomain errnoDomain = new ErrnoDomain(k, runner.driver());
    BackingIoctl ioctl = new BackingIoctl(k);
    IomodeOpen iomodeOpen = new IomodeOpen(k);
    List<Step> steps = new ArrayList<>();
    if (observer != null) {
      observer.seen(null, k);
    }
    for (Stmt s : trace.body()) {
      Map<String, String> before = StateView.of(k);
      int nFindings = k.findings.size();
      ioctl.before(s);
      iomodeOpen.before(s);
      Observation o = runner.execute(s);
      List<String> findings = new ArrayList<>();
      for (Finding f : k.findings.subList(nFindings, k.findings.size())) {
        findings.add(f.toString());
      }
      List<Checker.Violation> vs = checker.check(k);
      Checker.Violation live = liveness.check(s, o);
      Checker.Violation errno = errnoDomain.check(s, o);
      if (vs.isEmpty() && live != null) {
        vs = List.of(live);
      } else if (vs.isEmpty() && errno != null) {
        vs = List.of(errno);
      } else if (vs.isEmpty() && ioctl.check(s, o) != null) {
        vs = List.of(ioctl.check(s, o));
      } else if (vs.isEmpty() && iomodeOpen.check(s, o) != null) {
        vs = List.of(iomodeOpen.check(s, o));
      }
      steps.add(new Step(o, StateView.diff(before, StateView.of(k)), findings, vs));
      if (observer != null) {
        observer.seen(steps.get(steps.size() - 1), k);
      }
      if (!vs.isEmpty()) {
        return judge(steps, vs.get(0), s.line());
      }
    }
    return judge(steps, null, 0);
  }

  private Result judge(List<Step> steps, Checker.Violation v, int vLine) {
    Header.Verdict want = trace.header().verdict();
    for (Step s : steps) {
      if (!s.obs().met()) {
        return result(steps, v, vLine, false, s.obs().verdict(), s.obs().line());
      }
    }
    if (want.pass()) {
      return v == null ? result(steps, null, 0, true, null, 0)
          : result(steps, v, vLine, false, "violates " + v, vLine);
    }
    String id = want.violates().get().text();
    int atLine = want.atLine().map(i -> (int) i.value()).orElse(0);
    if (v == null) {
      return result(steps, null, 0, false, "expected " + id + " to break"
          + (atLine > 0 ? " at line " + atLine : "") + ", but every invariant held", lastLine());
    }
    if (!v.invariant().id().equals(id) || (atLine > 0 && atLine != vLine)) {
      return result(steps, v, vLine, false, "expected " + id + " to break" + (atLine > 0 ? " at line " + atLine : "")
          + ", but " + v.invariant().id() + " broke first, at line " + vLine + ": " + v.detail(), vLine);
    }
    return result(steps, v, vLine, true, null, 0);
  }

  private int lastLine() {
    List<Stmt> b = trace.body();
    return b.isEmpty() ? trace.header().pos().line() : b.get(b.size() - 1).line();
  }

  private Result result(List<Step> steps, Checker.Violation v, int vLine, boolean met, String why, int whyLine) {
    return new Result(trace, steps, v, vLine, met, why, whyLine);
  }
}
