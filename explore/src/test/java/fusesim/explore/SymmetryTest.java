package fusesim.explore;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.series.Semantics;
import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Setup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The full engine's symmetry (fd numbers in use, root threads in flight, idle root threads) is
 * sound: two paths that the symmetric encoding merges reach the same symmetric states, the same
 * violations and the same invalid moves, move for move, two moves deep. The pairs are every merge
 * a symmetric BFS makes whose exact encodings differ (so only the renaming merged them).
 */
class SymmetryTest {
  private static Bounds bounds(Semantics sem, int depth, boolean symmetry) {
    return new Bounds(sem, depth, 2, 1, 2, 2, 0, ServerMode.WELL_BEHAVED, Set.of(), List.of(), true, symmetry, 1);
  }

  private static ModelPath run(Semantics sem, String... lines) {
    Setup setup = Setup.of(sem, Set.of(), ServerMode.WELL_BEHAVED);
    ModelPath p = new ModelPath(setup);
    for (String l : lines) {
      assertThat(p.run(l, true, setup)).as(l).isEqualTo(ModelPath.Status.OK);
    }
    return p;
  }

  private static final String[] W = {"mount passthrough", "lower file /f1 ino=11 size=4096",
      "lower file /f2 ino=12 size=4096"};

  @Test
  void fdsInUseAreRenamedAndDifferentFilesStayApart() {
    ModelEncoder sym = new ModelEncoder(true);
    ModelEncoder exact = new ModelEncoder(false);
    String dio = "server open /f1 direct_io,parallel_direct_writes";
    // /f2 open at fd 4 with fd 3 closed, and /f2 open at fd 3: one state up to the fd's number
    ModelPath a = run(Semantics.MAINLINE, W[0], W[1], W[2], dio, "T1 open(\"/f1\", O_RDWR) = 3",
        "T1 open(\"/f2\", O_RDONLY) = 4", "T1 close(3) = 0");
    ModelPath b = run(Semantics.MAINLINE, W[0], W[1], W[2], dio, "T1 open(\"/f1\", O_RDWR) = 3",
        "T1 close(3) = 0", "T1 open(\"/f2\", O_RDONLY) = 3");
    assertThat(sym.encode(b.kernel())).containsExactly(sym.encode(a.kernel()));
    assertThat(exact.encode(b.kernel())).isNotEqualTo(exact.encode(a.kernel()));
    // the negative space: /f1 open at fd 3 instead of /f2; /f2 open with O_RDWR
    ModelPath c = run(Semantics.MAINLINE, W[0], W[1], W[2], dio, "T1 open(\"/f2\", O_RDONLY) = 3",
        "T1 close(3) = 0", "T1 open(\"/f1\", O_RDWR) = 3");
    assertThat(sym.encode(c.kernel())).isNotEqualTo(sym.encode(a.kernel()));
    ModelPath d = run(Semantics.MAINLINE, W[0], W[1], W[2], dio, "T1 open(\"/f1\", O_RDWR) = 3",
        "T1 close(3) = 0", "T1 open(\"/f2\", O_RDWR) = 3");
    assertThat(sym.encode(d.kernel())).isNotEqualTo(sym.encode(b.kernel()));
  }

  @Test
  void anIdleRootThreadIsOneNeverUsedAndAThreadInFlightIsRenamed() {
    ModelEncoder sym = new ModelEncoder(true);
    ModelPath a = run(Semantics.MAINLINE, W[0], W[1], W[2], "T1 stat(\"/f1\") = 0");
    ModelPath b = run(Semantics.MAINLINE, W[0], W[1], W[2], "T2 stat(\"/f1\") = 0");
    assertThat(sym.encode(b.kernel())).containsExactly(sym.encode(a.kernel()));
    ModelPath c = run(Semantics.MAINLINE, W[0], W[1], W[2], "server hold lookup",
        "T2 stat(\"/f1\" <unfinished ...>");
    ModelPath d = run(Semantics.MAINLINE, W[0], W[1], W[2], "server hold lookup",
        "T1 stat(\"/f1\" <unfinished ...>");
    assertThat(sym.encode(c.kernel())).containsExactly(sym.encode(d.kernel()));
    // the negative space: a stat in flight is not a finished one; a thread with a uid keeps its name
    assertThat(sym.encode(c.kernel())).isNotEqualTo(sym.encode(a.kernel()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"mainline", "v2"})
  void mergedStatesHaveTheSameFutures(String semantics) {
    Semantics sem = Semantics.parse(semantics);
    ModelExplorer bfs = new ModelExplorer(bounds(sem, 3, true), null);
    ModelEncoder exact = new ModelEncoder(false);
    List<List<String>[]> pairs = new ArrayList<>();
    bfs.mergeListener = (kept, merged) -> {
      if (pairs.size() < 25) {
        Setup setup = bfs.setup();
        ModelPath a = new ModelPath(setup);
        kept.forEach(l -> a.run(l, false, setup));
        ModelPath b = new ModelPath(setup);
        merged.forEach(l -> b.run(l, false, setup));
        if (!java.util.Arrays.equals(exact.encode(a.kernel()), exact.encode(b.kernel()))) {
          @SuppressWarnings("unchecked")
          List<String>[] pair = new List[] {List.copyOf(kept), List.copyOf(merged)};
          pairs.add(pair);
        }
      }
    };
    bfs.run();
    assertThat(pairs).as("the symmetry merges states whose exact encodings differ").isNotEmpty();
    ModelEncoder sym = new ModelEncoder(true);
    for (List<String>[] p : pairs) {
      assertThat(futures(bfs, p[1], sym, 2)).as("futures of\n%s\nand\n%s", p[0], p[1])
          .isEqualTo(futures(bfs, p[0], sym, 2));
    }
  }

  /** The symmetric encodings (and violations, invalid moves) reachable in 1..depth moves. */
  private static Set<String> futures(ModelExplorer bfs, List<String> path, ModelEncoder enc, int depth) {
    Set<String> out = new TreeSet<>();
    Map<List<String>, String> next = bfs.successors(path, enc);
    for (Map.Entry<List<String>, String> e : next.entrySet()) {
      String v = e.getValue();
      out.add(depth + ":" + (v.startsWith("?") ? "?" : v));
      if (depth > 1 && !v.startsWith("?") && !v.startsWith("!")) {
        out.addAll(futures(bfs, e.getKey(), enc, depth - 1));
      }
    }
    return out;
  }
}
