package fusesim.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.explore.Bounds;
import fusesim.explore.CoreExplorer;
import fusesim.explore.ModelExplorer;
import fusesim.model.series.Semantics;
import fusesim.traces.replay.ServerMode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The small explore of suites (a) and (b): {@code fusesim explore} with the default full-model
 * bounds (2 inodes, 1 backing, 2 threads, 2 opens, direct io, symmetry) but a smaller depth and one
 * worker (deterministic), under mainline and v2: no invariant violated, no invalid move.
 */
class ChecksExploreSuiteTest {
  static final int DEPTH = 3;

  @Test
  void mainlineExploreHoldsEveryInvariant() {
    explore(Semantics.MAINLINE);
  }

  @Test
  void v2ExploreHoldsEveryInvariant() {
    explore(Semantics.parse("v2"));
  }

  private static void explore(Semantics sem) {
    Bounds b = new Bounds(sem, DEPTH, 2, 1, 2, 2, 0, ServerMode.WELL_BEHAVED, Set.of(), List.of(), true, true, 1);
    ModelExplorer ex = new ModelExplorer(b, null);
    CoreExplorer.Stats s = ex.run();
    assertThat(ex.violations().values()).allMatch(v -> v == null);
    assertThat(ex.invalid).as(String.valueOf(ex.firstInvalid)).isZero();
    assertThat(s.distinct).isGreaterThan(100);
  }
}
