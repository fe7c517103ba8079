package fusesim.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.invariants.Checker;
import fusesim.model.Fault;
import fusesim.model.Faults;
import fusesim.model.series.Semantics;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.FaultCatalog;
import fusesim.traces.replay.ModelReplay;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code fusesim explore --fault F} with no bound finds F: every fault with its own bound
 * ({@link FaultCatalog.Entry#bound}) breaks its catalog invariant ({@link FaultCatalog.Entry#breaks})
 * at exactly the bound's depth (so the bound is the shortest: BFS reports the least depth), breaks
 * nothing outside the entry's invariants, and the counterexample written replays to the same
 * violation at the same line with the fault on. The results are read from the explorer, not from
 * its printed report.
 *
 * <p>{@code mvn verify} runs the faults whose entry is {@code quick} (bounds under about 10,000
 * states); the others run with {@code -Dfusesim.explore.allFaults=true} (explore/README.md).
 */
class FaultBoundsTest {
  static Stream<FaultCatalog.Entry> faults() {
    boolean all = Boolean.getBoolean("fusesim.explore.allFaults");
    return FaultCatalog.entries().stream().filter(e -> all || e.quick());
  }

  @ParameterizedTest
  @MethodSource("faults")
  void eachFaultBreaksItsInvariantAtItsOwnBound(FaultCatalog.Entry e, @TempDir Path out) throws Exception {
    Fault f = e.fault();
    Bounds b = FaultBounds.bounds(e.semantics(), Set.of(f), List.of(), 2);
    Explore ex = new Explore(b, Explore.Engine.FULL, out);
    StringWriter so = new StringWriter();
    int rc = ex.run(new PrintWriter(so), new PrintWriter(new StringWriter()));
    assertThat(rc).as(so.toString()).isEqualTo(1);
    Map<String, ModelExplorer.Violation> vs = ex.violations();
    ModelExplorer.Violation v = vs.get(e.breaks().id());
    assertThat(v).as("%s breaks %s: %s", f.id(), e.breaks().id(), so).isNotNull();
    assertThat(v.depth()).as(f.id()).isEqualTo(e.bound().depth());
    vs.forEach((id, other) -> assertThat(other == null || e.mayBreak().contains(id))
        .as("%s breaks %s, not in its catalog entry", f.id(), id).isTrue());
    try (Stream<Path> files = Files.list(out)) {
      for (Path p : files.toList()) {
        Trace t = TraceParser.parse(p.toString(), Files.readString(p));
        ModelReplay.Result r = new ModelReplay(t, new Faults(Set.of(f)), Checker.all()).run();
        assertThat(r.met()).as("%s replays to its violation with the fault: %s", p, r.why()).isTrue();
        assertThat(r.violation()).isNotNull();
      }
    }
  }

  @Test
  void theQuickRunLeavesOutOnlyTheLargeBounds() {
    assertThat(FaultCatalog.entries().stream().filter(e -> !e.quick()).map(FaultCatalog.Entry::fault))
        .containsExactlyInAnyOrder(Fault.PASSTHROUGH_ACCEPTS_KEEP_CACHE, Fault.CONFLICTING_BACKING_REPLACES,
            Fault.GETATTR_SERVES_CACHE_FIRST);
  }

  @Test
  void theBoundOfTwoFaultsIsTheLargestOfEach() {
    assertThat(FaultBounds.of(EnumSet.of(Fault.INO_CHECK_SKIPPED, Fault.CONFLICTING_BACKING_REPLACES)))
        .isEqualTo(new FaultCatalog.Bound(6, 2, 2, 0, fusesim.traces.replay.ServerMode.ARBITRARY));
    assertThat(FaultBounds.of(EnumSet.of(Fault.FORGET_WRONG_NLOOKUP)))
        .isEqualTo(FaultCatalog.of(Fault.FORGET_WRONG_NLOOKUP).bound());
  }

  @Test
  void aSeriesFaultOnMainlineIsRefusedWithWhatItNeeds() {
    assertThatThrownBy(() -> FaultBounds.check(Semantics.MAINLINE, Set.of(Fault.INO_CHECK_SKIPPED)))
        .hasMessage("fault ino-check-skipped is in the series' code (v2 1/21): it needs --semantics v2 "
            + "(or v2@K with K >= 1), got mainline");
    FaultBounds.check(Semantics.v2(1), Set.of(Fault.INO_CHECK_SKIPPED)); // no exception
  }
}
