package fusesim.properties;

import fusesim.model.series.Semantics;
import fusesim.traces.lang.MountOption;
import fusesim.traces.lang.Stmt;
import fusesim.traces.replay.Observation;
import fusesim.traces.replay.ObservationDiff;
import fusesim.traces.replay.ObservationDiff.Observable;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.Setup;
import java.util.List;

/**
 * Mainline equivalence on generated sequences (issue 4): when FUSE_PASSTHROUGH_INO is not
 * negotiated, a prefix of the series (v2@K) or v1 gives the observables of mainline for the same
 * sequence. It is a relation between two runs, not a state predicate, so it is not in
 * {@code invariants/}: {@code fusesim check} runs every sequence of a non-mainline campaign whose mount
 * has no {@code passthrough_ino} a second time under mainline, with the same faults, and compares
 * step by step: each statement's result, the requests it sent, whether the stated outcome was met,
 * and the invariant verdict.
 */
public final class MainlineEquivalence {
  public static final String ID = "MAINLINE-EQUIV";
  public static final String TITLE = "without FUSE_PASSTHROUGH_INO negotiated, the semantics gives "
      + "mainline's observables (results, requests, verdicts) for the same sequence";

  /**
   * What is compared on each statement; the invariant verdict is compared on the whole run (which
   * invariant breaks first, at which statement), since a run stops at its first violation.
   */
  static final ObservationDiff OBSERVABLES = ObservationDiff.of("mainline equivalence",
      ObservationDiff.rule(Observable.RESULT, ObservationDiff.EQUAL,
          "the user-visible outcome: the relation's point"),
      ObservationDiff.rule(Observable.REQUESTS, ObservationDiff.EQUAL, "what the server sees; both "
          + "runs are the model with the same server, so order, fields and fh compare exactly"),
      ObservationDiff.rule(Observable.VERDICT, ObservationDiff.EQUAL,
          "a generated statement's stated outcome met or not"));

  private MainlineEquivalence() {}

  /** Where observables first differ: the statement index and what differs. */
  public record Difference(int index, String detail) {}

  /** Whether the relation applies: a semantics other than mainline, a mount without passthrough_ino. */
  public static boolean applies(Semantics sem, List<Stmt> stmts) {
    if (sem.series == Semantics.Series.MAINLINE) {
      return false;
    }
    for (Stmt s : stmts) {
      if (s instanceof Stmt.Mount) {
        return ((Stmt.Mount) s).options().stream().noneMatch(o -> o.option() == MountOption.PASSTHROUGH_INO);
      }
    }
    return true;
  }

  /** The first difference between {@code setup}'s run of {@code stmts} and mainline's, or null. */
  public static Difference firstDifference(Setup setup, List<Stmt> stmts) {
    Setup mainline = new Setup(Semantics.MAINLINE, setup.faults(), setup.mode(), setup.checker());
    Session.Result a = Session.run(setup, stmts, true);
    Session.Result m = Session.run(mainline, stmts, true);
    List<Observation> ao = a.observations();
    List<Observation> mo = m.observations();
    for (int i = 0; i < Math.min(ao.size(), mo.size()); i++) {
      String d = compare(ao.get(i), mo.get(i));
      if (d != null) {
        return new Difference(i, d);
      }
    }
    if (ao.size() != mo.size() || a.status() != m.status()) {
      int i = Math.min(ao.size(), mo.size());
      return new Difference(i, setup.semantics() + " " + outcome(a) + ", mainline " + outcome(m));
    }
    if (a.violation() != null && !a.violation().invariant().equals(m.violation().invariant())) {
      return new Difference(a.violation().index(), setup.semantics() + " breaks "
          + a.violation().invariant() + ", mainline " + m.violation().invariant());
    }
    return null;
  }

  private static String compare(Observation a, Observation m) {
    ObservationDiff.Step x = ObservationDiff.Step.of(a);
    ObservationDiff.Step y = ObservationDiff.Step.of(m);
    ObservationDiff.Observable d = OBSERVABLES.first(x, y);
    return d == null ? null : d.word + " " + d.of(x) + " vs mainline " + d.of(y);
  }

  private static String outcome(Session.Result r) {
    switch (r.status()) {
      case VIOLATED:
        return "breaks " + r.violation().invariant() + " at statement " + r.violation().index();
      case INVALID:
        return "stops: " + r.invalid();
      default:
        return "runs to the end";
    }
  }
}
