package fusesim.traces.replay;

import fusesim.invariants.Invariant;
import fusesim.invariants.Invariants;
import fusesim.invariants.ResultInvariants;
import fusesim.invariants.SeriesInvariants;
import fusesim.model.Fault;
import fusesim.model.series.Semantics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every fact about each planted fault, in one table: the switch ({@link Fault}, the model's
 * {@code faults.on(..)} sites), the invariant it must break, the bound that makes the explorer
 * find it, how a property campaign leans towards it, and whether the quick test run explores it.
 * It lives here, below properties and explore, because both (and the CLI) read it:
 * {@code FaultsTest} asserts each campaign breaks exactly the entry's invariants,
 * {@code FaultBoundsTest} that the bound finds {@link Entry#breaks} at exactly its depth,
 * {@code fusesim explore --fault F} takes the bound, {@code fusesim check --fault F} the lean,
 * and {@code fusesim faults} prints the table. {@code FaultCatalogTest} checks that every fault
 * switched in the model has exactly one entry and every entry a switch.
 */
public final class FaultCatalog {
  /** An explorer bound: depth in moves, files, backing ids, clock ticks, the server. */
  public record Bound(int depth, int inodes, int backings, int ticks, ServerMode server) {}

  /**
   * What a property campaign of the fault leans towards (properties' {@code Profile.forFault}
   * turns it into weights); {@link #BASE} draws the fault campaign's base alphabet.
   */
  public enum Lean {
    BASE("the fault campaign's base weights"),
    HELD_DIRECT_WRITE("a parallel direct write held in flight, then a cached open or a shared mmap"),
    REVALIDATION("replaced lower files, expired entries, lookup policies and stats"),
    EVICTION("stats, evictions and drop_caches"),
    BACKING_CLOSE("backing_open and backing_close");

    public final String what;

    Lean(String what) {
      this.what = what;
    }

    public String word() {
      return name().toLowerCase().replace('_', '-');
    }
  }

  /**
   * One fault. {@code breaks} is the invariant the fault exists to break: the explorer finds it
   * at {@code bound.depth()} and every property campaign of it breaks it. {@code alsoBreaks} are
   * the invariants the same bug may break as well (one step later, or on another path), which a
   * campaign may report; anything outside both is a defect of the model or of this table.
   * {@code campaignScale} multiplies a campaign's sequence count for faults the generator reaches
   * rarely; {@code quick} says whether {@code mvn verify}'s FaultBoundsTest explores the bound (the
   * others, over about 10,000 states, need {@code -Dfusesim.explore.allFaults=true}).
   */
  public record Entry(Fault fault, Invariant breaks, Set<Invariant> alsoBreaks, Bound bound, Lean lean,
      int campaignScale, boolean quick) {
    public Entry {
      alsoBreaks = Set.copyOf(alsoBreaks);
    }

    /** The semantics a test runs the fault under: mainline, or v2 with every patch for the series'. */
    public Semantics semantics() {
      return fault.patch == 0 ? Semantics.MAINLINE : Semantics.v2(Semantics.V2_PATCHES);
    }

    /** The ids of {@code breaks} and {@code alsoBreaks}: what a campaign may report. */
    public Set<String> mayBreak() {
      Set<String> ids = new java.util.TreeSet<>();
      ids.add(breaks.id());
      alsoBreaks.forEach(i -> ids.add(i.id()));
      return ids;
    }
  }

  private static final ServerMode WB = ServerMode.WELL_BEHAVED;
  private static final ServerMode ARB = ServerMode.ARBITRARY;

  private static final List<Entry> ENTRIES = new ArrayList<>();

  static {
    // mainline, explored in the mainline world (mount passthrough)
    // the cached open that should have failed succeeds: IOMODE-OPEN judges the open's result
    add(Fault.CACHED_OPEN_IGNORES_BACKING, Invariants.IOMODE_EXCL, Set.of(IomodeOpen.INVARIANT),
        new Bound(3, 2, 1, 0, WB), Lean.HELD_DIRECT_WRITE, 1, true);
    add(Fault.UNCACHED_IO_END_LEAKS_FB, Invariants.BACKING_REFCOUNT, Set.of(), new Bound(3, 2, 1, 0, WB),
        Lean.BASE, 1, true);
    add(Fault.BACKING_CLOSE_DOUBLE_PUT, Invariants.NO_KERNEL_WARN, Set.of(Invariants.BACKING_NO_UAF),
        new Bound(2, 2, 1, 0, WB), Lean.BACKING_CLOSE, 1, true);
    add(Fault.RELEASE_SKIPS_IO_RELEASE, Invariants.IOCACHECTR, Set.of(Invariants.NO_KERNEL_WARN),
        new Bound(2, 2, 1, 0, WB), Lean.BASE, 1, true);
    // the open fuse_file_passthrough_open refuses (EIO) succeeds: IOMODE-OPEN sees it at the open,
    // PT-NO-PAGE-CACHE only once the page cache is used
    add(Fault.PASSTHROUGH_ACCEPTS_KEEP_CACHE, IomodeOpen.INVARIANT, Set.of(Invariants.PT_NO_PAGE_CACHE),
        new Bound(5, 2, 1, 0, ARB), Lean.BASE, 1, false);
    add(Fault.CACHE_WAIT_IGNORES_DIO, Invariants.CACHE_IO_MODE_BIT, Set.of(Invariants.NO_KERNEL_WARN),
        new Bound(4, 2, 1, 0, WB), Lean.HELD_DIRECT_WRITE, 1, true);
    add(Fault.REVALIDATE_KEEPS_CHANGED_NODEID, Invariants.NLOOKUP_BALANCE, Set.of(), new Bound(4, 2, 1, 1, WB),
        Lean.REVALIDATION, 1, true);
    add(Fault.FORGET_WRONG_NLOOKUP, Invariants.NLOOKUP_BALANCE, Set.of(), new Bound(3, 2, 1, 0, WB),
        Lean.EVICTION, 1, true);
    // backing_open, open, a read to EOF, a read past it (one inode is enough)
    add(Fault.PASSTHROUGH_READ_PAST_EOF, ResultInvariants.READ_RESULT, Set.of(ResultInvariants.COHERENCE),
        new Bound(4, 1, 1, 0, WB), Lean.BASE, 1, true);
    // the series, explored in the passthrough_ino world
    add(Fault.ATTACH_SAME_BACKING_LEAKS_REF, Invariants.BACKING_REFCOUNT, Set.of(), new Bound(4, 2, 1, 0, WB),
        Lean.BASE, 1, true);
    add(Fault.ATTACH_FAILURE_NO_FORGET, Invariants.NLOOKUP_BALANCE, Set.of(), new Bound(2, 2, 1, 0, ARB),
        Lean.BASE, 1, true);
    add(Fault.CONFLICTING_BACKING_REPLACES, Invariants.BACKING_REFCOUNT, Set.of(), new Bound(6, 1, 2, 0, WB),
        Lean.BASE, 1, false);
    add(Fault.LIFETIME_ALLOWS_CACHED_OPEN, Invariants.IOMODE_EXCL, Set.of(), new Bound(3, 2, 1, 0, WB),
        Lean.BASE, 1, true);
    add(Fault.ATTACH_IGNORES_CACHED_OPENS, Invariants.IOMODE_EXCL, Set.of(), new Bound(4, 2, 1, 0, WB),
        Lean.BASE, 1, true);
    add(Fault.ATTACH_TAKES_NO_IO_REF, Invariants.IOCACHECTR, Set.of(), new Bound(3, 2, 1, 0, WB),
        Lean.BASE, 1, true);
    add(Fault.INO_CHECK_SKIPPED, SeriesInvariants.INO_MAP, Set.of(), new Bound(3, 2, 1, 0, ARB),
        Lean.BASE, 1, true);
    add(Fault.ATTACH_BORROWS_IDR_REF, Invariants.BACKING_REFCOUNT, Set.of(), new Bound(3, 2, 1, 0, WB),
        Lean.BASE, 1, true);
    // mmap, a stat, a store and a second stat on a lifetime inode: the generator reaches it rarely
    add(Fault.GETATTR_SERVES_CACHE_FIRST, SeriesInvariants.ATTR_COHERENCE, Set.of(), new Bound(5, 1, 1, 0, WB),
        Lean.BASE, 8, false);
    add(Fault.EVICT_KEEPS_LIFETIME_BACKING, Invariants.NO_KERNEL_WARN, Set.of(), new Bound(4, 2, 1, 0, WB),
        Lean.BASE, 1, true);
  }

  private static final Map<Fault, Entry> BY_FAULT = index();

  private FaultCatalog() {}

  private static void add(Fault f, Invariant breaks, Set<Invariant> also, Bound b, Lean lean, int scale,
      boolean quick) {
    ENTRIES.add(new Entry(f, breaks, also, b, lean, scale, quick));
  }

  private static Map<Fault, Entry> index() {
    Map<Fault, Entry> m = new EnumMap<>(Fault.class);
    for (Entry e : ENTRIES) {
      if (m.put(e.fault(), e) != null) {
        throw new IllegalStateException("two catalog entries for fault " + e.fault().id());
      }
    }
    return m;
  }

  /** Every entry, in the order of {@link Fault}'s constants (what `fusesim faults` prints). */
  public static List<Entry> entries() {
    return Collections.unmodifiableList(ENTRIES);
  }

  /** The entry of {@code f}; a fault without one is a defect of this table (FaultCatalogTest). */
  public static Entry of(Fault f) {
    Entry e = BY_FAULT.get(f);
    if (e == null) {
      throw new IllegalStateException("fault " + f.id() + " has no entry in FaultCatalog: add one");
    }
    return e;
  }
}
