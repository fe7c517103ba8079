package fusesim.model.fuse;

import fusesim.model.Errno;
import fusesim.model.Fault;
import fusesim.model.Kernel;
import fusesim.model.Lower;
import fusesim.model.Mirrors;
import fusesim.model.series.Assumption;
import fusesim.model.series.InodePassthrough;
import java.util.ArrayList;
import java.util.Map;

/**
 * fs/fuse/backing.c (6.18) and the ioctl wrappers of fs/fuse/dev.c: backing ids, fuse_backing
 * refcounts, lookup by id, and teardown.
 */
public final class Backing {
  private static final String C = "fs/fuse/backing.c:";
  private final Kernel k;

  public Backing(Kernel k) {
    this.k = k;
  }

  /**
   * fuse_backing_open(fc, map), which the FUSE_DEV_IOC_BACKING_OPEN ioctl
   * (fuse_dev_ioctl_backing_open(), fs/fuse/dev.c: copy_from_user only) calls. Returns the new id
   * or -errno, in the kernel's order of checks: !fc->passthrough or !capable(CAP_SYS_ADMIN) EPERM;
   * map->flags or map->padding EINVAL; fget_raw(map->fd) EBADF; not a regular file EISDIR/EINVAL;
   * s_stack_depth >= max_stack_depth ELOOP; then idr_alloc_cyclic from 1 (each errno seen on 6.18.44).
   */
  @Mirrors(fn = "fuse_backing_open", file = "fs/fuse/backing.c", patches = {2},
      doc = "fuse_backing_open: EPERM, EINVAL (flags, padding; from 02 ops_mask), EBADF, file type, "
          + "ELOOP, then a new id.")
  public int devIocBackingOpen(BackingMap map, int callerUid) {
    FuseConn fc = k.fc;
    if (!fc.passthrough || callerUid != 0) {
      return -Errno.EPERM.value; // !fc->passthrough || !capable(CAP_SYS_ADMIN)
    }
    if (map.flags() != 0 || invalidOps(map.padding())) {
      return -Errno.EINVAL.value; // map->flags || map->padding (v2 02/21: ops_mask & ~VALID_OPS)
    }
    if (map.target() == BackingMap.Target.BAD_FD) {
      return -Errno.EBADF.value; // fget_raw(map->fd) failed
    }
    // A file on this FUSE mount: its sb has s_stack_depth = fc->max_stack_depth.
    int depth = map.target() == BackingMap.Target.ON_FUSE_MOUNT ? fc.maxStackDepth
        : map.node().stackDepth;
    if (map.target() == BackingMap.Target.LOWER) {
      int err = fileTypeCheck(map.node(), map.padding());
      if (err != 0) {
        return err;
      }
    }
    if (depth >= fc.maxStackDepth) {
      return -Errno.ELOOP.value; // backing_sb->s_stack_depth >= fc->max_stack_depth
    }
    FuseBacking fb = new FuseBacking(0, map.node(), callerUid);
    return fuseBackingIdAlloc(fb, map.node(), k.sem.has(2) ? map.padding() : 0);
  }

  /** The padding word, or from v2 02/21 the ops_mask checked against FUSE_BACKING_MAP_VALID_OPS. */
  private boolean invalidOps(long opsMask) {
    if (!k.sem.has(2)) {
      return opsMask != 0;
    }
    return (opsMask & ~k.inodePt.validOps()) != 0;
  }

  /**
   * Mainline: only regular files (EISDIR for a directory, EINVAL otherwise). v2 03/21 lets a
   * directory in for directory ops (READDIR); a directory with other ops, or a regular file with
   * READDIR, is refused or accepted per A13. A directory with mask 0 stays EISDIR.
   */
  @Mirrors(fn = "fuse_backing_open (file type)", file = "fs/fuse/backing.c", patches = {3},
      doc = "Regular files, and from 03 directories for READDIR only (A13 for mixed masks).")
  private int fileTypeCheck(Lower.Node node, long ops) {
    boolean mixedOk = k.sem.is(Assumption.DIR_BACKING_MASK, "accept");
    if (node.isDir() && k.sem.has(3) && ops != 0) {
      return (ops & ~InodePassthrough.DIR_OPS) == 0 || mixedOk ? 0 : -Errno.EINVAL.value;
    }
    if (!node.isReg()) {
      return -(node.isDir() ? Errno.EISDIR : Errno.EINVAL).value; // !d_is_reg()
    }
    if (k.sem.has(3) && (ops & InodePassthrough.DIR_OPS) != 0 && !mixedOk) {
      return -Errno.EINVAL.value;
    }
    return 0;
  }

  /** fuse_backing_id_alloc(): idr_alloc_cyclic(&fc->backing_files_map, fb, 1, 0). */
  @Mirrors(fn = "fuse_backing_id_alloc", file = "fs/fuse/backing.c", patches = {2},
      doc = "idr_alloc_cyclic from 1; from 02 the fb keeps its ops_mask.")
  private int fuseBackingIdAlloc(FuseBacking unlabelled, Lower.Node file, long opsMask) {
    FuseConn fc = k.fc;
    int id = fc.backingNextId;
    while (fc.backingFilesMap.containsKey(id)) {
      id++;
    }
    fc.backingNextId = id + 1;
    k.warnOnOnce(id == 0, C + "fuse_backing_id_alloc", "WARN_ON_ONCE(id == 0)");
    FuseBacking fb = new FuseBacking(id, file, unlabelled.credUid);
    fb.opsMask = opsMask; // v2 02/21: fb->ops_mask, fixed for the fb's life
    fc.backingFilesMap.put(id, fb);
    k.allBackings.add(fb);
    return id;
  }

  /**
   * fuse_backing_close(fc, backing_id), which the FUSE_DEV_IOC_BACKING_CLOSE ioctl
   * (fuse_dev_ioctl_backing_close(), fs/fuse/dev.c) calls.
   */
  @Mirrors(fn = "fuse_backing_close", file = "fs/fuse/backing.c",
      doc = "fuse_backing_close: EPERM, EINVAL for id <= 0, ENOENT for an unknown id, else drop the "
          + "id's reference.")
  public int devIocBackingClose(int backingId) {
    FuseConn fc = k.fc;
    if (!fc.passthrough) {
      return -Errno.EPERM.value;
    }
    if (backingId <= 0) {
      return -Errno.EINVAL.value;
    }
    FuseBacking fb = fc.backingFilesMap.remove(backingId); // fuse_backing_id_remove()
    if (fb == null) {
      return -Errno.ENOENT.value;
    }
    fuseBackingPut(fb);
    if (k.faults.on(Fault.BACKING_CLOSE_DOUBLE_PUT)) {
      fuseBackingPut(fb); // the planted fault: the id's reference is dropped twice
    }
    return 0;
  }

  /** fuse_backing_get(): refcount_inc_not_zero; NULL for a NULL fb or a zero count. */
  @Mirrors(fn = "fuse_backing_get", file = "fs/fuse/backing.c",
      doc = "refcount_inc_not_zero: NULL for a NULL fb or a zero count.")
  public FuseBacking fuseBackingGet(FuseBacking fb) {
    if (fb == null) {
      return null;
    }
    if (fb.freed) {
      k.finding(C + "fuse_backing_get", "use after free: refcount_inc_not_zero on a freed fuse_backing");
      return null;
    }
    if (fb.count == 0) {
      return null;
    }
    fb.count++;
    return fb;
  }

  /** fuse_backing_put(): refcount_dec_and_test, then fuse_backing_free(). */
  @Mirrors(fn = "fuse_backing_put", file = "fs/fuse/backing.c",
      doc = "refcount_dec_and_test, then fuse_backing_free().")
  public void fuseBackingPut(FuseBacking fb) {
    if (fb == null) {
      return;
    }
    if (fb.freed || fb.count <= 0) {
      k.finding(C + "fuse_backing_put", "refcount_t: underflow; use-after-free");
      return;
    }
    if (--fb.count == 0) {
      fuseBackingFree(fb);
    }
  }

  /** fuse_backing_free(): fput(fb->file), put_cred(fb->cred), kfree_rcu(fb). */
  @Mirrors(fn = "fuse_backing_free", file = "fs/fuse/backing.c",
      doc = "fput(fb->file), put_cred(fb->cred), kfree_rcu(fb).")
  private void fuseBackingFree(FuseBacking fb) {
    fb.freed = true;
  }

  /** fuse_backing_lookup(): idr_find under RCU, then fuse_backing_get(). */
  @Mirrors(fn = "fuse_backing_lookup", file = "fs/fuse/backing.c",
      doc = "idr_find under RCU, then fuse_backing_get().")
  public FuseBacking fuseBackingLookup(int backingId) {
    return fuseBackingGet(k.fc.backingFilesMap.get(backingId));
  }

  /**
   * fuse_backing_files_free() at fuse_conn_put(): every id still registered is freed, with
   * WARN_ON_ONCE(refcount != 1) (fuse_backing_id_free).
   */
  @Mirrors(fn = "fuse_backing_files_free", file = "fs/fuse/backing.c",
      doc = "At fuse_conn_put: every registered id is freed, WARN_ON_ONCE(refcount != 1).")
  public void fuseBackingFilesFree() {
    for (Map.Entry<Integer, FuseBacking> e : new ArrayList<>(k.fc.backingFilesMap.entrySet())) {
      FuseBacking fb = e.getValue();
      k.warnOnOnce(fb.count != 1, C + "fuse_backing_id_free",
          "WARN_ON_ONCE(refcount_read(&fb->count) != 1)");
      fuseBackingFree(fb);
    }
    k.fc.backingFilesMap.clear();
  }
}
