package fusesim.explore;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.invariants.Checker;
import fusesim.model.Kernel;
import fusesim.model.series.Semantics;
import fusesim.traces.replay.Setup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stateful engine restores a state from the bytes it stored, without its path: on every state
 * of a BFS at the default bounds, the restored state equals the one the path re-executed from the
 * root reaches (exact encoding, symmetric encoding, stored bytes), has the same successors (each
 * move's statements and the encoding, violation or rejection it leads to), and breaks the same
 * invariants. The successors are compared on every state the BFS expands (all levels but the last,
 * whose states are the successors compared one level up); the last level's too with
 * {@code -Dfusesim.explore.restoreAll=true}.
 */
class StatefulTest {
  /**
   * Also the successors of the last level's states (not expanded by the BFS): about 5 times the
   * test's time; {@code -Dfusesim.explore.restoreAll=true}.
   */
  private static final boolean ALL = Boolean.getBoolean("fusesim.explore.restoreAll");

  private record Stored(int parent, int move, byte[] bytes) {}

  private static List<String> ids(Checker c, Kernel k) {
    List<String> out = new ArrayList<>();
    for (Checker.Violation v : c.check(k)) {
      out.add(v.invariant().id());
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"mainline", "v2"})
  void aRestoredStateIsTheStateItsPathReaches(String semantics) {
    Semantics sem = Semantics.parse(semantics);
    Bounds b = Bounds.fullDefaults(sem);
    ModelExplorer ex = new ModelExplorer(b, null);
    List<List<Stored>> levels = new ArrayList<>();
    ex.stateListener = (depth, index, parent, move, bytes) -> {
      if (levels.size() == depth) {
        levels.add(new ArrayList<>());
      }
      assertThat(levels.get(depth)).hasSize(index);
      levels.get(depth).add(new Stored(parent, move, bytes));
    };
    CoreExplorer.Stats st = ex.run();
    assertThat(levels.stream().mapToLong(List::size).sum()).isEqualTo(st.distinct);
    Setup setup = ex.setup();
    ModelEncoder exact = new ModelEncoder(false);
    ModelEncoder sym = new ModelEncoder(b.symmetry());
    List<List<String>> paths = List.of(new ModelAlphabet(b).world());
    long checked = 0;
    for (int d = 0; d < levels.size(); d++) {
      // the successors' full paths of each state of this level, in move order
      List<List<List<String>>> children = new ArrayList<>();
      for (int i = 0; i < levels.get(d).size(); i++) {
        Stored s = levels.get(d).get(i);
        List<String> path = paths.get(i);
        ModelPath replayed = replay(setup, path);
        ModelPath restored = ex.restore(s.bytes());
        assertThat(exact.encode(restored.kernel())).as("state %d/%d", d, i)
            .containsExactly(exact.encode(replayed.kernel()));
        assertThat(sym.encode(restored.kernel())).containsExactly(sym.encode(replayed.kernel()));
        assertThat(ids(setup.checker(), restored.kernel())).isEqualTo(ids(setup.checker(), replayed.kernel()));
        assertThat(ex.store(ex.restore(s.bytes()))).containsExactly(s.bytes());
        if (d == levels.size() - 1 && !ALL) {
          checked++;
          continue; // its successors are the states checked at the level above, but for the last
        }
        Map<List<String>, String> byPath = ex.successors(path, sym);
        Map<List<String>, String> byState = ex.successorsOf(s.bytes(), sym);
        List<String> expected = new ArrayList<>();
        byPath.forEach((lines, what) -> expected.add(lines.subList(path.size(), lines.size()) + " " + what));
        List<String> actual = new ArrayList<>();
        byState.forEach((lines, what) -> actual.add(lines + " " + what));
        assertThat(actual).as("successors of state %d/%d", d, i).isEqualTo(expected);
        children.add(new ArrayList<>(byPath.keySet()));
        checked++;
      }
      if (d + 1 < levels.size()) {
        List<List<String>> np = new ArrayList<>();
        for (Stored c : levels.get(d + 1)) {
          np.add(children.get(c.parent()).get(c.move()));
        }
        paths = np;
      }
    }
    assertThat(checked).isEqualTo(st.distinct);
  }

  private static String outcome(ModelExplorer ex) {
    CoreExplorer.Stats st = ex.run();
    StringBuilder sb = new StringBuilder();
    sb.append(st.distinct).append(" states, ").append(st.transitions).append(" transitions, depth ").append(st.depth)
        .append(", exhausted ").append(st.exhausted).append(", invalid ").append(ex.invalid).append('\n');
    ex.violations().forEach((id, v) -> sb.append(id).append(": ")
        .append(v == null ? "holds" : v.depth() + " " + v.lines() + " " + v.detail()).append('\n'));
    return sb.toString();
  }

  /**
   * Fingerprints and exact dedup give the same counts and counterexamples on one bound (with two
   * faults on, so that violations are found and their paths rebuilt from the parent log), and so do
   * the stateless engine and a frontier spilled to disk at every level.
   */
  @ParameterizedTest
  @ValueSource(strings = {"mainline", "v2"})
  void fingerprintsExactDedupStatelessAndSpilledAgree(String semantics) {
    Semantics sem = Semantics.parse(semantics);
    java.util.Set<fusesim.model.Fault> faults = sem.has(1)
        ? java.util.Set.of(fusesim.model.Fault.byId("attach-takes-no-io-ref"), fusesim.model.Fault.byId("attach-borrows-idr-ref"))
        : java.util.Set.of(fusesim.model.Fault.byId("uncached-io-end-leaks-fb"), fusesim.model.Fault.byId("forget-wrong-nlookup"));
    Bounds b = new Bounds(sem, sem.has(1) ? 3 : 4, 2, 1, 2, 2, 0, fusesim.traces.replay.ServerMode.WELL_BEHAVED, faults, List.of(), true,
        true, 2);
    ModelExplorer fp = new ModelExplorer(b, null);
    String expected = outcome(fp);
    assertThat(expected).containsPattern(": 3 \\[").contains("holds"); // both faults found at depth 3
    ModelExplorer exact = new ModelExplorer(b, null);
    exact.exact = true;
    assertThat(outcome(exact)).isEqualTo(expected);
    ModelExplorer stateless = new ModelExplorer(b, null);
    stateless.stateless = true;
    assertThat(outcome(stateless)).isEqualTo(expected);
    ModelExplorer spilled = new ModelExplorer(b, null);
    spilled.frontierBytes = 1024;
    assertThat(outcome(spilled)).isEqualTo(expected);
  }

  private static ModelPath replay(Setup setup, List<String> lines) {
    ModelPath p = new ModelPath(setup);
    for (String l : lines) {
      assertThat(p.run(l, false, setup)).as(l).isEqualTo(ModelPath.Status.OK);
    }
    return p;
  }
}
