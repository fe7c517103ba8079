package fusesim.explore;

import static fusesim.explore.IoCore.BACKING_NO_UAF;
import static fusesim.explore.IoCore.BACKING_REFCOUNT;
import static fusesim.explore.IoCore.CACHE_IO_MODE_BIT;
import static fusesim.explore.IoCore.IOCACHECTR;
import static fusesim.explore.IoCore.IOMODE_EXCL;
import static fusesim.explore.IoCore.NO_KERNEL_WARN;

import fusesim.explore.IoCore.Effect;
import fusesim.explore.IoCore.World;

/**
 * The io-mode core's invariants (IOMODE-EXCL, IOCACHECTR, CACHE-IO-MODE-BIT, BACKING-REFCOUNT,
 * BACKING-NO-UAF, NO-KERNEL-WARN), computed on a full {@link World} after each transition, as
 * {@code invariants/} checks them on the full model.
 */
final class CoreInvariants {
  private final int inodes;
  private final int backings;

  CoreInvariants(int inodes, int backings) {
    this.inodes = inodes;
    this.backings = backings;
  }

  /**
   * The first broken invariant (index in {@link IoCore#INVARIANTS}) or {@link IoCore#OK}. {@code only} is the
   * one inode that may have changed (the others satisfy the per-inode invariants already), -1
   * when no inode changed, -2 to check them all.
   */
  int check(World w, int only, Effect e) {
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
    return IoCore.OK;
  }

  private static int fail(Effect e, int inv, String detail) {
    if (e != null) {
      e.detail = detail;
    }
    return inv;
  }
}
