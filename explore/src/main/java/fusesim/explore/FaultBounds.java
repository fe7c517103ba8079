package fusesim.explore;

import fusesim.model.Fault;
import fusesim.model.series.Semantics;
import fusesim.traces.replay.ServerMode;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bound that finds each planted fault in the full engine: what {@code fusesim explore
 * --fault F} uses when no bound is given (and prints in its first line). The depth is the
 * fault's shortest counterexample in moves, as measured (explore/README.md, "Bounds per fault"),
 * so the search stops at the level that finds it; {@code FaultBoundsTest} runs every fault with
 * its bound and checks that it is found at exactly that depth.
 *
 * <p>Series faults are explored in the FUSE_PASSTHROUGH_INO world, so they need a semantics with
 * their patch ({@code --semantics v2}); {@link #check} says so.
 */
public final class FaultBounds {
  /** A fault's bound: depth in moves, files, backing ids, clock ticks, the server. */
  public record Bound(int depth, int inodes, int backings, int ticks, ServerMode server) {}

  private static final ServerMode WB = ServerMode.WELL_BEHAVED;
  private static final ServerMode ARB = ServerMode.ARBITRARY;

  static final Map<Fault, Bound> BOUNDS = new EnumMap<>(Fault.class);

  static {
    // mainline, the mainline world (mount passthrough)
    BOUNDS.put(Fault.CACHED_OPEN_IGNORES_BACKING, new Bound(3, 2, 1, 0, WB));
    BOUNDS.put(Fault.UNCACHED_IO_END_LEAKS_FB, new Bound(3, 2, 1, 0, WB));
    BOUNDS.put(Fault.BACKING_CLOSE_DOUBLE_PUT, new Bound(2, 2, 1, 0, WB));
    BOUNDS.put(Fault.RELEASE_SKIPS_IO_RELEASE, new Bound(2, 2, 1, 0, WB));
    BOUNDS.put(Fault.PASSTHROUGH_ACCEPTS_KEEP_CACHE, new Bound(5, 2, 1, 0, ARB));
    BOUNDS.put(Fault.CACHE_WAIT_IGNORES_DIO, new Bound(4, 2, 1, 0, WB));
    BOUNDS.put(Fault.REVALIDATE_KEEPS_CHANGED_NODEID, new Bound(4, 2, 1, 1, WB));
    BOUNDS.put(Fault.FORGET_WRONG_NLOOKUP, new Bound(3, 2, 1, 0, WB));
    BOUNDS.put(Fault.PASSTHROUGH_READ_PAST_EOF, new Bound(4, 1, 1, 0, WB)); // backing_open, open, read to EOF, read past it
    // the series, the passthrough_ino world
    BOUNDS.put(Fault.ATTACH_SAME_BACKING_LEAKS_REF, new Bound(4, 2, 1, 0, WB));
    BOUNDS.put(Fault.ATTACH_FAILURE_NO_FORGET, new Bound(2, 2, 1, 0, ARB));
    BOUNDS.put(Fault.CONFLICTING_BACKING_REPLACES, new Bound(6, 1, 2, 0, WB));
    BOUNDS.put(Fault.LIFETIME_ALLOWS_CACHED_OPEN, new Bound(3, 2, 1, 0, WB));
    BOUNDS.put(Fault.ATTACH_IGNORES_CACHED_OPENS, new Bound(4, 2, 1, 0, WB));
    BOUNDS.put(Fault.ATTACH_TAKES_NO_IO_REF, new Bound(3, 2, 1, 0, WB));
    BOUNDS.put(Fault.INO_CHECK_SKIPPED, new Bound(3, 2, 1, 0, ARB));
    BOUNDS.put(Fault.ATTACH_BORROWS_IDR_REF, new Bound(3, 2, 1, 0, WB));
    BOUNDS.put(Fault.GETATTR_SERVES_CACHE_FIRST, new Bound(5, 1, 1, 0, WB));
    BOUNDS.put(Fault.EVICT_KEEPS_LIFETIME_BACKING, new Bound(4, 2, 1, 0, WB));
  }

  private FaultBounds() {}

  /** The bound of one fault. */
  public static Bound of(Fault f) {
    Bound b = BOUNDS.get(f);
    if (b == null) {
      throw new IllegalStateException("no bound for fault " + f.id() + ": add it to FaultBounds");
    }
    return b;
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
