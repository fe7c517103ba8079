package fusesim.explore;

import fusesim.model.Fault;
import fusesim.model.series.Semantics;
import fusesim.traces.replay.FaultCatalog;
import fusesim.traces.replay.FaultCatalog.Bound;
import fusesim.traces.replay.ServerMode;
import java.util.List;
import java.util.Set;

/**
 * The bound that finds a set of planted faults in the full engine: what {@code fusesim explore
 * --fault F} uses when no bound is given (and prints in its first line). Each fault's own bound is
 * its entry in {@link FaultCatalog}: the depth of its shortest counterexample in moves, as
 * measured (explore/README.md, "Bounds per fault"), so the search stops at the level that finds
 * it; {@code FaultBoundsTest} runs every fault with its bound and checks that it breaks its
 * catalog invariant at exactly that depth.
 *
 * <p>Series faults are explored in the FUSE_PASSTHROUGH_INO world, so they need a semantics with
 * their patch ({@code --semantics v2}); {@link #check} says so.
 */
public final class FaultBounds {
  private static final ServerMode WB = ServerMode.WELL_BEHAVED;
  private static final ServerMode ARB = ServerMode.ARBITRARY;

  private FaultBounds() {}

  /** The bound of one fault: its catalog entry's. */
  public static Bound of(Fault f) {
    return FaultCatalog.of(f).bound();
  }

  /** The bound that finds every fault of the set: the largest of each, arbitrary if any needs it. */
  public static Bound of(Set<Fault> faults) {
    int depth = 0;
    int inodes = 1;
    int backings = 1;
    int ticks = 0;
    ServerMode server = WB;
    for (Fault f : faults) {
      Bound b = of(f);
      depth = Math.max(depth, b.depth());
      inodes = Math.max(inodes, b.inodes());
      backings = Math.max(backings, b.backings());
      ticks = Math.max(ticks, b.ticks());
      if (b.server() == ARB) {
        server = ARB;
      }
    }
    return new Bound(depth, inodes, backings, ticks, server);
  }

  /** Full-engine bounds for the faults, the other bounds at their defaults. */
  public static Bounds bounds(Semantics sem, Set<Fault> faults, List<String> assumptions, int workers) {
    Bound b = of(faults);
    Bounds d = Bounds.fullDefaults(sem);
    return new Bounds(sem, b.depth(), b.inodes(), b.backings(), d.threads(), d.opens(), b.ticks(), b.server(),
        faults, assumptions, d.dio(), d.symmetry(), workers);
  }

  /** A fault whose code the semantics does not have is refused: one line naming the semantics it needs. */
  public static void check(Semantics sem, Set<Fault> faults) {
    for (Fault f : faults) {
      if (!f.appliesTo(sem)) {
        throw new IllegalArgumentException("fault " + f.id() + " is in the series' code (v2 " + f.patch
            + "/21): it needs --semantics v2 (or v2@K with K >= " + f.patch + "), got " + sem);
      }
    }
  }
}
