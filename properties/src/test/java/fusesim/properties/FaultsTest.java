package fusesim.properties;

import fusesim.traces.replay.FaultCatalog;
import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.Setup;
import static org.assertj.core.api.Assertions.assertThat;

import fusesim.invariants.Checker;
import fusesim.model.Fault;
import fusesim.model.series.Semantics;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.ModelReplay;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every fault of the catalog ({@link FaultCatalog}) is found, breaks exactly its entry's
 * invariants (always {@code breaks}, nothing outside {@code breaks} and {@code alsoBreaks}), is
 * shrunk to a 1-minimal trace, and that trace, as saved, replays to the same violation at the same
 * line and breaks nothing with the fault off.
 */
class FaultsTest {
  /** Mainline faults run on mainline; the series' faults on v2 (their code exists only there). */
  static Semantics semanticsFor(Fault f) {
    return FaultCatalog.of(f).semantics();
  }

  private static Engine.Report campaign(Fault f, long seed, long sequences) {
    sequences *= FaultCatalog.of(f).campaignScale();
    Engine e = new Engine(new Engine.Options(semanticsFor(f),
        List.of(ServerMode.WELL_BEHAVED, ServerMode.ARBITRARY), Set.of(f), 0, seed, sequences, null));
    return e.run(f.id(), Set.of(f), true, 0, null);
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void faultBreaksItsCatalogInvariantsShrunkAndReplays(Fault f) {
    FaultCatalog.Entry e = FaultCatalog.of(f);
    for (long seed : new long[] {11, 12}) {
      Engine.Report r = campaign(f, seed, 20_000);
      Set<String> broken = new java.util.TreeSet<>();
      r.violated().forEach(row -> broken.add(row.invariant));
      assertThat(broken).as("%s with seed %d breaks its catalog invariant", f, seed).contains(e.breaks().id());
      assertThat(e.mayBreak()).as("%s with seed %d breaks only its catalog invariants", f, seed)
          .containsAll(broken);
      for (Engine.Row row : r.violated()) {
        check(f, row);
      }
    }
  }

  private static void check(Fault f, Engine.Row row) {
    {
      assertThat(row.error).isNull();
      assertThat(row.shrink.complete()).as("1-minimal").isTrue();
      Counterexample c = row.counterexample;
      // the series' faults need a lifetime backing set up first (backing_open, lookup policy)
      assertThat(c.length()).isLessThanOrEqualTo(f.patch == 0 ? 12 : 18);

      Trace t = TraceParser.parse(c.name() + ".trace", c.text());
      ModelReplay.Result with = new ModelReplay(t, new fusesim.model.Faults(Set.of(f)), Checker.all()).run();
      assertThat(with.met()).as(with.why()).isTrue();
      assertThat(with.violation().invariant().id()).isEqualTo(row.invariant);
      assertThat(with.violationLine()).isEqualTo(c.line());
      assertThat(c.text()).contains("result: violates " + row.invariant + " at line " + c.line());

      // with the fault off the trace breaks nothing, or it no longer replays as written (a call
      // that now blocks): either way the fault is what breaks it
      try {
        ModelReplay.Result without = new ModelReplay(t, fusesim.model.Faults.none(), Checker.all()).run();
        assertThat(without.violation()).as("the fault is what breaks it").isNull();
      } catch (fusesim.traces.lang.TraceSemanticError diverges) {
        assertThat(diverges.getMessage()).contains(c.name());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void shrunkTraceIsOneMinimal(Fault f) {
    Engine.Report r = campaign(f, 21, 20_000);
    if (r.violated().isEmpty()) {
      r = campaign(f, 11, 20_000); // found with seed 11 by the test above
    }
    Engine.Row row = r.violated().get(0);
    Setup setup = Setup.of(semanticsFor(f), Set.of(f), ServerMode.ARBITRARY);
    List<fusesim.traces.lang.Stmt> body = TraceParser.parse("x", row.counterexample.text()).body();
    for (int i = 0; i < body.size(); i++) {
      List<fusesim.traces.lang.Stmt> less = new java.util.ArrayList<>(body);
      less.remove(i);
      Session.Result res = Session.run(setup, generic(less), false);
      boolean same = res.status() == Session.Status.VIOLATED && res.violation().invariant().equals(row.invariant)
          && !TraceShrinker.violatesWithoutFaults(setup, res.stmts(), row.invariant);
      assertThat(same).as("%s: line %d can go", f, i + 1).isFalse();
    }
  }

  /** Outcomes back to ? so a removal is judged on the invariant, not on changed results. */
  private static List<fusesim.traces.lang.Stmt> generic(List<fusesim.traces.lang.Stmt> body) {
    List<fusesim.traces.lang.Stmt> out = new java.util.ArrayList<>();
    for (fusesim.traces.lang.Stmt s : body) {
      if (s instanceof fusesim.traces.lang.Stmt.Call) {
        fusesim.traces.lang.Stmt.Call c = (fusesim.traces.lang.Stmt.Call) s;
        out.add(new fusesim.traces.lang.Stmt.Call(c.pos(), c.thread(), c.syscall(), c.args(), Ast.ANY, c.checks()));
      } else if (s instanceof fusesim.traces.lang.Stmt.Resumed) {
        fusesim.traces.lang.Stmt.Resumed c = (fusesim.traces.lang.Stmt.Resumed) s;
        out.add(new fusesim.traces.lang.Stmt.Resumed(c.pos(), c.thread(), c.syscall(), Ast.ANY, c.checks()));
      } else if (s instanceof fusesim.traces.lang.Stmt.BackingOpen) {
        fusesim.traces.lang.Stmt.BackingOpen b = (fusesim.traces.lang.Stmt.BackingOpen) s;
        out.add(new fusesim.traces.lang.Stmt.BackingOpen(b.pos(), b.target(), b.params(), Ast.ANY));
      } else if (s instanceof fusesim.traces.lang.Stmt.BackingClose) {
        fusesim.traces.lang.Stmt.BackingClose b = (fusesim.traces.lang.Stmt.BackingClose) s;
        out.add(new fusesim.traces.lang.Stmt.BackingClose(b.pos(), b.id(), Ast.ANY));
      } else {
        out.add(s);
      }
    }
    return out;
  }
}
