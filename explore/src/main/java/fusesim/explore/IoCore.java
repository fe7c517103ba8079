package fusesim.explore;

import fusesim.model.Fault;
import java.util.List;
import java.util.Set;

/**
 * The mainline io-mode core as packed longs: the part of the model that fs/fuse/iomode.c,
 * fs/fuse/backing.c, fs/fuse/passthrough.c and the open/release paths of fs/fuse/file.c act on,
 * small enough to explore at hundreds of thousands of distinct states per second.
 *
 * <p>A state is, per inode, how many open files it has of each kind and what it waits for, and
 * which fuse_backing its {@code fi->fb} holds; per backing slot, whether its id is registered.
 * Every transition mirrors the model's methods of the same kernel functions ({@code fuse.Iomode},
 * {@code Backing}, {@code Passthrough}, {@code fuse.File}), branch for branch and errno for errno,
 * including the planted faults of {@link Fault} that touch them; the test {@code CoreCrossCheckTest}
 * replays core paths on the full model and compares every result and every invariant verdict.
 *
 * <h2>What is stored, and why that is exact</h2>
 *
 * Only states in which every invariant holds are stored (a violating state is reported, never
 * expanded). In those states the invariants determine the rest of the io-mode state, so it is not
 * stored: {@code fi->iocachectr} = cached - passthrough files - parallel writes in flight
 * (IOCACHECTR), FUSE_I_CACHE_IO_MODE = iocachectr &gt; 0 or a cached opener waits
 * (CACHE-IO-MODE-BIT), a fuse_backing's refcount = its idr entry + the inodes holding it
 * (BACKING-REFCOUNT), and nothing reachable is freed (BACKING-NO-UAF); no WARN fired
 * (NO-KERNEL-WARN). A transition recomputes them from the stored fields, runs the kernel code on
 * the full values, checks the invariants on the full values, and only then packs. So two stored
 * states are equal exactly when the full core states are equal (with symmetry: up to renaming).
 *
 * <h2>Per-inode fields</h2>
 * c = files in IOM_CACHED, p = passthrough files (IOM_UNCACHED, ff-&gt;passthrough set), n = direct-io
 * files with FOPEN_PARALLEL_DIRECT_WRITES and no write in flight, w = such files with a parallel
 * direct write in flight (held by the server), q = cached openers sleeping on direct_io_waitq,
 * fb = 0 (none) or 1 + the backing slot. The per-inode tuple is numbered densely (c+p+n+w+q is
 * at most {@code opens}), so an inode takes a few bits.
 *
 * <h2>Symmetry</h2>
 * Inodes are interchangeable (same lower attributes), and so are backing slots (an id is a fresh
 * name) and idle threads (a new call always goes to the lowest idle thread). With symmetry on,
 * the canonical form is the least, over the permutations of backing slots, of the sorted inode
 * codes; fds are not part of the state at all (only counts per kind).
 *
 * <p>This class is the core's interface (actions, the unpacked {@link World}, successors); the
 * packed form is {@link CorePacking}, the kernel code {@link CoreKernel}, the invariants
 * {@link CoreInvariants}.
 */
public final class IoCore {
  // ---- actions ---------------------------------------------------------------------------------

  /** Per-inode action kinds, in action-number order. */
  public enum Kind {
    BACKING_OPEN, BACKING_CLOSE, OPEN_CACHED, OPEN_PASSTHROUGH, OPEN_DIO, CLOSE_CACHED,
    CLOSE_PASSTHROUGH, CLOSE_DIO, DIO_WRITE, WRITE_REPLY
  }

  /** The invariants the core computes, in the report order of {@code spec.Invariants.ALL}. */
  public static final List<String> INVARIANTS = List.of("IOMODE-EXCL", "IOCACHECTR",
      "CACHE-IO-MODE-BIT", "BACKING-REFCOUNT", "BACKING-NO-UAF", "NO-KERNEL-WARN");
  public static final int IOMODE_EXCL = 0, IOCACHECTR = 1, CACHE_IO_MODE_BIT = 2,
      BACKING_REFCOUNT = 3, BACKING_NO_UAF = 4, NO_KERNEL_WARN = 5;

  /** What an action did, for the renderer: the syscall's outcome and the openers it woke. */
  public static final class Effect {
    /** Open: 0 opened, -5 EIO, 1 sleeps on direct_io_waitq. */
    public int openResult;
    /** Cached openers woken and now open (they return an fd). */
    public int woke;
    /** The backing slot an action allocated or used. */
    public int slot;
    /** The detail of a violation, or null. */
    public String detail;
  }

  public final int inodes;
  public final int backings;
  public final int opens;
  public final int threads;
  public final boolean dio;
  public final boolean symmetry;

  // ---- the packed form, the kernel code, the invariants ----------------------------------------
  private final CorePacking packing;
  private final CoreKernel kernel;
  private final CoreInvariants invariants;
  public final int tuples;
  final int bitsPerInode;
  /** Words per packed state. */
  public final int words;
  public final int actionsPerInode;
  public final int actionCount;

  public IoCore(int inodes, int backings, int opens, int threads, boolean dio, boolean symmetry,
      Set<Fault> faults) {
    if (inodes < 1 || inodes > 12 || backings < 1 || backings > 4 || opens < 1 || opens > 7
        || threads < 1 || threads > 9) {
      throw new IllegalArgumentException("io-mode core bounds: inodes 1..12, backings 1..4, opens 1..7, "
          + "threads 1..9");
    }
    this.inodes = inodes;
    this.backings = backings;
    this.opens = opens;
    this.threads = threads;
    this.dio = dio;
    this.symmetry = symmetry;
    packing = new CorePacking(inodes, backings, opens, symmetry);
    tuples = packing.tuples;
    bitsPerInode = packing.bitsPerInode;
    words = packing.words;
    actionsPerInode = 7 + backings;
    actionCount = 1 + backings + inodes * actionsPerInode;
    tables();
    kernel = new CoreKernel(this, faults);
    invariants = new CoreInvariants(inodes, backings);
  }

  private Kind[] kinds;
  private int[] inodeOfAction;
  private int[] slotOfAction;

  private void tables() {
    kinds = new Kind[actionCount];
    inodeOfAction = new int[actionCount];
    slotOfAction = new int[actionCount];
    Kind[] all = Kind.values();
    for (int a = 0; a < actionCount; a++) {
      if (a == 0) {
        kinds[a] = Kind.BACKING_OPEN;
        inodeOfAction[a] = -1;
        slotOfAction[a] = -1;
      } else if (a <= backings) {
        kinds[a] = Kind.BACKING_CLOSE;
        inodeOfAction[a] = -1;
        slotOfAction[a] = a - 1;
      } else {
        int r = (a - 1 - backings) % actionsPerInode;
        inodeOfAction[a] = (a - 1 - backings) / actionsPerInode;
        kinds[a] = r == 0 ? Kind.OPEN_CACHED : r <= backings ? Kind.OPEN_PASSTHROUGH
            : all[Kind.OPEN_DIO.ordinal() + r - 1 - backings];
        slotOfAction[a] = kinds[a] == Kind.OPEN_PASSTHROUGH ? r - 1 : -1;
      }
    }
  }

  /** The action's kind. */
  public Kind kind(int action) {
    return kinds[action];
  }

  /** The inode position an action acts on, or -1. */
  public int inodeOf(int action) {
    return inodeOfAction[action];
  }

  /** The backing slot an action names (backing_close, passthrough open), or -1. */
  public int slotOf(int action) {
    return slotOfAction[action];
  }

  /** The action of this kind on this inode (and slot), for tests and tools. */
  public int action(Kind k, int inode, int slot) {
    for (int a = 0; a < actionCount; a++) {
      if (kinds[a] == k && inodeOfAction[a] == inode && (slot < 0 || slotOfAction[a] == slot)) {
        return a;
      }
    }
    throw new IllegalArgumentException("no action " + k + " " + inode + " " + slot);
  }

  // ---- the unpacked state -------------------------------------------------------------------

  /**
   * A full core state, every derived field included: what the kernel code runs on. Reused as
   * scratch; not thread-safe (one per worker).
   */
  public final class World {
    public final int[] c = new int[inodes], p = new int[inodes], n = new int[inodes], w = new int[inodes],
        q = new int[inodes], fb = new int[inodes], ctr = new int[inodes];
    public final boolean[] bit = new boolean[inodes];
    public final boolean[] reg = new boolean[backings], freed = new boolean[backings];
    public final int[] count = new int[backings];
    /** Inodes whose fi->fb is each slot. */
    public final int[] holders = new int[backings];
    /** Threads in a call: parallel writes in flight and sleeping cached openers. */
    public int blocked;
    public boolean warned;
    /** The first WARN or refcount report, as the model words it. */
    public String warning;
    /** The packed words and inode codes this world was unpacked from (fast successors). */
    final long[] packed = new long[words];
    final int[] codes = new int[inodes];
    final int[] sCodes = new int[inodes], sCand = new int[inodes], sOrder = new int[inodes],
        sBest = new int[inodes], sBestOrder = new int[inodes];
    // saved fields of one inode and the backings, for successor()
    private int sc, sp, sn, sw, sq, sfb, sctr, sblocked;
    private boolean sbit;
    private final boolean[] sreg = new boolean[backings], sfreed = new boolean[backings];
    private final int[] scount = new int[backings], sholders = new int[backings];

    /** The packed words this world was unpacked from. */
    public long[] packedWords() {
      return packed;
    }

    void copyFrom(World o) {
      System.arraycopy(o.c, 0, c, 0, inodes);
      System.arraycopy(o.p, 0, p, 0, inodes);
      System.arraycopy(o.n, 0, n, 0, inodes);
      System.arraycopy(o.w, 0, w, 0, inodes);
      System.arraycopy(o.q, 0, q, 0, inodes);
      System.arraycopy(o.fb, 0, fb, 0, inodes);
      System.arraycopy(o.ctr, 0, ctr, 0, inodes);
      System.arraycopy(o.bit, 0, bit, 0, inodes);
      System.arraycopy(o.reg, 0, reg, 0, backings);
      System.arraycopy(o.freed, 0, freed, 0, backings);
      System.arraycopy(o.count, 0, count, 0, backings);
      System.arraycopy(o.holders, 0, holders, 0, backings);
      System.arraycopy(o.packed, 0, packed, 0, words);
      System.arraycopy(o.codes, 0, codes, 0, inodes);
      blocked = o.blocked;
      warned = o.warned;
      warning = o.warning;
    }

    private void save(int i) {
      if (i >= 0) {
        sc = c[i];
        sp = p[i];
        sn = n[i];
        sw = w[i];
        sq = q[i];
        sfb = fb[i];
        sctr = ctr[i];
        sbit = bit[i];
      }
      sblocked = blocked;
      for (int b = 0; b < backings; b++) {
        sreg[b] = reg[b];
      }
      for (int b = 0; b < backings; b++) {
        sfreed[b] = freed[b];
      }
      for (int b = 0; b < backings; b++) {
        scount[b] = count[b];
      }
      for (int b = 0; b < backings; b++) {
        sholders[b] = holders[b];
      }
    }

    private void restore(int i) {
      if (i >= 0) {
        c[i] = sc;
        p[i] = sp;
        n[i] = sn;
        w[i] = sw;
        q[i] = sq;
        fb[i] = sfb;
        ctr[i] = sctr;
        bit[i] = sbit;
      }
      blocked = sblocked;
      for (int b = 0; b < backings; b++) {
        reg[b] = sreg[b];
      }
      for (int b = 0; b < backings; b++) {
        freed[b] = sfreed[b];
      }
      for (int b = 0; b < backings; b++) {
        count[b] = scount[b];
      }
      for (int b = 0; b < backings; b++) {
        holders[b] = sholders[b];
      }
      warned = false;
      warning = null;
    }

    boolean live(int slot) {
      return reg[slot] || count[slot] != 0 || holders[slot] > 0 || freed[slot];
    }

    void setFb(int i, int v) {
      if (fb[i] != 0) {
        holders[fb[i] - 1]--;
      }
      fb[i] = v;
      if (v != 0) {
        holders[v - 1]++;
      }
    }

    void warn(String site, String check) {
      if (!warned) {
        warning = site + ": " + check;
      }
      warned = true;
    }
  }

  public World newWorld() {
    return new World();
  }

  /** The initial state: nothing open, no backing id. */
  public long[] initial() {
    long[] s = new long[words];
    World w = newWorld();
    pack(w, s, 0, null);
    return s;
  }

  /** Unpacks a stored state (all invariants hold in it) into {@code w}, derived fields included. */
  public void unpack(long[] s, int off, World w) {
    packing.unpack(s, off, w);
  }

  /**
   * Packs a state in which every invariant holds into {@code out[off..off+words)}, in canonical
   * form when symmetry is on. {@code perm}, if not null, receives for each canonical inode position
   * the position in {@code w} it came from, then (at {@code inodes + b}) for each canonical slot
   * the slot of {@code w}.
   */
  public void pack(World w, long[] out, int off, int[] perm) {
    packing.pack(w, out, off, perm);
  }

  // ---- transitions ---------------------------------------------------------------------------

  /** Result of {@link #apply}: the action is not enabled here. */
  public static final int DISABLED = -2;
  /** Result of {@link #apply}: enabled, every invariant holds. */
  public static final int OK = -1;

  /**
   * Applies {@code action} to {@code w} in place (the renderer and the tests use this). Returns
   * {@link #DISABLED}, {@link #OK}, or the index in {@link #INVARIANTS} of the first invariant
   * broken afterwards (checked over the whole state).
   */
  public int apply(World w, int action, Effect e) {
    if (kernel.transition(w, action, e) == DISABLED) {
      return DISABLED;
    }
    return invariants.check(w, -2, e);
  }

  /**
   * The explorer's successor function: {@code w} is an unpacked stored state and is left as it
   * was. Returns {@link #DISABLED}, the first broken invariant, or {@link #OK} with the packed
   * (canonical) successor in {@code out[off..]}. Only the acted-on inode and the backings can
   * change, so only they are checked and re-encoded: the other inodes satisfy every invariant in
   * the stored state already.
   */
  public int successor(World w, int action, long[] out, int off) {
    if (!enabled(w, action)) {
      return DISABLED;
    }
    int i = inodeOfAction[action];
    w.save(i);
    int r = kernel.transition(w, action, null);
    if (r != DISABLED) {
      r = invariants.check(w, i, null);
      if (r == OK) {
        packing.packChanged(w, i, out, off);
      }
    }
    w.restore(i);
    return r;
  }

  /** The action's precondition (the same tests {@code CoreKernel.transition} makes first). */
  public boolean enabled(World w, int action) {
    boolean idle = w.blocked < threads;
    Kind k = kinds[action];
    int i = inodeOfAction[action];
    switch (k) {
      case BACKING_OPEN:
        for (int b = 0; b < backings; b++) {
          if (!w.live(b)) {
            return true;
          }
        }
        return false;
      case BACKING_CLOSE:
        return w.reg[slotOfAction[action]];
      case OPEN_CACHED:
      case OPEN_PASSTHROUGH:
      case OPEN_DIO: {
        int slot = slotOfAction[action];
        return idle && w.c[i] + w.p[i] + w.n[i] + w.w[i] + w.q[i] < opens && (k != Kind.OPEN_DIO || dio)
            && (slot < 0 || w.reg[slot]);
      }
      case CLOSE_CACHED:
        return idle && w.c[i] > 0;
      case CLOSE_PASSTHROUGH:
        return idle && w.p[i] > 0;
      case CLOSE_DIO:
        return idle && w.n[i] > 0;
      case DIO_WRITE:
        return dio && idle && w.n[i] > 0 && !w.bit[i] && w.ctr[i] <= 0;
      case WRITE_REPLY:
        return w.w[i] > 0;
      default:
        throw new IllegalStateException(k.toString());
    }
  }

}
