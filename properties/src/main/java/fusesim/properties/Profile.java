package fusesim.properties;

import fusesim.model.Fault;
import fusesim.traces.replay.FaultCatalog;
import fusesim.traces.replay.ServerMode;
import java.util.EnumMap;
import java.util.Map;

/**
 * The generator's weights: how often each kind of action is drawn, how long a sequence is, and
 * how many threads run. The base profiles reach the deep states of the issue (a backing attached
 * with files open, parallel direct writes in flight through a held WRITE, expired dentries); a
 * fault profile leans the same alphabet towards the states where that fault matters, so every
 * fault is found quickly whatever the seed.
 */
public final class Profile {
  /** The kinds of action the generator draws from. */
  public enum Action {
    OPEN, OPEN_DIR, CLOSE, READ, WRITE, MMAP, MUNMAP, MACCESS, STAT, SETATTR, FALLOCATE, GETDENTS,
    POLICY_OPEN, POLICY_LOOKUP, POLICY_OTHER, HOLD, UNHOLD, REPLY, BACKING_OPEN, BACKING_CLOSE,
    TICK, EVICT, DROP_CACHES, REPLACE_LOWER, NOTIFY, CRASH,
    // appended last, so that a profile giving them weight 0 draws exactly as before they existed
    MKNOD, SYMLINK, LINK, READLINK, LOWER_WRITE,
    /** fsync(2) or fdatasync(2) on an open file or directory (FSYNC / FSYNCDIR, issue 12). */
    SYNC,
    /** preadv(2) or pwritev(2) of two iovecs on an open file (issue 12). */
    VECTOR,
    /** utimensat(2) of a path or futimens(2) of an open file, NULL/UTIME_NOW/UTIME_OMIT/given (issue 12). */
    UTIMES
  }

  public final String name;
  final EnumMap<Action, Integer> weights = new EnumMap<>(Action.class);
  int minActions = 6;
  int maxActions = 40;
  int threads = 2;
  /**
   * Entry replies with invalid attributes, arbitrary mode only; this includes MKNOD/SYMLINK/LINK
   * replies of another file type. They reach known findings (LOOKUP-EIO-NO-FORGET,
   * NEW-ENTRY-EIO-NO-FORGET: EIO without FORGET), which {@code check} reports in their own table
   * (traces/corpus/findings), so the base profile keeps them exercised.
   */
  boolean invalidAttrs;
  /**
   * Entry replies (arbitrary mode, FUSE_PASSTHROUGH_INO) that name both another nodeid and a
   * backing id: under A1=attr-ino they reach the known finding INO-RULE-ATTR-INO-SHARED-BACKING.
   */
  boolean sharedBackingReplies;
  /** Mounts with readdirplus or readdirplus_auto (one draw in the world when on). */
  boolean readdirplusMounts;
  /**
   * Mounts with default_permissions (one draw in the world when on; then T2 is uid 1000, and
   * chown and link, whose checks on such a mount are not modelled, are not drawn).
   */
  boolean defaultPermissionsMounts;
  /**
   * Mounts with atomic_o_trunc, and for the arbitrary server handle_killpriv, handle_killpriv_v2
   * and no_flush (one draw each when on): kernel fuzz only, so check's seeds draw as before.
   */
  boolean initFlagMounts;

  private Profile(String name) {
    this.name = name;
    for (Action a : Action.values()) {
      weights.put(a, 0);
    }
  }

  Profile set(Action a, int w) {
    weights.put(a, w);
    return this;
  }

  public Map<Action, Integer> weights() {
    return java.util.Collections.unmodifiableMap(weights);
  }

  /** The profile for a campaign: by fault if exactly one is on, else the mode's base profile. */
  public static Profile forRun(ServerMode mode, java.util.Set<Fault> faults) {
    if (faults.size() == 1) {
      return forFault(mode, faults.iterator().next());
    }
    return base(mode);
  }

  public static Profile base(ServerMode mode) {
    Profile p = new Profile(mode.word);
    p.set(Action.OPEN, 14).set(Action.OPEN_DIR, 2).set(Action.CLOSE, 10).set(Action.READ, 6)
        .set(Action.WRITE, 7).set(Action.MMAP, 4).set(Action.MUNMAP, 2).set(Action.MACCESS, 2)
        .set(Action.STAT, 5).set(Action.SETATTR, 3).set(Action.FALLOCATE, 1).set(Action.GETDENTS, 2)
        .set(Action.POLICY_OPEN, 7).set(Action.POLICY_LOOKUP, 3).set(Action.POLICY_OTHER, 2)
        .set(Action.HOLD, 5).set(Action.UNHOLD, 2).set(Action.REPLY, 14)
        .set(Action.BACKING_OPEN, 2).set(Action.BACKING_CLOSE, 2).set(Action.TICK, 3)
        .set(Action.EVICT, 3).set(Action.DROP_CACHES, 1).set(Action.REPLACE_LOWER, 1)
        .set(Action.NOTIFY, 1).set(Action.CRASH, 1)
        .set(Action.MKNOD, 2).set(Action.SYMLINK, 1).set(Action.LINK, 2).set(Action.READLINK, 1)
        .set(Action.LOWER_WRITE, 1) // an outside writer: COHERENCE's stale and fresh reads
        .set(Action.SYNC, 1).set(Action.VECTOR, 1).set(Action.UTIMES, 1);
    p.readdirplusMounts = true;
    p.defaultPermissionsMounts = true;
    p.invalidAttrs = true; // known findings stay exercised (traces/corpus/findings)
    p.sharedBackingReplies = true;
    if (mode == ServerMode.WELL_BEHAVED) {
      p.set(Action.POLICY_OTHER, 0);
    }
    p.threads = 3;
    return p;
  }

  /**
   * The base profile for runs on a real kernel ({@code fusesim kernel fuzz}): the same alphabet
   * without {@code tick}, which a real kernel can only replay by sleeping (seconds per step), and
   * without mknod, symlink, link, readlink and readdirplus mounts, whose kinds of disagreement are
   * not all written up yet (kernel/README.md); {@link #forKernelEntryOps} has them. With
   * default_permissions mounts and the INIT-flag mount options ({@link #initFlagMounts}; issue 12
   * item 4). With those at
   * weight 0 and no readdirplus draw, a seed generates exactly the sequence it generated before
   * they were added. fsync/fdatasync ({@code SYNC}, issue 12) are in: the kinds they showed on
   * KernelFuzzTest's seed were triaged (the server's own open for {@code backing_open mount:P}
   * and fsync's inode lock fixed in the model, two written up), so a seed's sequence is not the
   * one it was before SYNC existed.
   */
  public static Profile forKernel(ServerMode mode) {
    Profile p = forKernelEntryOps(mode).set(Action.MKNOD, 0).set(Action.SYMLINK, 0)
        .set(Action.LINK, 0).set(Action.READLINK, 0);
    p.readdirplusMounts = false;
    p.initFlagMounts = true;
    return p;
  }

  /** {@link #forKernel} with mknod, symlink, link, readlink, readdirplus and default_permissions mounts ({@code --entry-ops}). */
  public static Profile forKernelEntryOps(ServerMode mode) {
    // preadv/pwritev and utimensat/futimens (issue 12): check's base profile only for now; the
    // kernel fuzz profile (and KernelFuzzTest's fixed seed) draws as before they existed
    Profile p = base(mode).set(Action.TICK, 0).set(Action.VECTOR, 0).set(Action.UTIMES, 0);
    p.invalidAttrs = false; // the kernel fuzzer's seeds generate what they generated before
    p.sharedBackingReplies = false;
    return p;
  }

  /**
   * A base profile leaning towards the actions {@code f} needs: its catalog entry's
   * {@link FaultCatalog.Lean}. Entry creation (mknod, symlink,
   * link, readlink) and readdirplus mounts reach none of the planted faults' states, so a fault
   * campaign leaves them out and draws as it did before they existed (its counterexamples stay
   * the ones FaultsTest bounds).
   */
  public static Profile forFault(ServerMode mode, Fault f) {
    Profile p = base(mode).set(Action.MKNOD, 0).set(Action.SYMLINK, 0).set(Action.LINK, 0)
        .set(Action.READLINK, 0).set(Action.SYNC, 0) // FSYNC reaches no planted fault's state
        .set(Action.VECTOR, 0).set(Action.UTIMES, 0); // nor do they: fault campaigns draw as before
    p.readdirplusMounts = false;
    p.defaultPermissionsMounts = false;
    p.invalidAttrs = false; // not a fault's state: a fault campaign draws as before
    p.sharedBackingReplies = false;
    switch (FaultCatalog.of(f).lean()) {
      case HELD_DIRECT_WRITE:
        // a parallel direct write held in flight, then a cached open or a shared mmap
        p.set(Action.HOLD, 10).set(Action.WRITE, 12).set(Action.POLICY_OPEN, 10).set(Action.MMAP, 8)
            .set(Action.CRASH, 0).set(Action.SETATTR, 0).set(Action.STAT, 1).set(Action.GETDENTS, 0)
            .set(Action.OPEN_DIR, 0);
        break;
      case REVALIDATION:
        p.set(Action.REPLACE_LOWER, 8).set(Action.TICK, 8).set(Action.POLICY_LOOKUP, 8)
            .set(Action.STAT, 12).set(Action.CRASH, 0).set(Action.HOLD, 1);
        break;
      case EVICTION:
        p.set(Action.STAT, 12).set(Action.EVICT, 8).set(Action.DROP_CACHES, 4).set(Action.TICK, 4)
            .set(Action.CRASH, 0).set(Action.HOLD, 1);
        break;
      case BACKING_CLOSE:
        p.set(Action.BACKING_CLOSE, 8).set(Action.BACKING_OPEN, 6).set(Action.CRASH, 0);
        break;
      case BASE:
        p.set(Action.CRASH, 0);
        break;
    }
    return p;
  }
}
