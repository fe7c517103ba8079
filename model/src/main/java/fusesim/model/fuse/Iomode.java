package fusesim.model.fuse;

import fusesim.model.Errno;
import fusesim.model.Fault;
import fusesim.model.Kernel;
import fusesim.model.Mirrors;
import fusesim.model.WaitQueue;
import fusesim.model.fuse.FuseFile.IoMode;

/**
 * fs/fuse/iomode.c: the inode io modes. {@code fi->iocachectr} counts cached opens (> 0) or
 * uncached users (< 0: passthrough opens and parallel direct writes in flight); the inode holds
 * one reference to its fuse_backing while passthrough users exist.
 */
public final class Iomode {
  private static final String C = "fs/fuse/iomode.c:";
  /** Returned by {@link #fuseFileCachedIoOpen} when the caller must sleep on direct_io_waitq. */
  public static final int WAIT = 1;

  public static final int FOPEN_DIRECT_IO = 1;
  public static final int FOPEN_KEEP_CACHE = 1 << 1;
  public static final int FOPEN_NONSEEKABLE = 1 << 2;
  public static final int FOPEN_CACHE_DIR = 1 << 3;
  public static final int FOPEN_STREAM = 1 << 4;
  public static final int FOPEN_NOFLUSH = 1 << 5;
  public static final int FOPEN_PARALLEL_DIRECT_WRITES = 1 << 6;
  public static final int FOPEN_PASSTHROUGH = 1 << 7;
  /** FOPEN_PASSTHROUGH_MASK (fs/fuse/iomode.c): the flags allowed together with PASSTHROUGH. */
  public static final int FOPEN_PASSTHROUGH_MASK =
      FOPEN_PASSTHROUGH | FOPEN_DIRECT_IO | FOPEN_PARALLEL_DIRECT_WRITES | FOPEN_NOFLUSH;

  private final Kernel k;

  public Iomode(Kernel k) {
    this.k = k;
  }

  /** fuse_is_io_cache_wait(): parallel dio writers, not passthrough users, hold the inode. */
  @Mirrors(fn = "fuse_is_io_cache_wait", file = "fs/fuse/iomode.c",
      doc = "Parallel direct writers (iocachectr < 0 without fb) make a cached opener wait.")
  public boolean fuseIsIoCacheWait(FuseInode fi) {
    if (k.faults.on(Fault.CACHE_WAIT_IGNORES_DIO)) {
      return false;
    }
    return fi.iocachectr < 0 && fi.fb == null;
  }

  /**
   * fuse_file_cached_io_open(): enter cached io mode. Returns 0, -ETXTBSY, or {@link #WAIT}: the
   * caller sleeps on direct_io_waitq and calls again (the kernel's wait_event loop).
   */
  @Mirrors(fn = "fuse_file_cached_io_open", file = "fs/fuse/iomode.c",
      doc = "Enter cached io mode: wait for parallel direct writes, ETXTBSY with a backing, else "
          + "iocachectr++.")
  public int fuseFileCachedIoOpen(FuseInode fi, FuseFile ff) {
    if (!ff.hasArgs) {
      return 0;
    }
    if (fuseIsIoCacheWait(fi)) {
      fi.set(FuseInode.FUSE_I_CACHE_IO_MODE); // advises new dio writes to take the exclusive lock
      return WAIT;
    }
    if (hasUncachedBacking(fi) && !k.faults.on(Fault.CACHED_OPEN_IGNORES_BACKING)) {
      fi.clear(FuseInode.FUSE_I_CACHE_IO_MODE);
      return -Errno.ETXTBSY.value;
    }
    k.warnOn(ff.iomode == IoMode.IOM_UNCACHED, C + "fuse_file_cached_io_open",
        "WARN_ON(ff->iomode == IOM_UNCACHED)");
    if (ff.iomode == IoMode.IOM_NONE) {
      ff.iomode = IoMode.IOM_CACHED;
      if (fi.iocachectr == 0) {
        fi.set(FuseInode.FUSE_I_CACHE_IO_MODE);
      }
      fi.iocachectr++;
    }
    return 0;
  }

  /**
   * fuse_inode_backing(fi) != NULL as the cached-open checks use it. In v1 with A17 = mixed a
   * lifetime backing alone does not count (only passthrough opens make the inode uncached).
   */
  @Mirrors(fn = "fuse_inode_backing (cached-open check)", file = "fs/fuse/iomode.c",
      doc = "An attached backing refuses cached opens; v1 with A17 = mixed ignores a lifetime "
          + "backing alone.")
  private boolean hasUncachedBacking(FuseInode fi) {
    if (fi.fb == null) {
      return false;
    }
    if (k.faults.on(Fault.LIFETIME_ALLOWS_CACHED_OPEN) && fi.test(FuseInode.FUSE_I_PASSTHROUGH)) {
      return false; // the planted fault: a lifetime backing does not count
    }
    return !(k.inodePt.mixed() && fi.test(FuseInode.FUSE_I_PASSTHROUGH) && fi.iocachectr >= 0);
  }

  /** fuse_file_cached_io_release(). */
  @Mirrors(fn = "fuse_file_cached_io_release", file = "fs/fuse/iomode.c",
      doc = "iocachectr--; clear FUSE_I_CACHE_IO_MODE at zero.")
  void fuseFileCachedIoRelease(FuseFile ff, FuseInode fi) {
    String site = C + "fuse_file_cached_io_release";
    k.warnOn(fi.iocachectr <= 0, site, "WARN_ON(fi->iocachectr <= 0)");
    k.warnOn(ff.iomode != IoMode.IOM_CACHED, site, "WARN_ON(ff->iomode != IOM_CACHED)");
    ff.iomode = IoMode.IOM_NONE;
    fi.iocachectr--;
    if (fi.iocachectr == 0) {
      fi.clear(FuseInode.FUSE_I_CACHE_IO_MODE);
    }
  }

  /**
   * fuse_inode_uncached_io_start(fi, fb): a passthrough open passes its fb (whose reference moves
   * to the inode or is dropped); a parallel direct write passes null.
   */
  @Mirrors(fn = "fuse_inode_uncached_io_start", file = "fs/fuse/iomode.c", patches = {1},
      doc = "Enter uncached io mode: EBUSY for a different fb, ETXTBSY in cached mode, then "
          + "iocachectr--; the first fb is kept by the inode. v2 01: takes the inode, checks the ino rule.")
  public int fuseInodeUncachedIoStart(FuseInode fi, FuseBacking fb) {
    int ino = k.inodePt.inoCheck(fi, fb, false);
    if (ino != 0) {
      return ino; // v2 01/21: backing inode number != fuse inode number
    }
    FuseBacking oldfb = fi.fb;
    if (fb != null && oldfb != null && oldfb != fb) {
      return -Errno.EBUSY.value; // a different backing file is attached
    }
    if (fi.iocachectr > 0) {
      return -Errno.ETXTBSY.value; // the inode is in cached io mode
    }
    fi.iocachectr--;
    if (fb != null && oldfb == null) {
      oldfb = fi.fb;
      fi.fb = fb; // fuse_inode_backing_set(): the inode owns the caller's reference
      k.warnOnOnce(oldfb != null, C + "fuse_inode_uncached_io_start", "WARN_ON_ONCE(oldfb != NULL)");
    } else {
      k.backing.fuseBackingPut(fb); // same fb: drop the caller's extra reference
    }
    return 0;
  }

  /** fuse_file_uncached_io_open(). */
  @Mirrors(fn = "fuse_file_uncached_io_open", file = "fs/fuse/iomode.c",
      doc = "fuse_inode_uncached_io_start, then ff->iomode = IOM_UNCACHED.")
  int fuseFileUncachedIoOpen(FuseInode fi, FuseFile ff, FuseBacking fb) {
    int err = fuseInodeUncachedIoStart(fi, fb);
    if (err != 0) {
      return err;
    }
    k.warnOn(ff.iomode != IoMode.IOM_NONE, C + "fuse_file_uncached_io_open",
        "WARN_ON(ff->iomode != IOM_NONE)");
    ff.iomode = IoMode.IOM_UNCACHED;
    return 0;
  }

  /**
   * fuse_inode_uncached_io_end(): the last uncached user leaves; wake cached openers waiting on
   * direct_io_waitq and drop the inode's backing reference.
   */
  @Mirrors(fn = "fuse_inode_uncached_io_end", file = "fs/fuse/iomode.c",
      doc = "iocachectr++; at zero wake direct_io_waitq and drop the inode's fb (not a lifetime "
          + "one).")
  public void fuseInodeUncachedIoEnd(FuseInode fi) {
    k.warnOn(fi.iocachectr >= 0, C + "fuse_inode_uncached_io_end", "WARN_ON(fi->iocachectr >= 0)");
    fi.iocachectr++;
    FuseBacking oldfb = null;
    if (fi.iocachectr == 0) {
      k.wakeUp(new WaitQueue(fi, WaitQueue.Kind.DIRECT_IO_WAITQ));
      if (!fi.test(FuseInode.FUSE_I_PASSTHROUGH)) { // v1 (A17 mixed): the lifetime fb stays
        oldfb = fi.fb;
        fi.fb = null;
      }
    }
    if (!k.faults.on(Fault.UNCACHED_IO_END_LEAKS_FB)) {
      k.backing.fuseBackingPut(oldfb);
    }
  }

  /** fuse_file_uncached_io_release(). */
  @Mirrors(fn = "fuse_file_uncached_io_release", file = "fs/fuse/iomode.c",
      doc = "ff->iomode = IOM_NONE, then fuse_inode_uncached_io_end.")
  void fuseFileUncachedIoRelease(FuseFile ff, FuseInode fi) {
    k.warnOn(ff.iomode != IoMode.IOM_UNCACHED, C + "fuse_file_uncached_io_release",
        "WARN_ON(ff->iomode != IOM_UNCACHED)");
    ff.iomode = IoMode.IOM_NONE;
    fuseInodeUncachedIoEnd(fi);
  }

  /**
   * fuse_file_passthrough_open(): look up the backing id of the OPEN reply, open the per-file
   * backing file, and enter uncached io mode.
   */
  @Mirrors(fn = "fuse_file_passthrough_open", file = "fs/fuse/iomode.c",
      doc = "EINVAL without passthrough or with flags outside FOPEN_PASSTHROUGH_MASK; backing "
          + "lookup; uncached io open.")
  private int fuseFilePassthroughOpen(FuseInode fi, FuseFile ff) {
    if (!k.fc.passthrough || (ff.openFlags & ~FOPEN_PASSTHROUGH_MASK) != 0) {
      if (!(k.faults.on(Fault.PASSTHROUGH_ACCEPTS_KEEP_CACHE) && k.fc.passthrough
          && (ff.openFlags & ~(FOPEN_PASSTHROUGH_MASK | FOPEN_KEEP_CACHE)) == 0)) {
        return -Errno.EINVAL.value;
      }
    }
    Passthrough.Opened p = k.passthrough.fusePassthroughOpen(ff, ff.openBackingId);
    if (p.err() != 0) {
      return p.err();
    }
    int err = fuseFileUncachedIoOpen(fi, ff, p.fb());
    if (err == 0) {
      return 0;
    }
    k.passthrough.fusePassthroughRelease(ff);
    k.backing.fuseBackingPut(p.fb());
    return err;
  }

  /**
   * fuse_file_io_open(): the io mode an open asks for. Every failure is EIO to the user ("Using
   * incorrect open mode is a server mistake"). May return {@link #WAIT}.
   */
  @Mirrors(fn = "fuse_file_io_open", file = "fs/fuse/iomode.c",
      doc = "The io mode an OPEN reply asks for; every failure is EIO to the user (\"a server "
          + "mistake\").")
  public int fuseFileIoOpen(FuseInode fi, FuseFile ff) {
    if (!ff.hasArgs) {
      return 0;
    }
    int err;
    if (hasUncachedBacking(fi) && (ff.openFlags & FOPEN_PASSTHROUGH) == 0
        && !k.faults.on(Fault.CACHED_OPEN_IGNORES_BACKING)) {
      err = -Errno.EINVAL.value; // FOPEN_PASSTHROUGH expected for an inode open for passthrough
    } else {
      if ((ff.openFlags & FOPEN_DIRECT_IO) == 0) {
        ff.openFlags &= ~FOPEN_PARALLEL_DIRECT_WRITES;
      }
      if ((ff.openFlags & FOPEN_DIRECT_IO) != 0 && (ff.openFlags & FOPEN_PASSTHROUGH) == 0) {
        return 0; // direct io opens take no io mode
      }
      err = (ff.openFlags & FOPEN_PASSTHROUGH) != 0
          ? fuseFilePassthroughOpen(fi, ff)
          : fuseFileCachedIoOpen(fi, ff);
      if (err == WAIT || err == 0) {
        return err;
      }
    }
    k.note("failed to open file in requested io mode (open_flags=0x" + Integer.toHexString(ff.openFlags)
        + ", err=" + err + ")");
    return -Errno.EIO.value;
  }

  /** fuse_file_io_release(): called from fuse_file_put when the last reference goes. */
  @Mirrors(fn = "fuse_file_io_release", file = "fs/fuse/iomode.c",
      doc = "Release the file's cached or uncached io mode at its last reference.")
  public void fuseFileIoRelease(FuseFile ff, FuseInode fi) {
    if (k.faults.on(Fault.RELEASE_SKIPS_IO_RELEASE)) {
      return;
    }
    switch (ff.iomode) {
      case IOM_UNCACHED:
        fuseFileUncachedIoRelease(ff, fi);
        break;
      case IOM_CACHED:
        fuseFileCachedIoRelease(ff, fi);
        break;
      default:
        break;
    }
  }
}
