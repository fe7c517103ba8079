package fusesim.explore;

import fusesim.explore.IoCore.Effect;
import fusesim.explore.IoCore.Kind;
import fusesim.explore.IoCore.World;
import fusesim.model.Fault;
import java.util.Set;

/**
 * The io-mode core's transitions: the kernel code each action runs on a full {@link World},
 * function by function as fs/fuse/iomode.c, fs/fuse/backing.c, fs/fuse/passthrough.c and the
 * open/release paths of fs/fuse/file.c have it (and as the model's {@code fuse.Iomode},
 * {@code Backing}, {@code Passthrough} and {@code fuse.File} do), with the planted faults of
 * {@link Fault} that touch them.
 */
final class CoreKernel {
  private final IoCore core;
  private final int backings;
  private final int opens;
  private final int threads;
  private final boolean dio;
  private final boolean cachedOpenIgnoresBacking;
  private final boolean uncachedIoEndLeaksFb;
  private final boolean backingCloseDoublePut;
  private final boolean releaseSkipsIoRelease;
  private final boolean cacheWaitIgnoresDio;

  CoreKernel(IoCore core, Set<Fault> faults) {
    this.core = core;
    this.backings = core.backings;
    this.opens = core.opens;
    this.threads = core.threads;
    this.dio = core.dio;
    this.cachedOpenIgnoresBacking = faults.contains(Fault.CACHED_OPEN_IGNORES_BACKING);
    this.uncachedIoEndLeaksFb = faults.contains(Fault.UNCACHED_IO_END_LEAKS_FB);
    this.backingCloseDoublePut = faults.contains(Fault.BACKING_CLOSE_DOUBLE_PUT);
    this.releaseSkipsIoRelease = faults.contains(Fault.RELEASE_SKIPS_IO_RELEASE);
    this.cacheWaitIgnoresDio = faults.contains(Fault.CACHE_WAIT_IGNORES_DIO);
  }

  /** Runs the action's kernel code; DISABLED if its precondition does not hold, else 0. */
  int transition(World w, int action, Effect e) {
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
        return IoCore.DISABLED;
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
        return IoCore.DISABLED;
      }
      devIocBackingClose(w, slot);
      if (e != null) {
        e.slot = slot;
      }
      return 0;
    }
    int i = core.inodeOf(action);
    int open = w.c[i] + w.p[i] + w.n[i] + w.w[i] + w.q[i];
    Kind k = core.kind(action);
    switch (k) {
      case OPEN_CACHED:
      case OPEN_PASSTHROUGH:
      case OPEN_DIO: {
        if (!idle || open >= opens || (k == Kind.OPEN_DIO && !dio)) {
          return IoCore.DISABLED;
        }
        int slot = core.slotOf(action);
        if (slot >= 0 && !w.reg[slot]) {
          return IoCore.DISABLED; // a well-behaved server names a registered id
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
          return IoCore.DISABLED;
        }
        w.c[i]--; // close() → fput() → fuse_release() → fuse_file_put() → fuse_file_io_release()
        if (!releaseSkipsIoRelease) {
          fuseFileCachedIoRelease(w, i);
        }
        return 0;
      case CLOSE_PASSTHROUGH:
        if (!idle || w.p[i] == 0) {
          return IoCore.DISABLED;
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
          return IoCore.DISABLED;
        }
        w.n[i]--; // fuse_file_io_release(): IOM_NONE, nothing to undo
        return 0;
      case DIO_WRITE:
        // only parallel writes: fuse_dio_wr_exclusive_lock() false (no FUSE_I_CACHE_IO_MODE, within
        // i_size, no O_APPEND) and fuse_inode_uncached_io_start() succeeding (iocachectr <= 0)
        if (!dio || !idle || w.n[i] == 0 || w.bit[i] || w.ctr[i] > 0) {
          return IoCore.DISABLED;
        }
        w.n[i]--;
        w.w[i]++;
        w.blocked++;
        fuseInodeUncachedIoStart(w, i, -1);
        return 0;
      case WRITE_REPLY: {
        if (w.w[i] == 0) {
          return IoCore.DISABLED;
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
}
