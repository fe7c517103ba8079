package fusesim.traces.replay;

import fusesim.model.Kernel;
import fusesim.invariants.Checker;
import fusesim.traces.lang.Stmt;
import fusesim.traces.replay.Liveness;
import fusesim.traces.replay.Observation;
import fusesim.traces.replay.StepRunner;
import java.util.List;

/**
 * One run in progress: a fresh model, the trace step runner over it, and the invariants checked
 * after every statement. The generator drives it statement by statement; the shrinker and the
 * counterexample check run whole sequences through {@link #run}.
 */
public final class Session {
  /**
   * The checks judged per statement over the run (not by {@link Checker} on a kernel state), in the
   * order {@link #check} reports them: the one list of them that reports, catalogs and the explorer
   * read.
   */
  public static final List<fusesim.invariants.Invariant> STATEMENT_CHECKS = List.of(Liveness.INVARIANT,
      ErrnoDomain.INVARIANT, BackingIoctl.INVARIANT, IomodeOpen.INVARIANT);

  /** The statement check of {@code id}, or null. */
  public static fusesim.invariants.Invariant statementCheck(String id) {
    for (fusesim.invariants.Invariant inv : STATEMENT_CHECKS) {
      if (inv.id().equals(id)) {
        return inv;
      }
    }
    return null;
  }

  /** The first violation of a run: the invariant broken first, at statement {@code index}. */
  public record Violation(String invariant, String detail, int index) {}

  /** How a whole sequence ran. */
  public enum Status { PASSED, VIOLATED, INVALID }

  /**
   * A run: its status, the statements that ran (up to and including the violating one), their
   * observations, the first violation, the reason a sequence is invalid, and the steps executed.
   */
  public record Result(Status status, List<Stmt> stmts, List<Observation> observations,
      Violation violation, String invalid, int steps) {}

  private final Setup setup;
  private final Kernel k;
  private final StepRunner runner;
  private final Checker checker;
  private final boolean check;
  private final Liveness liveness;
  private final fusesim.traces.replay.ErrnoDomain errnoDomain;
  private final BackingIoctl ioctl;
  private final IomodeOpen iomodeOpen;
  private Checker.Violation ioctlV;
  private Checker.Violation live;
  private Checker.Violation errno;
  private int steps;

  public Session(Setup setup) {
    this(setup, true);
  }

  /** {@code check=false} runs without invariant checks (benchmarks only). */
  public Session(Setup setup, boolean check) {
    this.setup = setup;
    this.k = new Kernel(setup.semantics(), setup.faultSet());
    this.runner = new StepRunner("generated", k);
    this.checker = setup.checker();
    this.check = check;
    this.liveness = check ? new Liveness(k, runner.driver()) : null;
    this.errnoDomain = check ? new fusesim.traces.replay.ErrnoDomain(k, runner.driver()) : null;
    this.ioctl = check ? new BackingIoctl(k) : null;
    this.iomodeOpen = check ? new IomodeOpen(k) : null;
  }

  public Kernel kernel() {
    return k;
  }

  public Setup setup() {
    return setup;
  }

  public int steps() {
    return steps;
  }

  /**
   * Executes one statement; returns its observation. A meaningless statement throws
   * {@link fusesim.traces.lang.TraceSemanticError}.
   */
  public Observation exec(Stmt s) {
    steps++;
    if (ioctl != null) {
      ioctl.before(s);
      iomodeOpen.before(s);
    }
    Observation o = runner.execute(s);
    live = liveness == null ? null : liveness.check(s, o);
    errno = errnoDomain == null ? null : errnoDomain.check(s, o);
    ioctlV = ioctl == null ? null : first(ioctl.check(s, o), iomodeOpen.check(s, o));
    return o;
  }

  /**
   * Executes one statement, accepting a call whose outcome is not yet known ({@code = ?}): if it
   * blocks it is recorded as {@code <unfinished ...>} ({@link StepRunner#run}), and the run-wide
   * judges (liveness, errno domain) follow that line. The generator's way to run what it draws.
   */
  public StepRunner.Step step(Stmt s) {
    steps++;
    if (ioctl != null) {
      ioctl.before(s);
      iomodeOpen.before(s);
    }
    StepRunner.Step r = runner.run(s);
    live = liveness == null ? null : liveness.check(r.stmt(), r.observation());
    errno = errnoDomain == null ? null : errnoDomain.check(r.stmt(), r.observation());
    ioctlV = ioctl == null ? null : first(ioctl.check(r.stmt(), r.observation()),
        iomodeOpen.check(r.stmt(), r.observation()));
    return r;
  }

  /** The calls in flight by thread (started unfinished, not yet resumed). */
  public java.util.Map<String, Stmt.Unfinished> inFlight() {
    return runner.inFlight();
  }

  /** The threads whose call in flight has returned: their {@code <... resumed>} line is due. */
  public java.util.Set<String> returnedInFlight() {
    return runner.driver().returnedInFlight();
  }

  /** The liveness judge of this run (null without checks). */
  public Liveness liveness() {
    return liveness;
  }

  private static Checker.Violation first(Checker.Violation a, Checker.Violation b) {
    return a != null ? a : b;
  }

  /**
   * The first violated invariant now (in report order, then LIVENESS-WB, ERRNO-DOMAIN, BACKING-IOCTL and IOMODE-OPEN for the statement just
   * executed), or null.
   */
  public Violation check(int index) {
    if (!check) {
      return null;
    }
    List<Checker.Violation> vs = checker.check(k);
    if (vs.isEmpty() && live == null && errno == null && ioctlV == null) {
      return null;
    }
    Checker.Violation v = !vs.isEmpty() ? vs.get(0) : live != null ? live : errno != null ? errno : ioctlV;
    return new Violation(v.invariant().id(), v.detail(), index);
  }

  /**
   * Runs {@code stmts} on a fresh model and stops at the first violation. INVALID when a statement
   * is meaningless (a TraceSemanticError) or a call blocked where the sequence says it completes
   * (or the reverse): such candidates are rejected by the shrinker.
   */
  public static Result run(Setup setup, List<Stmt> stmts, boolean keepObservations) {
    Session s = new Session(setup);
    List<Observation> obs = keepObservations ? new java.util.ArrayList<>() : null;
    java.util.Set<String> finished = new java.util.TreeSet<>();
    for (int i = 0; i < stmts.size(); i++) {
      Stmt st = stmts.get(i);
      String t = st instanceof Stmt.ThreadStep ? ((Stmt.ThreadStep) st).thread().text() : null;
      if (!finished.isEmpty() && !(st instanceof Stmt.Resumed && finished.contains(t))) {
        // a call that returned is resumed on the next line, as strace shows it
        return new Result(Status.INVALID, stmts.subList(0, i), obs, null,
            "a returned call is not resumed at once", s.steps);
      }
      Observation o;
      try {
        o = s.exec(st);
      } catch (fusesim.traces.lang.TraceError e) {
        return new Result(Status.INVALID, stmts.subList(0, i), obs, null, e.getMessage(), s.steps);
      } catch (RuntimeException e) {
        // the model itself failed (a scheduler that does not settle, a model bug): not a trace
        return new Result(Status.INVALID, stmts.subList(0, i + 1), obs, null, "model exception: " + e, s.steps);
      }
      if (obs != null) {
        obs.add(o);
      }
      if (!o.met()) {
        return new Result(Status.INVALID, stmts.subList(0, i), obs, null, o.verdict(), s.steps);
      }
      Violation v = s.check(i);
      if (v != null) {
        return new Result(Status.VIOLATED, stmts.subList(0, i + 1), obs, v, null, s.steps);
      }
      finished.clear();
      finished.addAll(s.runner.driver().returnedInFlight());
    }
    return new Result(Status.PASSED, stmts, obs, null, null, s.steps);
  }
}
