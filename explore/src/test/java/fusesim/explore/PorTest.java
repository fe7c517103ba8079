package fusesim.explore;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.Fault;
import fusesim.traces.replay.FaultCatalog;
import fusesim.model.series.Semantics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Partial-order reduction (sleep sets, {@link Independence}; explore/README.md, "Partial-order
 * reduction"): with and without it the same invariants break, with shortest counterexamples of
 * the same length, at the default bounds and at every fault's own bound; it visits fewer states;
 * and every diamond a sleep set relies on closes: the two orders of the pair reach the same state
 * up to the equivalence the reduction argues ({@link Loose}), or the same violation.
 */
class PorTest {
  private record Run(ModelExplorer ex, CoreExplorer.Stats st) {}

  private static Run run(Bounds b, boolean por) throws Exception {
    ModelExplorer ex = new ModelExplorer(b, null);
    ex.por = por;
    return new Run(ex, ex.run());
  }

  /** Each violated invariant with the depth of its shortest counterexample. */
  private static Map<String, Integer> broken(Run r) {
    Map<String, Integer> out = new TreeMap<>();
    r.ex().violations().forEach((id, v) -> {
      if (v != null) {
        out.put(id, v.depth());
      }
    });
    return out;
  }

  private static Bounds depth(Bounds b, int d) {
    return new Bounds(b.semantics(), d, b.inodes(), b.backings(), b.threads(), b.opens(), b.ticks(), b.server(),
        b.faults(), b.assumptions(), b.dio(), b.symmetry(), b.workers());
  }

  @ParameterizedTest
  @ValueSource(strings = {"mainline", "v2"})
  void theDefaultBoundsBreakTheSameInvariantsWithFewerStates(String semantics) throws Exception {
    Bounds b = Bounds.fullDefaults(Semantics.parse(semantics));
    Run plain = run(b, false);
    Run por = run(b, true);
    assertThat(broken(por)).isEqualTo(broken(plain));
    assertThat(por.st().distinct).isLessThan(plain.st().distinct);
    assertThat(por.st().transitions).isLessThan(plain.st().transitions);
    assertThat(por.ex().asleep).isPositive();
    assertThat(plain.ex().asleep).isZero();
  }

  static Stream<FaultCatalog.Entry> faults() {
    return FaultBoundsTest.faults();
  }

  @ParameterizedTest
  @MethodSource("faults")
  void eachFaultBreaksTheSameInvariantsAtTheSameDepthWithReduction(FaultCatalog.Entry e) throws Exception {
    Fault f = e.fault();
    Bounds b = FaultBounds.bounds(e.semantics(), Set.of(f), List.of(), 2);
    Map<String, Integer> plain = broken(run(b, false));
    assertThat(plain).as(f.id()).isNotEmpty();
    assertThat(broken(run(b, true))).as(f.id()).isEqualTo(plain);
  }

  /**
   * cache-wait-ignores-dio needs two threads interleaved: a cached open of a file while another
   * thread's parallel direct write to it is held by the server. The reduction keeps the
   * interleaving (the two moves name one file: dependent) and finds it at the same depth.
   */
  @Test
  void aTwoThreadInterleavingIsKept() throws Exception {
    Bounds b = FaultBounds.bounds(Semantics.MAINLINE, Set.of(Fault.CACHE_WAIT_IGNORES_DIO), List.of(), 2);
    Run por = run(b, true);
    assertThat(broken(por)).containsEntry("CACHE-IO-MODE-BIT", FaultBounds.of(Fault.CACHE_WAIT_IGNORES_DIO).depth());
    ModelExplorer.Violation v = por.ex().violations().get("CACHE-IO-MODE-BIT");
    assertThat(String.join("\n", v.lines())).contains("<unfinished ...>").contains("T2 ");
    assertThat(por.ex().asleep).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"mainline", "v2"})
  void everyDiamondASleepSetReliesOnCloses(String semantics) throws Exception {
    Semantics sem = Semantics.parse(semantics);
    Bounds b = depth(Bounds.fullDefaults(sem), sem.has(1) ? 3 : 5); // v2 at its default depth 4: 40 s, passes
    ModelExplorer ex = new ModelExplorer(b, null);
    ex.por = true;
    ex.dump = Loose::of;
    List<String> open = new ArrayList<>();
    int[] n = new int[2];
    ex.diamonds = (i, m, mThenI, iThenM) -> {
      if (mThenI.equals("no such move")) {
        return; // i is not enabled after m (the bound on open fds): the sleep set prunes nothing
      }
      synchronized (n) {
        n[0]++;
        n[1] += mThenI.equals(iThenM) ? 0 : 1;
        if (!mThenI.equals(iThenM) && open.size() < 3) {
          open.add(i.strip() + " / " + m.strip() + ": " + diff(mThenI, iThenM));
        }
      }
    };
    ex.run();
    assertThat(n[0]).isGreaterThan(100);
    assertThat(open).as("diamonds that do not close").isEmpty();
  }

  /** The lines of a dump that the other lacks (the first few), for a failure's message. */
  private static String diff(String a, String b) {
    List<String> x = List.of(a.split("\n"));
    List<String> y = List.of(b.split("\n"));
    List<String> out = new ArrayList<>();
    x.stream().filter(l -> !y.contains(l)).limit(6).forEach(l -> out.add("-" + l));
    y.stream().filter(l -> !x.contains(l)).limit(6).forEach(l -> out.add("+" + l));
    return String.join(" ; ", out);
  }

  /** The equivalence is not vacuous: different files, modes or counts stay different. */
  @Test
  void theEquivalenceSeparatesDifferentStates() throws Exception {
    Bounds b = Bounds.fullDefaults(Semantics.MAINLINE);
    ModelExplorer ex = new ModelExplorer(b, null);
    ModelPath root = ex.restore(ex.rootState());
    String f1 = Loose.of(after(ex, root, "T1 open(\"/f1\", O_RDONLY) = ?").kernel());
    String f2 = Loose.of(after(ex, root, "T1 open(\"/f2\", O_RDONLY) = ?").kernel());
    String f1rw = Loose.of(after(ex, root, "T1 open(\"/f1\", O_RDWR) = ?").kernel());
    assertThat(f1).isNotEqualTo(f2).isNotEqualTo(f1rw);
    assertThat(Loose.of(after(ex, root, "T1 open(\"/f1\", O_RDONLY) = ?").kernel())).isEqualTo(f1);
  }

  private static ModelPath after(ModelExplorer ex, ModelPath p, String line) {
    ModelPath q = ex.restore(ex.store(p));
    assertThat(q.run(line, true, ex.setup())).isEqualTo(ModelPath.Status.OK);
    return q;
  }

  /** The relation: moves on one file (a hard link is its file) depend; global moves depend on all. */
  @Test
  void theRelationReadsTheObjectsAMoveNames() throws Exception {
    Bounds b = Bounds.fullDefaults(Semantics.MAINLINE);
    ModelExplorer ex = new ModelExplorer(b, null);
    ModelPath root = ex.restore(ex.rootState());
    Independence.Footprint statF1 = Independence.of(root, List.of("T1 stat(\"/f1\") = ?"));
    Independence.Footprint statL1 = Independence.of(root, List.of("T1 stat(\"/l1\") = ?"));
    Independence.Footprint openF2 = Independence.of(root, List.of("server open /f2 direct_io", "T1 open(\"/f2\", O_RDWR) = ?"));
    Independence.Footprint drop = Independence.of(root, List.of("drop_caches"));
    assertThat(Independence.independent(statF1, false, openF2, false)).isTrue();
    assertThat(Independence.independent(statF1, false, statL1, false)).isFalse();
    assertThat(Independence.independent(statF1, false, drop, false)).isFalse();
    assertThat(Independence.independent(statF1, true, openF2, true)).isFalse();
    assertThat(drop.global()).isTrue();
  }
}
