package fusesim.explore;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.invariants.Checker;
import fusesim.model.Fault;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.ModelReplay;
import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Setup;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Exact dedup, symmetry, shortest counterexamples and determinism of the io-mode core search. */
class CoreExplorerTest {
  private static CoreExplorer.Stats explore(IoCore core, int workers) {
    return new CoreExplorer(core, Integer.MAX_VALUE, workers, null).run();
  }

  /**
   * One inode, one backing, at most one open, no direct io. Counted by hand: (no backing id, id
   * registered) x (nothing open, a cached open, a passthrough open holding the fb) gives 6, but a
   * passthrough open needs the id, and closing the id under an open file leaves the fb held by
   * the inode only: {none, reg} x {idle, cached} = 4, plus pt-open with id registered, plus
   * pt-open with the id closed = 6.
   */
  @Test
  void handCountedStateSpace() {
    IoCore core = new IoCore(1, 1, 1, 1, false, true, Set.of());
    CoreExplorer.Stats s = explore(core, 1);
    assertThat(s.distinct).isEqualTo(6);
    assertThat(s.exhausted).isTrue();
  }

  /**
   * The TLC comparison (explore/README.md): TLC on a TLA+ toy spec of the io-mode counters at this
   * bound (6 inodes, 2 backings, 3 opens per inode, no direct io) counted 4,000,000 distinct states at depth 23.
   */
  @Test
  void appendixABoundWithoutSymmetryMatchesTlc() {
    IoCore core = new IoCore(4, 2, 3, 1, false, false, Set.of());
    CoreExplorer.Stats s = explore(core, 2);
    // 4 inodes: TLC counted 40,000 distinct states on the same spec: 10 per inode x 4 for the ids
    assertThat(s.distinct).isEqualTo(40_000);
  }

  @Test
  void symmetryMergesRenamedStatesAndKeepsDifferentOnes() {
    IoCore core = new IoCore(3, 2, 2, 1, true, true, Set.of());
    IoCore.World a = core.newWorld();
    IoCore.World b = core.newWorld();
    core.unpack(core.initial(), 0, a);
    core.unpack(core.initial(), 0, b);
    // a: backing slot 0 registered, a passthrough open of inode 0 on it; b: the same on slot 1, inode 2
    assertThat(core.apply(a, core.action(IoCore.Kind.BACKING_OPEN, -1, -1), null)).isEqualTo(IoCore.OK);
    assertThat(core.apply(a, core.action(IoCore.Kind.OPEN_PASSTHROUGH, 0, 0), null)).isEqualTo(IoCore.OK);
    b.reg[1] = true;
    b.count[1] = 1;
    assertThat(core.apply(b, core.action(IoCore.Kind.OPEN_PASSTHROUGH, 2, 1), null)).isEqualTo(IoCore.OK);
    long[] ea = new long[core.words];
    long[] eb = new long[core.words];
    core.pack(a, ea, 0, null);
    core.pack(b, eb, 0, null);
    assertThat(eb).containsExactly(ea);
    // a different state: a cached open instead
    IoCore.World c = core.newWorld();
    core.unpack(core.initial(), 0, c);
    core.apply(c, core.action(IoCore.Kind.BACKING_OPEN, -1, -1), null);
    core.apply(c, core.action(IoCore.Kind.OPEN_CACHED, 1, -1), null);
    long[] ec = new long[core.words];
    core.pack(c, ec, 0, null);
    assertThat(ec).isNotEqualTo(ea);
    // without symmetry the renamed states differ
    IoCore plain = new IoCore(3, 2, 2, 1, true, false, Set.of());
    long[] pa = new long[plain.words];
    long[] pb = new long[plain.words];
    IoCore.World a2 = plain.newWorld();
    IoCore.World b2 = plain.newWorld();
    plain.unpack(plain.initial(), 0, a2);
    plain.unpack(plain.initial(), 0, b2);
    plain.apply(a2, plain.action(IoCore.Kind.BACKING_OPEN, -1, -1), null);
    plain.apply(a2, plain.action(IoCore.Kind.OPEN_PASSTHROUGH, 0, 0), null);
    b2.reg[1] = true;
    b2.count[1] = 1;
    plain.apply(b2, plain.action(IoCore.Kind.OPEN_PASSTHROUGH, 2, 1), null);
    plain.pack(a2, pa, 0, null);
    plain.pack(b2, pb, 0, null);
    assertThat(pb).isNotEqualTo(pa);
  }

  @Test
  void symmetryCutsStatesAndKeepsVerdicts() {
    CoreExplorer.Stats with = explore(new IoCore(3, 2, 2, 2, true, true, Set.of()), 2);
    CoreExplorer.Stats without = explore(new IoCore(3, 2, 2, 2, true, false, Set.of()), 2);
    assertThat(with.distinct).isLessThan(without.distinct / 4);
    assertThat(with.depth).isEqualTo(without.depth);
  }

  /** A planted fault: the shortest trace replays on the full model to the same violation at the same line. */
  @Test
  void shortestCounterexampleReplays() {
    for (Fault f : EnumSet.of(Fault.RELEASE_SKIPS_IO_RELEASE, Fault.BACKING_CLOSE_DOUBLE_PUT,
        Fault.CACHE_WAIT_IGNORES_DIO, Fault.UNCACHED_IO_END_LEAKS_FB)) {
      IoCore core = new IoCore(2, 2, 2, 2, true, true, EnumSet.of(f));
      CoreExplorer ex = new CoreExplorer(core, Integer.MAX_VALUE, 2, null);
      ex.run();
      CoreExplorer.Violation v = ex.violations().stream().filter(x -> x != null)
          .min(java.util.Comparator.comparingInt(CoreExplorer.Violation::depth)).orElseThrow();
      CoreTrace.Rendered r = CoreTrace.render(core, v.path());
      Setup setup = Setup.of(fusesim.model.series.Semantics.MAINLINE, EnumSet.of(f), ServerMode.WELL_BEHAVED);
      fusesim.properties.Counterexample cx = fusesim.properties.Counterexample.of(setup, "t", r.stmts(), java.util.List.of());
      ModelReplay.Result rr = new ModelReplay(TraceParser.parse("t.trace", cx.text()), setup.faultSet(), Checker.all()).run();
      assertThat(rr.violation().invariant().id()).as(f.id()).isEqualTo(v.invariant());
      assertThat(rr.violationLine()).isEqualTo(cx.line());
      // shortest: no violation of any invariant one level earlier
      assertThat(v.depth()).isLessThanOrEqualTo(4);
    }
    // the known shortest: a cached open and its close
    IoCore core = new IoCore(2, 2, 2, 2, true, true, EnumSet.of(Fault.RELEASE_SKIPS_IO_RELEASE));
    CoreExplorer ex = new CoreExplorer(core, Integer.MAX_VALUE, 1, null);
    ex.run();
    assertThat(ex.violations().get(IoCore.IOCACHECTR).depth()).isEqualTo(2);
  }

  @Test
  void sameResultsForAnyNumberOfWorkers() {
    IoCore core = new IoCore(3, 2, 3, 2, true, true, EnumSet.of(Fault.BACKING_CLOSE_DOUBLE_PUT));
    CoreExplorer one = new CoreExplorer(core, Integer.MAX_VALUE, 1, null);
    CoreExplorer two = new CoreExplorer(core, Integer.MAX_VALUE, 3, null);
    CoreExplorer.Stats a = one.run();
    CoreExplorer.Stats b = two.run();
    assertThat(b.distinct).isEqualTo(a.distinct);
    assertThat(b.transitions).isEqualTo(a.transitions);
    for (int i = 0; i < IoCore.INVARIANTS.size(); i++) {
      CoreExplorer.Violation x = one.violations().get(i);
      CoreExplorer.Violation y = two.violations().get(i);
      if (x == null) {
        assertThat(y).isNull();
      } else {
        assertThat(y.path()).containsExactly(x.path());
      }
    }
  }

  /**
   * A frontier spilled to disk (a threshold of 1 KB: every level beyond 21 states goes to a file
   * and is expanded in segments) gives the same counts, the same depth and the same shortest
   * counterexamples as one in memory, with faults on, for 1 and 2 workers.
   */
  @Test
  void aSpilledFrontierGivesIdenticalResults() {
    for (Fault f : List.of(Fault.BACKING_CLOSE_DOUBLE_PUT, Fault.CACHE_WAIT_IGNORES_DIO, Fault.UNCACHED_IO_END_LEAKS_FB)) {
      IoCore core = new IoCore(3, 2, 3, 2, true, false, EnumSet.of(f));
      CoreExplorer mem = new CoreExplorer(core, Integer.MAX_VALUE, 2, null);
      CoreExplorer.Stats a = mem.run();
      assertThat(a.spilledLevels).isZero();
      for (int workers : new int[] {1, 2}) {
        CoreExplorer disk = new CoreExplorer(core, Integer.MAX_VALUE, workers, null);
        disk.frontierBytes = 1024;
        CoreExplorer.Stats b = disk.run();
        assertThat(b.spilledLevels).as("levels spilled").isGreaterThan(3);
        assertThat(b.largestSpilled).isGreaterThan(1000);
        assertThat(b.distinct).isEqualTo(a.distinct);
        assertThat(b.transitions).isEqualTo(a.transitions);
        assertThat(b.depth).isEqualTo(a.depth);
        assertThat(b.exhausted).isTrue();
        for (int i = 0; i < IoCore.INVARIANTS.size(); i++) {
          CoreExplorer.Violation x = mem.violations().get(i);
          CoreExplorer.Violation y = disk.violations().get(i);
          if (x == null) {
            assertThat(y).as(f + " " + IoCore.INVARIANTS.get(i)).isNull();
          } else {
            assertThat(y.path()).as(f + " " + IoCore.INVARIANTS.get(i)).containsExactly(x.path());
            assertThat(y.depth()).isEqualTo(x.depth());
          }
        }
      }
      assertThat(mem.violations()).as("%s is found", f).anyMatch(v -> v != null);
    }
  }
}
