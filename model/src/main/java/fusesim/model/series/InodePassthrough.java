package fusesim.model.series;

import static fusesim.model.series.Assumption.ATTACH_ERRNO;
import static fusesim.model.series.Assumption.CONFLICTING_BACKING;
import static fusesim.model.series.Assumption.INHERIT_WITHOUT_LIFETIME;
import static fusesim.model.series.Assumption.INO_RULE;
import static fusesim.model.series.Assumption.INO_RULE_SCOPE;
import static fusesim.model.series.Assumption.LIFETIME_NEEDS_GETATTR;
import static fusesim.model.series.Assumption.V1_CACHED_MIXING;
import static fusesim.model.series.Assumption.ZERO_OPS_MASK;

import fusesim.model.Errno;
import fusesim.model.Fault;
import fusesim.model.Kernel;
import fusesim.model.Lower;
import fusesim.model.Mirrors;
import fusesim.model.SysResult;
import fusesim.model.fuse.Dir;
import fusesim.model.fuse.FuseAttr;
import fusesim.model.fuse.FuseBacking;
import fusesim.model.fuse.FuseFile;
import fusesim.model.fuse.FuseInode;
import fusesim.model.fuse.Iomode;
import fusesim.model.fuse.Passthrough;

/**
 * The series' inode passthrough: ops masks, the lifetime backing attached to an inode at lookup
 * and released at eviction, and the ino rule. The functions live in fs/fuse/passthrough.c and
 * fs/fuse/iomode.c of the series; their code was not seen (traces/corpus/v2/README.md, evidence), so names follow Amir's
 * branch where it was quoted (S11) and every inferred choice is an {@link Assumption}.
 */
public final class InodePassthrough {
  /** FUSE_PASSTHROUGH_OP(op) = 1 << (op - 1) (include/uapi/linux/fuse.h, SEEN-libfuse). */
  public static final long OP_GETATTR = 1L << 2, OP_SETATTR = 1L << 3, OP_OPEN = 1L << 13,
      OP_READ = 1L << 14, OP_WRITE = 1L << 15, OP_READDIR = 1L << 27, OP_STATX = 1L << 51;
  /** FUSE_PASSTHROUGH_RW_OPS: "implied by FOPEN_PASSTHROUGH" (SEEN-pre S9). */
  public static final long RW_OPS = OP_READ | OP_WRITE;
  /** FUSE_PASSTHROUGH_DIR_OPS (SEEN-pre S11). */
  public static final long DIR_OPS = OP_READDIR;
  /** FUSE_PASSTHROUGH_INODE_OPS in the series: GETATTR covers statx (v1 cover letter). */
  public static final long INODE_OPS = OP_GETATTR | OP_SETATTR;

  private static final String PT = "fs/fuse/passthrough.c:";
  private final Kernel k;

  public InodePassthrough(Kernel k) {
    this.k = k;
  }

  /** FUSE_BACKING_MAP_VALID_OPS: v2 drops OP_OPEN and OP_STATX (INF); v1 keeps OP_OPEN. */
  public long validOps() {
    long valid = RW_OPS | INODE_OPS;
    if (k.sem.has(3)) {
      valid |= DIR_OPS;
    }
    if (k.sem.kernelOpen()) {
      valid |= OP_OPEN;
    }
    return valid;
  }

  /**
   * The ops a backing grants (v2 08/21): a zero mask is the legacy implied set (A3), before 08 it is
   * what the server wrote.
   */
  @Mirrors(fn = "fuse_backing_open (ops_mask == 0)", file = "fs/fuse/backing.c", patches = {8},
      doc = "A zero ops_mask (every pre-series server) grants the legacy read/write set (A3).")
  public long effectiveOps(FuseBacking fb) {
    if (fb.opsMask == 0 && k.sem.has(8)) {
      return k.sem.is(ZERO_OPS_MASK, "rw-ops") ? RW_OPS : 0;
    }
    return fb.opsMask;
  }

  /**
   * Whether io of this direction on a passthrough open goes to the backing file (v2 09/21): the
   * backing must grant the op; otherwise it goes to the server as direct io (the inode is
   * uncached). Before 09 a passthrough open passes both directions through.
   */
  @Mirrors(fn = "fuse_file_read_iter/fuse_file_write_iter (partial io)", file = "fs/fuse/file.c",
      patches = {9}, doc = "read/write pass through only if the backing grants READ/WRITE; the other "
          + "direction goes to the server as direct io.")
  public boolean passesThrough(FuseFile ff, long op) {
    return ff.passthrough != null && (!k.sem.has(9) || (ff.passthroughOps & op) != 0);
  }

  /** fuse_inode_passthrough(fi): the lifetime backing, or null (v2 02/21, SEEN-pre). */
  @Mirrors(fn = "fuse_inode_passthrough", file = "fs/fuse/fuse_i.h", patches = {2, 5},
      doc = "The inode's lifetime backing (FUSE_I_PASSTHROUGH set), never an open-time fi->fb.")
  public FuseBacking fuseInodePassthrough(FuseInode fi) {
    return fi.test(FuseInode.FUSE_I_PASSTHROUGH) ? fi.fb : null;
  }

  /** fuse_inode_passthrough_op(inode, op): a lifetime backing granting op (v2 02/21). */
  @Mirrors(fn = "fuse_inode_passthrough_op", file = "fs/fuse/fuse_i.h", patches = {2},
      doc = "True iff the inode has a lifetime backing whose ops_mask has the op.")
  public boolean fuseInodePassthroughOp(FuseInode fi, long op) {
    FuseBacking fb = fuseInodePassthrough(fi);
    return fb != null && (effectiveOps(fb) & op) != 0;
  }

  /**
   * The ino rule of v2 01/21 in fuse_inode_uncached_io_start(inode, fb): under
   * FUSE_PASSTHROUGH_INO the backing inode number must match the fuse inode's (A1), for every
   * backing or only lifetime ones (A2). Returns 0 or -EIO (the errno is not known; §6 q1).
   */
  @Mirrors(fn = "fuse_inode_uncached_io_start (ino check)", file = "fs/fuse/iomode.c",
      patches = {1}, doc = "Under FUSE_PASSTHROUGH_INO the backing's i_ino must equal the fuse "
          + "inode's number (A1: attr.ino, nodeid or both; A2: every backing or lifetime only).")
  public int inoCheck(FuseInode fi, FuseBacking fb, boolean lifetime) {
    if (!k.sem.has(1) || !k.fc.passthroughIno || fb == null || k.faults.on(Fault.INO_CHECK_SKIPPED)) {
      return 0;
    }
    if (!lifetime && k.sem.is(INO_RULE_SCOPE, "lookup-only")) {
      return 0;
    }
    long backingIno = fb.file.ino;
    boolean ok;
    if (k.sem.is(INO_RULE, "nodeid")) {
      ok = backingIno == fi.nodeid;
    } else if (k.sem.is(INO_RULE, "both")) {
      ok = backingIno == fi.nodeid && backingIno == fi.attr.ino();
    } else {
      ok = backingIno == fi.attr.ino();
    }
    return ok ? 0 : -Errno.EIO.value;
  }

  /**
   * The attach helper of v2 07/21, used by lookup (13), entry creation (14), create (15) and
   * revalidation (11, A8). After Amir's branch as quoted in S11: a no-op without
   * FUSE_PASSTHROUGH_INO or when the inode already has a lifetime backing (set once, A7); EINVAL for
   * an id <= 0, ENOENT for an unknown id, EOPNOTSUPP without GETATTR (A6); then
   * fuse_inode_uncached_io_start(), which also checks the ino rule, EBUSY for another fb and
   * ETXTBSY for an inode in cached io mode; on success the inode owns the lookup's reference and is
   * marked FUSE_I_PASSTHROUGH. Returns 0 or -errno (the caller applies A5/A4).
   */
  @Mirrors(fn = "fuse_inode_set_passthrough (name INF)", file = "fs/fuse/passthrough.c",
      patches = {5, 7}, doc = "Attach a lifetime backing by id: set once, GETATTR required (A6), "
          + "enters uncached io mode for the inode's lifetime.")
  public int attachLifetimeBacking(FuseInode fi, int backingId) {
    if (!k.sem.has(7) || !k.fc.passthroughIno || backingId == 0) {
      return 0;
    }
    if (backingId < 0) {
      return -Errno.EINVAL.value;
    }
    FuseBacking fb = k.backing.fuseBackingLookup(backingId);
    if (fb == null) {
      return -Errno.ENOENT.value;
    }
    FuseBacking cur = fuseInodePassthrough(fi);
    if (cur != null && cur != fb && k.faults.on(Fault.CONFLICTING_BACKING_REPLACES)) {
      fi.fb = fb; // the planted fault: set twice
      return 0;
    }
    if (cur != null) {
      if (!(cur == fb && k.faults.on(Fault.ATTACH_SAME_BACKING_LEAKS_REF))) {
        k.backing.fuseBackingPut(fb);
      }
      if (cur == fb || k.sem.is(CONFLICTING_BACKING, "keep-first")) {
        return 0; // "backing inode is set once for the lifetime of the inode"
      }
      return -Errno.EBUSY.value;
    }
    if ((effectiveOps(fb) & OP_GETATTR) == 0 && k.sem.is(LIFETIME_NEEDS_GETATTR, "require-getattr")) {
      k.backing.fuseBackingPut(fb);
      return -Errno.EOPNOTSUPP.value;
    }
    int err = inoCheck(fi, fb, true);
    if (err == 0 && mixed()) {
      err = attachMixed(fi, fb);
      if (err == 0) {
        fb = null; // the inode owns the reference (or it was put)
      }
    } else if (err == 0) {
      err = uncachedIoStartForLifetime(fi, fb);
      if (err == 0) {
        fi.set(FuseInode.FUSE_I_PASSTHROUGH);
      }
    }
    if (err != 0) {
      k.backing.fuseBackingPut(fb);
      return err;
    }
    if (fi.lifetimeFb == null) {
      fi.lifetimeFb = fi.fb;
    }
    return 0;
  }

  /** fuse_inode_uncached_io_start() for the attach, with the planted faults of the series. */
  private int uncachedIoStartForLifetime(FuseInode fi, FuseBacking fb) {
    if (k.faults.on(Fault.ATTACH_BORROWS_IDR_REF)) {
      k.backing.fuseBackingPut(fb); // the planted fault: the lookup's reference is dropped early
    }
    if (k.faults.on(Fault.ATTACH_TAKES_NO_IO_REF) || k.faults.on(Fault.ATTACH_IGNORES_CACHED_OPENS)
        && fi.iocachectr > 0) {
      if (fi.fb != null && fi.fb != fb) {
        return -Errno.EBUSY.value;
      }
      if (fi.fb == null) {
        fi.fb = fb; // stored without the io-mode reference (or over cached opens)
      } else {
        k.backing.fuseBackingPut(fb);
      }
      if (k.faults.on(Fault.ATTACH_IGNORES_CACHED_OPENS) && !k.faults.on(Fault.ATTACH_TAKES_NO_IO_REF)) {
        fi.iocachectr--;
      }
      return 0;
    }
    return k.iomode.fuseInodeUncachedIoStart(fi, fb);
  }

  /**
   * v1 (A17 = mixed): the backing is attached without entering uncached io mode, so cached opens
   * remain possible while no passthrough open exists.
   */
  private int attachMixed(FuseInode fi, FuseBacking fb) {
    if (fi.fb != null && fi.fb != fb) {
      return -Errno.EBUSY.value;
    }
    if (fi.fb == fb) {
      k.backing.fuseBackingPut(fb); // already attached by a passthrough open: drop the extra ref
    } else {
      fi.fb = fb;
    }
    fi.set(FuseInode.FUSE_I_PASSTHROUGH);
    return 0;
  }

  /** v1 with A17 = mixed: a lifetime backing does not make the inode uncached. */
  public boolean mixed() {
    return k.sem.series == Semantics.Series.V1 && k.sem.is(V1_CACHED_MIXING, "mixed");
  }

  /**
   * v1's kernel-initiated open: a regular file whose lifetime backing grants OP_OPEN is opened on
   * the backing by the kernel, as FOPEN_PASSTHROUGH with the lifetime backing, without FUSE_OPEN
   * (v1 docs: "kernel-initiated open (bypassing FUSE_OPEN)"). Returns true if it applies.
   */
  @Mirrors(fn = "fuse_open (v1 kernel-initiated open)", file = "fs/fuse/file.c",
      doc = "v1 only: an inode whose lifetime backing grants OPEN is opened without FUSE_OPEN (A16).")
  public boolean kernelOpen(FuseFile ff) {
    if (!k.sem.kernelOpen() || !fuseInodePassthroughOp(ff.inode, OP_OPEN)) {
      return false;
    }
    ff.kernelOpened = true;
    ff.openFlags = Iomode.FOPEN_PASSTHROUGH;
    ff.openBackingId = 0;
    return true;
  }

  /** The error an attach failure gives the user when the lookup fails (A4). */
  public int attachErrno(int err) {
    return k.sem.is(ATTACH_ERRNO, "eio") ? -Errno.EIO.value : err;
  }

  /**
   * Release of the lifetime backing at eviction (v2 05/21): the inode's own uncached-io reference
   * goes, so iocachectr returns to 0 and fi->fb is put (fuse_inode_uncached_io_end).
   */
  @Mirrors(fn = "fuse_evict_inode (lifetime backing)", file = "fs/fuse/inode.c", patches = {5},
      doc = "The inode's uncached-io reference is dropped at eviction; the lifetime fb is put once.")
  public void releaseLifetimeBacking(FuseInode fi) {
    if (!fi.test(FuseInode.FUSE_I_PASSTHROUGH) || k.faults.on(Fault.EVICT_KEEPS_LIFETIME_BACKING)) {
      return;
    }
    fi.clear(FuseInode.FUSE_I_PASSTHROUGH);
    if (mixed()) {
      if (fi.iocachectr == 0) {
        FuseBacking fb = fi.fb;
        fi.fb = null;
        k.backing.fuseBackingPut(fb);
      }
      return;
    }
    if (fi.iocachectr >= 0) {
      k.warnOn(true, PT + "fuse_evict_inode", "WARN_ON(fi->iocachectr >= 0) with a lifetime backing");
      return;
    }
    k.iomode.fuseInodeUncachedIoEnd(fi);
  }

  /**
   * FOPEN_PASSTHROUGH with backing_id 0 (v2 16/21): the open inherits the inode's lifetime
   * backing, with a reference of its own; without one ENOENT (A11). Returns the fb or null.
   */
  @Mirrors(fn = "fuse_passthrough_open (backing_id == 0)", file = "fs/fuse/passthrough.c",
      patches = {16}, doc = "backing_id 0 inherits the inode's lifetime backing; none is ENOENT (A11).")
  public FuseBacking inherit(FuseInode fi) {
    FuseBacking fb = fuseInodePassthrough(fi);
    if (fb == null && k.sem.is(INHERIT_WITHOUT_LIFETIME, "open-time-fb")) {
      fb = fi.fb;
    }
    return k.backing.fuseBackingGet(fb);
  }

  /**
   * vfs_getattr() of the backing under fb->cred, converted by fuse_kstat_to_attr() (v2 06/21): the
   * backing inode's attributes, with the fuse inode's own file type.
   */
  @Mirrors(fn = "fuse_passthrough_getattr", file = "fs/fuse/passthrough.c", patches = {6},
      doc = "getattr/statx of an inode whose lifetime backing grants GETATTR reads the backing "
          + "inode; no FUSE_GETATTR is sent.")
  public FuseAttr passthroughGetattr(FuseInode fi) {
    Lower.Node n = fi.fb.file;
    FuseAttr a = FuseAttr.of(n);
    return a.withMode((fi.attr.mode() & Lower.S_IFMT) | (n.mode & 07777));
  }

  /**
   * fuse_passthrough_readdir() (v2 04/21; the 2023 predecessor, SEEN-pre S15): iterate_dir() of
   * the backing directory under fb->cred from the file's position to the end, then
   * fuse_file_accessed(). Names come from the backing file system; no inode is instantiated.
   */
  @Mirrors(fn = "fuse_passthrough_readdir", file = "fs/fuse/passthrough.c", patches = {4},
      doc = "getdents of a directory opened with a READDIR backing iterates the backing directory; "
          + "no FUSE_READDIR is sent and FOPEN_CACHE_DIR is ignored.")
  public SysResult passthroughReaddir(FuseFile ff) {
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(".", ".."));
    all.addAll(ff.passthrough.children.keySet());
    int from = (int) Math.min(ff.dirPos, all.size());
    java.util.List<String> names = java.util.List.copyOf(all.subList(from, all.size()));
    ff.dirPos = all.size();
    ff.inode.invalMask |= Dir.STATX_ATIME;
    return new SysResult(names.size(), java.util.Map.of(), names, null);
  }

  /** Whether directory opens honour FOPEN_PASSTHROUGH (v2 03/21, gated per A18). */
  public boolean dirPassthrough() {
    return k.sem.has(3) && (k.fc.passthroughIno
        || k.sem.is(Assumption.DIR_PASSTHROUGH_GATE, "passthrough"));
  }

  /**
   * fuse_dir_open() with FOPEN_PASSTHROUGH (v2 03/21): a backing_file_open() of the backing
   * directory for this open (backing_id 0 inherits the lifetime backing, 16/21); FOPEN_CACHE_DIR is
   * cleared. The lookup's fb reference is put: the per-open backing file keeps the file. Returns 0
   * or -errno (EIO to the user).
   */
  @Mirrors(fn = "fuse_dir_open (FOPEN_PASSTHROUGH)", file = "fs/fuse/dir.c", patches = {3},
      doc = "A directory open answered FOPEN_PASSTHROUGH opens the backing directory for this file; "
          + "FOPEN_CACHE_DIR is ignored.")
  public int dirPassthroughOpen(FuseFile ff) {
    if (!k.fc.passthrough) {
      return -Errno.EINVAL.value;
    }
    Passthrough.Opened p = k.passthrough.fusePassthroughOpen(ff, ff.openBackingId);
    if (p.err() != 0) {
      return p.err();
    }
    if (!p.fb().file.isDir()) {
      k.passthrough.fusePassthroughRelease(ff);
      k.backing.fuseBackingPut(p.fb());
      return -Errno.ENOTDIR.value;
    }
    ff.openFlags &= ~Iomode.FOPEN_CACHE_DIR;
    k.backing.fuseBackingPut(p.fb());
    return 0;
  }

  /**
   * Where the attributes of an inode come from (v2 06/21, A10): with a lifetime backing granting
   * GETATTR the server's attributes are ignored and copied from the backing inode instead. Returns
   * true if it did so (the caller then applies nothing from the reply).
   */
  @Mirrors(fn = "fuse_change_attributes (lifetime GETATTR backing)", file = "fs/fuse/inode.c",
      patches = {6}, doc = "Attributes of an inode whose lifetime backing grants GETATTR come from "
          + "the backing inode, never from a server reply (A10).")
  public boolean attrsFromBacking(FuseInode fi) {
    if (!k.sem.has(6) || !fuseInodePassthroughOp(fi, OP_GETATTR)
        || !k.sem.is(Assumption.LOOKUP_ATTRS_SOURCE, "backing")) {
      return false;
    }
    BackingInode.copyattr(k, fi);
    return true;
  }

}
