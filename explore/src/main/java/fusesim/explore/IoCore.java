package fusesim.explore;

import fusesim.model.Fault;
import java.util.ArrayList;
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
  private final boolean cachedOpenIgnoresBacking;
  private final boolean uncachedIoEndLeaksFb;
  private final boolean backingCloseDoublePut;
  private final boolean releaseSkipsIoRelease;
  private final boolean cacheWaitIgnoresDio;

  // ---- the per-inode tuple table ---------------------------------------------------------------
  public final int tuples;
  private final byte[] tc, tp, tn, tw, tq, tfb;
  private final int[] index;
  private final int o1;
  final int bitsPerInode;
  /** Words per packed state. */
  public final int words;
  private final int[] wordOf, shiftOf;
  private final long codeMask;
  /** Backing permutations (symmetry) and their code remap tables. */
  private final int[][] perms;
  private final int[][] remapCode;
  private final int[][] remapReg;
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
    this.cachedOpenIgnoresBacking = faults.contains(Fault.CACHED_OPEN_IGNORES_BACKING);
    this.uncachedIoEndLeaksFb = faults.contains(Fault.UNCACHED_IO_END_LEAKS_FB);
    this.backingCloseDoublePut = faults.contains(Fault.BACKING_CLOSE_DOUBLE_PUT);
    this.releaseSkipsIoRelease = faults.contains(Fault.RELEASE_SKIPS_IO_RELEASE);
    this.cacheWaitIgnoresDio = faults.contains(Fault.CACHE_WAIT_IGNORES_DIO);
    o1 = opens + 1;
    int nfb = backings + 1;
    index = new int[o1 * o1 * o1 * o1 * o1 * nfb];
    java.util.Arrays.fill(index, -1);
    List<int[]> ts = new ArrayList<>();
    for (int c = 0; c <= opens; c++) {
      for (int p = 0; p <= opens - c; p++) {
        for (int n = 0; n <= opens - c - p; n++) {
          for (int w = 0; w <= opens - c - p - n; w++) {
            for (int q = 0; q <= opens - c - p - n - w; q++) {
              for (int fb = 0; fb < nfb; fb++) {
                index[key(c, p, n, w, q, fb)] = ts.size();
                ts.add(new int[] {c, p, n, w, q, fb});
              }
            }
          }
        }
      }
    }
    tuples = ts.size();
    tc = new byte[tuples];
    tp = new byte[tuples];
    tn = new byte[tuples];
    tw = new byte[tuples];
    tq = new byte[tuples];
    tfb = new byte[tuples];
    for (int i = 0; i < tuples; i++) {
      int[] t = ts.get(i);
      tc[i] = (byte) t[0];
      tp[i] = (byte) t[1];
      tn[i] = (byte) t[2];
      tw[i] = (byte) t[3];
      tq[i] = (byte) t[4];
      tfb[i] = (byte) t[5];
    }
    bitsPerInode = 32 - Integer.numberOfLeadingZeros(tuples - 1);
    codeMask = (1L << bitsPerInode) - 1;
    wordOf = new int[inodes];
    shiftOf = new int[inodes];
    int word = 0;
    int shift = backings; // word 0 starts with the registered bits
    for (int i = 0; i < inodes; i++) {
      if (shift + bitsPerInode > 64) {
        word++;
        shift = 0;
      }
      wordOf[i] = word;
      shiftOf[i] = shift;
      shift += bitsPerInode;
    }
    words = word + 1;
    perms = symmetry ? permutations(backings) : new int[][] {identity(backings)};
    remapCode = new int[perms.length][tuples];
    remapReg = new int[perms.length][1 << backings];
    for (int s = 0; s < perms.length; s++) {
      int[] sigma = perms[s];
      for (int i = 0; i < tuples; i++) {
        int fb = tfb[i];
        remapCode[s][i] = index[key(tc[i], tp[i], tn[i], tw[i], tq[i], fb == 0 ? 0 : sigma[fb - 1] + 1)];
      }
      for (int r = 0; r < 1 << backings; r++) {
        int out = 0;
        for (int b = 0; b < backings; b++) {
          if ((r & 1 << b) != 0) {
            out |= 1 << sigma[b];
          }
        }
        remapReg[s][r] = out;
      }
    }
    actionsPerInode = 7 + backings;
    actionCount = 1 + backings + inodes * actionsPerInode;
    tables();
  }

  private int key(int c, int p, int n, int w, int q, int fb) {
    return ((((c * o1 + p) * o1 + n) * o1 + w) * o1 + q) * (backings + 1) + fb;
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  private static int[][] permutations(int n) {
    List<int[]> out = new ArrayList<>();
    permute(identity(n), 0, out);
    return out.toArray(new int[0][]);
  }

  private static void permute(int[] a, int k, List<int[]> out) {
    if (k == a.length) {
      out.add(a.clone());
      return;
    }
    for (int i = k; i < a.length; i++) {
      int t = a[k];
      a[k] = a[i];
      a[i] = t;
      permute(a, k + 1, out);
      a[i] = a[k];
      a[k] = t;
    }
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
    long w0 = s[off];
    System.arraycopy(s, off, w.packed, 0, words);
    for (int b = 0; b < backings; b++) {
      w.reg[b] = (w0 & 1L << b) != 0;
      w.count[b] = w.reg[b] ? 1 : 0;
      w.freed[b] = false;
      w.holders[b] = 0;
    }
    int blocked = 0;
    for (int i = 0; i < inodes; i++) {
      int code = (int) (s[off + wordOf[i]] >>> shiftOf[i] & codeMask);
      w.codes[i] = code;
      w.c[i] = tc[code];
      w.p[i] = tp[code];
      w.n[i] = tn[code];
      w.w[i] = tw[code];
      w.q[i] = tq[code];
      w.fb[i] = tfb[code];
      w.ctr[i] = w.c[i] - w.p[i] - w.w[i];
      w.bit[i] = w.ctr[i] > 0 || w.q[i] > 0;
      blocked += w.w[i] + w.q[i];
      if (w.fb[i] != 0) {
        w.count[w.fb[i] - 1]++;
        w.holders[w.fb[i] - 1]++;
      }
    }
    w.blocked = blocked;
    w.warned = false;
    w.warning = null;
  }

  private int regBits(World w) {
    int reg = 0;
    for (int b = 0; b < backings; b++) {
      if (w.reg[b]) {
        reg |= 1 << b;
      }
    }
    return reg;
  }

  /**
   * Packs a state in which every invariant holds into {@code out[off..off+words)}, in canonical
   * form when symmetry is on. {@code perm}, if not null, receives for each canonical inode position
   * the position in {@code w} it came from, then (at {@code inodes + b}) for each canonical slot
   * the slot of {@code w}.
   */
  public void pack(World w, long[] out, int off, int[] perm) {
    int[] codes = w.sCodes;
    for (int i = 0; i < inodes; i++) {
      codes[i] = index[key(w.c[i], w.p[i], w.n[i], w.w[i], w.q[i], w.fb[i])];
    }
    canonical(w, codes, regBits(w), out, off, perm);
  }

  private void canonical(World w, int[] codes, int reg, long[] out, int off, int[] perm) {
    int[] best = w.sBest;
    int[] bestOrder = w.sBestOrder;
    int[] cand = w.sCand;
    int[] order = w.sOrder;
    int bestReg = -1;
    int bestPerm = 0;
    for (int s = 0; s < perms.length; s++) {
      int[] rc = remapCode[s];
      for (int i = 0; i < inodes; i++) {
        cand[i] = rc[codes[i]];
        order[i] = i;
      }
      int r = remapReg[s][reg];
      if (symmetry) {
        // insertion sort of (code, origin): inodes are at most 12
        for (int i = 1; i < inodes; i++) {
          int v = cand[i];
          int o = order[i];
          int j = i - 1;
          while (j >= 0 && cand[j] > v) {
            cand[j + 1] = cand[j];
            order[j + 1] = order[j];
            j--;
          }
          cand[j + 1] = v;
          order[j + 1] = o;
        }
      }
      if (bestReg < 0 || less(r, cand, bestReg, best)) {
        System.arraycopy(cand, 0, best, 0, inodes);
        System.arraycopy(order, 0, bestOrder, 0, inodes);
        bestReg = r;
        bestPerm = s;
      }
    }
    for (int k = 0; k < words; k++) {
      out[off + k] = 0;
    }
    out[off] = bestReg;
    for (int i = 0; i < inodes; i++) {
      out[off + wordOf[i]] |= (long) best[i] << shiftOf[i];
    }
    if (perm != null) {
      System.arraycopy(bestOrder, 0, perm, 0, inodes);
      int[] sigma = perms[bestPerm];
      for (int b = 0; b < backings; b++) {
        perm[inodes + sigma[b]] = b; // canonical slot sigma[b] came from slot b
      }
    }
  }

  private static boolean less(int r, int[] a, int br, int[] b) {
    if (r != br) {
      return r < br;
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        return a[i] < b[i];
      }
    }
    return false;
  }

  // ---- transitions: the kernel code --------------------------------------------------------------

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
    if (transition(w, action, e) == DISABLED) {
      return DISABLED;
    }
    return check(w, -2, e);
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
    int r = transition(w, action, null);
    if (r != DISABLED) {
      r = check(w, i, null);
      if (r == OK) {
        int reg = regBits(w);
        if (i < 0) {
          System.arraycopy(w.codes, 0, w.sCodes, 0, inodes);
        } else {
          int code = index[key(w.c[i], w.p[i], w.n[i], w.w[i], w.q[i], w.fb[i])];
          if (!symmetry) {
            System.arraycopy(w.packed, 0, out, off, words);
            out[off + wordOf[i]] = out[off + wordOf[i]] & ~(codeMask << shiftOf[i]) | (long) code << shiftOf[i];
            out[off] = out[off] & ~((1L << backings) - 1) | reg;
            w.restore(i);
            return OK;
          }
          System.arraycopy(w.codes, 0, w.sCodes, 0, inodes);
          w.sCodes[i] = code;
        }
        if (!symmetry) {
          System.arraycopy(w.packed, 0, out, off, words);
          out[off] = out[off] & ~((1L << backings) - 1) | reg;
        } else {
          canonical(w, w.sCodes, reg, out, off, null);
        }
      }
    }
    w.restore(i);
    return r;
  }

  /** The action's precondition (the same tests {@link #transition} makes first). */
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

  /** Runs the action's kernel code; DISABLED if its precondition does not hold, else 0. */
  private int transition(World w, int action, Effect e) {
    if (e != null) {
      e.openResult = 0;
      e.woke = 0;
      e.slot = -1;
      e.detail = null;
    }
    boolean idle = w.blocked < threads;
    if (action == 0) {
      int slot = -1;
      for (int b = 0; b < backings && slot < 0; b++) {
        if (!w.live(b)) {
          slot = b;
        }
      }
      if (slot < 0) {
        return DISABLED;
      }
      devIocBackingOpen(w, slot);
      if (e != null) {
        e.slot = slot;
      }
      return 0;
    }
    if (action <= backings) {
      int slot = action - 1;
      if (!w.reg[slot]) {
        return DISABLED;
      }
      devIocBackingClose(w, slot);
      if (e != null) {
        e.slot = slot;
      }
      return 0;
    }
    int i = inodeOfAction[action];
    int open = w.c[i] + w.p[i] + w.n[i] + w.w[i] + w.q[i];
    Kind k = kinds[action];
    switch (k) {
      case OPEN_CACHED:
      case OPEN_PASSTHROUGH:
      case OPEN_DIO: {
        if (!idle || open >= opens || (k == Kind.OPEN_DIO && !dio)) {
          return DISABLED;
        }
        int slot = slotOfAction[action];
        if (slot >= 0 && !w.reg[slot]) {
          return DISABLED; // a well-behaved server names a registered id
        }
        int res = fuseFileIoOpen(w, i, k, slot);
        if (e != null) {
          e.openResult = res;
          e.slot = slot;
        }
        return 0;
      }
      case CLOSE_CACHED:
        if (!idle || w.c[i] == 0) {
          return DISABLED;
        }
        w.c[i]--; // close() → fput() → fuse_release() → fuse_file_put() → fuse_file_io_release()
        if (!releaseSkipsIoRelease) {
          fuseFileCachedIoRelease(w, i);
        }
        return 0;
      case CLOSE_PASSTHROUGH:
        if (!idle || w.p[i] == 0) {
          return DISABLED;
        }
        w.p[i]--;
        if (!releaseSkipsIoRelease) {
          int woke = fuseFileUncachedIoRelease(w, i);
          if (e != null) {
            e.woke = woke;
          }
        }
        return 0;
      case CLOSE_DIO:
        if (!idle || w.n[i] == 0) {
          return DISABLED;
        }
        w.n[i]--; // fuse_file_io_release(): IOM_NONE, nothing to undo
        return 0;
      case DIO_WRITE:
        // only parallel writes: fuse_dio_wr_exclusive_lock() false (no FUSE_I_CACHE_IO_MODE, within
        // i_size, no O_APPEND) and fuse_inode_uncached_io_start() succeeding (iocachectr <= 0)
        if (!dio || !idle || w.n[i] == 0 || w.bit[i] || w.ctr[i] > 0) {
          return DISABLED;
        }
        w.n[i]--;
        w.w[i]++;
        w.blocked++;
        fuseInodeUncachedIoStart(w, i, -1);
        return 0;
      case WRITE_REPLY: {
        if (w.w[i] == 0) {
          return DISABLED;
        }
        w.w[i]--;
        w.n[i]++;
        w.blocked--;
        int woke = fuseInodeUncachedIoEnd(w, i); // fuse_dio_unlock()
        if (e != null) {
          e.woke = woke;
        }
        return 0;
      }
      default:
        throw new IllegalStateException(k.toString());
    }
  }

  /** fuse_dev_ioctl_backing_open() → fuse_backing_open(): a new fuse_backing, refcount 1, in the idr. */
  private void devIocBackingOpen(World w, int slot) {
    w.reg[slot] = true;
    w.count[slot] = 1;
    w.freed[slot] = false;
  }

  /** fuse_dev_ioctl_backing_close() → fuse_backing_close(): fuse_backing_id_remove(), then put. */
  private void devIocBackingClose(World w, int slot) {
    w.reg[slot] = false;
    fuseBackingPut(w, slot);
    if (backingCloseDoublePut) {
      fuseBackingPut(w, slot);
    }
  }

  /** fuse_backing_get(): refcount_inc_not_zero; false for a freed or zero fuse_backing. */
  private boolean fuseBackingGet(World w, int slot) {
    if (w.freed[slot]) {
      w.warn("fs/fuse/backing.c:fuse_backing_get", "use after free: refcount_inc_not_zero on a freed fuse_backing");
      return false;
    }
    if (w.count[slot] == 0) {
      return false;
    }
    w.count[slot]++;
    return true;
  }

  /** fuse_backing_put(): refcount_dec_and_test, then fuse_backing_free(). */
  private void fuseBackingPut(World w, int slot) {
    if (slot < 0) {
      return;
    }
    if (w.freed[slot] || w.count[slot] <= 0) {
      w.warn("fs/fuse/backing.c:fuse_backing_put", "refcount_t: underflow; use-after-free");
      return;
    }
    if (--w.count[slot] == 0) {
      w.freed[slot] = true;
    }
  }

  /**
   * fuse_file_io_open() for a regular file after OPEN: 0 opened (the file counts in c, p or n),
   * -EIO (fuse_sync_release, nothing kept), or 1 = Iomode.WAIT (a cached opener sleeps: q).
   */
  private int fuseFileIoOpen(World w, int i, Kind k, int slot) {
    boolean passthrough = k == Kind.OPEN_PASSTHROUGH;
    int err;
    if (w.fb[i] != 0 && !passthrough && !cachedOpenIgnoresBacking) {
      err = -22; // EINVAL: FOPEN_PASSTHROUGH expected for an inode open for passthrough
    } else {
      if (k == Kind.OPEN_DIO) {
        w.n[i]++; // FOPEN_DIRECT_IO without FOPEN_PASSTHROUGH: no io mode
        return 0;
      }
      err = passthrough ? fuseFilePassthroughOpen(w, i, slot) : fuseFileCachedIoOpen(w, i);
      if (err == 1) {
        w.q[i]++;
        w.blocked++;
        return 1;
      }
      if (err == 0) {
        if (passthrough) {
          w.p[i]++;
        } else {
          w.c[i]++;
        }
        return 0;
      }
    }
    return -5; // EIO
  }

  /** fuse_is_io_cache_wait(). */
  private boolean fuseIsIoCacheWait(World w, int i) {
    if (cacheWaitIgnoresDio) {
      return false;
    }
    return w.ctr[i] < 0 && w.fb[i] == 0;
  }

  /** fuse_file_cached_io_open() for a file in IOM_NONE: 0, -ETXTBSY, or 1 = wait. */
  private int fuseFileCachedIoOpen(World w, int i) {
    if (fuseIsIoCacheWait(w, i)) {
      w.bit[i] = true;
      return 1;
    }
    if (w.fb[i] != 0 && !cachedOpenIgnoresBacking) {
      w.bit[i] = false;
      return -26;
    }
    // WARN_ON(ff->iomode == IOM_UNCACHED): a cached opener's file is IOM_NONE here
    if (w.ctr[i] == 0) {
      w.bit[i] = true;
    }
    w.ctr[i]++;
    return 0;
  }

  /** fuse_file_cached_io_release(). */
  private void fuseFileCachedIoRelease(World w, int i) {
    String site = "fs/fuse/iomode.c:fuse_file_cached_io_release";
    if (w.ctr[i] <= 0) {
      w.warn(site, "WARN_ON(fi->iocachectr <= 0)");
    }
    w.ctr[i]--;
    if (w.ctr[i] == 0) {
      w.bit[i] = false;
    }
  }

  /** fuse_inode_uncached_io_start(fi, fb): slot -1 for a parallel direct write (fb NULL). */
  private int fuseInodeUncachedIoStart(World w, int i, int slot) {
    int oldfb = w.fb[i] - 1;
    if (slot >= 0 && oldfb >= 0 && oldfb != slot) {
      return -16; // EBUSY
    }
    if (w.ctr[i] > 0) {
      return -26; // ETXTBSY
    }
    w.ctr[i]--;
    if (slot >= 0 && oldfb < 0) {
      w.setFb(i, slot + 1); // fuse_inode_backing_set(): the inode owns the caller's reference
    } else {
      fuseBackingPut(w, slot);
    }
    return 0;
  }

  /** fuse_inode_uncached_io_end(); returns how many cached openers it woke and opened. */
  private int fuseInodeUncachedIoEnd(World w, int i) {
    if (w.ctr[i] >= 0) {
      w.warn("fs/fuse/iomode.c:fuse_inode_uncached_io_end", "WARN_ON(fi->iocachectr >= 0)");
    }
    w.ctr[i]++;
    int oldfb = -1;
    boolean wake = false;
    if (w.ctr[i] == 0) {
      wake = true;
      oldfb = w.fb[i] - 1;
      w.setFb(i, 0);
    }
    if (!uncachedIoEndLeaksFb) {
      fuseBackingPut(w, oldfb);
    }
    return wake ? wakeCachedOpeners(w, i) : 0;
  }

  /**
   * wake_up(&fi->direct_io_waitq): each sleeping cached opener runs fuse_file_io_open() again
   * (the scheduler resumes them in thread order, after the waker); returns how many opened.
   */
  private int wakeCachedOpeners(World w, int i) {
    int waiting = w.q[i];
    int opened = 0;
    for (int t = 0; t < waiting; t++) {
      w.q[i]--;
      w.blocked--;
      int res = fuseFileIoOpen(w, i, Kind.OPEN_CACHED, -1);
      if (res == 0) {
        opened++;
      } else if (res < 0) {
        throw new IllegalStateException("a woken cached opener failed: not modelled by the core");
      }
    }
    return opened;
  }

  /** fuse_file_uncached_io_release(); returns the openers woken. */
  private int fuseFileUncachedIoRelease(World w, int i) {
    return fuseInodeUncachedIoEnd(w, i);
  }

  /**
   * fuse_file_passthrough_open(): fuse_passthrough_open() (lookup and get of the id), then
   * fuse_file_uncached_io_open(); on failure the backing file and the reference are dropped.
   */
  private int fuseFilePassthroughOpen(World w, int i, int slot) {
    // fc->passthrough is on and the flags are FOPEN_PASSTHROUGH only: no EINVAL
    if (!w.reg[slot] || !fuseBackingGet(w, slot)) {
      return -2; // ENOENT
    }
    int err = fuseInodeUncachedIoStart(w, i, slot);
    if (err == 0) {
      return 0;
    }
    fuseBackingPut(w, slot);
    return err;
  }

  // ---- the invariants ------------------------------------------------------------------------

  /**
   * The first broken invariant (index in {@link #INVARIANTS}) or {@link #OK}. {@code only} is the
   * one inode that may have changed (the others satisfy the per-inode invariants already), -1
   * when no inode changed, -2 to check them all.
   */
  private int check(World w, int only, Effect e) {
    int lo = only == -2 ? 0 : Math.max(only, 0);
    int hi = only == -2 ? inodes : only == -1 ? 0 : only + 1;
    for (int i = lo; i < hi; i++) {
      if (w.c[i] > 0 && (w.p[i] > 0 || w.fb[i] != 0)) {
        return fail(e, IOMODE_EXCL, "inode " + i + " has cached io and passthrough at once");
      }
    }
    for (int i = lo; i < hi; i++) {
      if (w.ctr[i] != w.c[i] - w.p[i] - w.w[i]) {
        return fail(e, IOCACHECTR, "inode " + i + ": iocachectr=" + w.ctr[i] + " but its files and writes give "
            + (w.c[i] - w.p[i] - w.w[i]));
      }
    }
    for (int i = lo; i < hi; i++) {
      if (w.bit[i] != (w.ctr[i] > 0 || w.q[i] > 0)) {
        return fail(e, CACHE_IO_MODE_BIT, "inode " + i + ": FUSE_I_CACHE_IO_MODE=" + w.bit[i]
            + " with iocachectr=" + w.ctr[i]);
      }
    }
    for (int b = 0; b < backings; b++) {
      int holders = (w.reg[b] ? 1 : 0) + w.holders[b];
      if (!w.freed[b] && w.count[b] != holders && (w.count[b] != 0 || holders != 0)) {
        return fail(e, BACKING_REFCOUNT, "backing slot " + b + ": refcount " + w.count[b] + " but "
            + holders + " holder(s)");
      }
    }
    for (int b = 0; b < backings; b++) {
      if (w.reg[b] && (w.freed[b] || w.count[b] <= 0)) {
        return fail(e, BACKING_NO_UAF, "idr id of slot " + b + " points to a freed fuse_backing");
      }
    }
    for (int b = 0; b < backings; b++) {
      if (w.holders[b] > 0 && (w.freed[b] || w.count[b] <= 0)) {
        return fail(e, BACKING_NO_UAF, "an inode's fi->fb is the freed fuse_backing of slot " + b);
      }
    }
    if (w.warned) {
      return fail(e, NO_KERNEL_WARN, w.warning);
    }
    // recycle slots nobody holds any more (a freed fuse_backing is unreachable)
    for (int b = 0; b < backings; b++) {
      if (w.freed[b] && !w.reg[b] && w.holders[b] == 0) {
        w.freed[b] = false;
        w.count[b] = 0;
      }
    }
    return OK;
  }

  private static int fail(Effect e, int inv, String detail) {
    if (e != null) {
      e.detail = detail;
    }
    return inv;
  }
}
