package fusesim.explore;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.Fault;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The io-mode core agrees with the full model: random and exhaustively enumerated core paths,
 * rendered as traces, replay on the full model with the same results and the same invariant
 * verdicts, with every fault off and with each fault on (on both sides).
 */
class CoreCrossCheckTest {
  private static List<String> disagreements(IoCore core, Set<Fault> modelFaults, int walks, int length, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < walks && out.size() < 3; i++) {
      int[] path = CoreCrossCheck.randomPath(core, rnd, length);
      String d = CoreCrossCheck.compare(core, path, modelFaults);
      if (d != null) {
        out.add(d);
      }
    }
    return out;
  }

  @Test
  void randomPathsAgreeOnMainline() {
    for (boolean sym : new boolean[] {true, false}) {
      IoCore core = new IoCore(3, 2, 3, 2, true, sym, Set.of());
      assertThat(disagreements(core, Set.of(), 400, 14, 1)).isEmpty();
    }
  }

  @Test
  void randomPathsAgreeWithEachFault() {
    for (Fault f : Fault.values()) {
      IoCore core = new IoCore(2, 2, 3, 2, true, true, EnumSet.of(f));
      assertThat(disagreements(core, EnumSet.of(f), 150, 12, 7)).as(f.id()).isEmpty();
    }
  }

  @Test
  void everyPathUpToDepthFourAgrees() {
    IoCore core = new IoCore(2, 1, 2, 1, true, true, Set.of());
    List<String> bad = new ArrayList<>();
    int[] count = {0};
    enumerate(core, new int[0], 4, bad, count);
    assertThat(bad).isEmpty();
    assertThat(count[0]).isGreaterThan(500);
  }

  private static void enumerate(IoCore core, int[] prefix, int depth, List<String> bad, int[] count) {
    if (bad.size() > 2) {
      return;
    }
    if (prefix.length > 0) {
      count[0]++;
      String d = CoreCrossCheck.compare(core, prefix, Set.of());
      if (d != null) {
        bad.add(d);
      }
    }
    if (prefix.length == depth) {
      return;
    }
    IoCore.World w = core.newWorld();
    long[] s = core.initial();
    core.unpack(s, 0, w);
    // replay the prefix through canonical states, as the explorer and the renderer do
    IoCore.World tmp = core.newWorld();
    for (int a : prefix) {
      tmp.copyFrom(w);
      if (core.apply(tmp, a, null) != IoCore.OK) {
        return;
      }
      core.pack(tmp, s, 0, null);
      core.unpack(s, 0, w);
    }
    for (int a = 0; a < core.actionCount; a++) {
      if (core.enabled(w, a)) {
        int[] p = java.util.Arrays.copyOf(prefix, prefix.length + 1);
        p[prefix.length] = a;
        enumerate(core, p, depth, bad, count);
      }
    }
  }

  /** The check has teeth: a core without the fault disagrees with a model that has it. */
  @Test
  void aCoreMissingTheModelsBehaviourIsCaught() {
    IoCore core = new IoCore(2, 2, 3, 2, true, true, Set.of());
    for (Fault f : List.of(Fault.RELEASE_SKIPS_IO_RELEASE, Fault.BACKING_CLOSE_DOUBLE_PUT,
        Fault.UNCACHED_IO_END_LEAKS_FB, Fault.CACHE_WAIT_IGNORES_DIO)) {
      assertThat(disagreements(core, EnumSet.of(f), 300, 12, 3)).as(f.id()).isNotEmpty();
    }
  }
}
