package fusesim.model.vfs;

import fusesim.model.Errno;
import fusesim.model.Kernel;
import fusesim.model.Locks;
import fusesim.model.Lower;
import fusesim.model.Mirrors;
import fusesim.model.NotModelled;
import fusesim.model.Syscall;
import fusesim.model.UserThread;
import fusesim.model.WaitQueue;
import fusesim.model.fuse.Dir;
import fusesim.model.fuse.FuseInode;
import fusesim.model.fuse.Inode;
import fusesim.model.fuse.Request;
import java.util.List;

/**
 * fs/namei.c: path resolution ({@link Walk}, link_path_walk with FUSE's ->d_revalidate and
 * ->lookup) and the checks mknod(2) and link(2) make before the file system's method.
 */
public final class Namei {
  private Namei() {}

  /** may_mknod(), which do_mknodat() runs before it walks: 0, or -errno with no request at all. */
  @Mirrors(fn = "may_mknod", file = "fs/namei.c",
      doc = "mknod(2), before the walk: S_IFDIR is EPERM, an unknown type EINVAL.")
  public static int mayMknod(int mode) {
    switch (mode & Lower.S_IFMT) {
      case Lower.S_IFREG:
      case Lower.S_IFIFO:
      case Lower.S_IFSOCK:
      case Lower.S_IFCHR:
      case Lower.S_IFBLK:
        return 0;
      case Lower.S_IFDIR:
        return -Errno.EPERM.value;
      default:
        return -Errno.EINVAL.value;
    }
  }

  /**
   * vfs_mknod(): a device needs CAP_MKNOD (threads other than root lack it), except a whiteout:
   * {@code is_whiteout = S_ISCHR(mode) && dev == WHITEOUT_DEV} (0). mknod(2) in a trace has no
   * device number, so it is always 0 and every character device is a whiteout any user may make
   * ("vfs: allow unprivileged whiteout creation"); seen on 6.18 (uid 1000, MKNOD sent, 0).
   */
  @Mirrors(fn = "vfs_mknod", file = "fs/namei.c",
      doc = "A block device, or a character device other than a whiteout (dev 0), needs "
          + "CAP_MKNOD (EPERM).")
  public static int vfsMknod(UserThread thread, int mode) {
    int type = mode & Lower.S_IFMT;
    boolean whiteout = type == Lower.S_IFCHR; // dev is always WHITEOUT_DEV (0) here
    boolean device = type == Lower.S_IFCHR || type == Lower.S_IFBLK;
    return device && !whiteout && thread.uid != 0 ? -Errno.EPERM.value : 0;
  }

  /** vfs_link(): may_linkat (protected_hardlinks), then a directory is EPERM, an unlinked inode ENOENT. */
  @Mirrors(fn = "vfs_link", file = "fs/namei.c",
      doc = "may_linkat (protected_hardlinks), then a directory is EPERM and an unlinked inode "
          + "ENOENT.")
  public static int vfsLink(UserThread thread, FuseInode fi) {
    if (thread.uid != 0 && fi.attr.uid() != thread.uid && !safeHardlinkSource(fi)) {
      return -Errno.EPERM.value; // may_linkat()
    }
    if (fi.isDir()) {
      return -Errno.EPERM.value;
    }
    if (fi.attr.nlink() == 0) {
      return -Errno.ENOENT.value; // "don't allow creating hardlink to an unlinked file"
    }
    return 0;
  }

  /** safe_hardlink_source(): a regular file, not set-uid, not set-gid and group-executable. */
  private static boolean safeHardlinkSource(FuseInode fi) {
    int mode = fi.attr.mode();
    return fi.isReg() && (mode & Lower.S_ISUID) == 0
        && (mode & (Lower.S_ISGID | Lower.S_IXGRP)) != (Lower.S_ISGID | Lower.S_IXGRP);
  }

  /**
   * Path resolution (fs/namei.c link_path_walk, lookup_fast, lookup_slow) with FUSE's
   * ->d_revalidate (fuse_dentry_revalidate) and ->lookup (fuse_lookup). A sub-machine of the
   * syscalls that take a path: it may block on a LOOKUP, on a dentry another thread is looking up
   * (d_alloc_parallel), or on the directory's locks.
   *
   * <p>On success {@link #result} is the final dentry (or its parent, with {@code parentOnly}),
   * with a reference the caller must drop; it may be negative only with {@code allowNegative}.
   */
  public static final class Walk {
    private static final int NEXT = 0, REVAL_SENT = 1, SLOW = 2, SLOW_MUTEX = 3, LOOKUP_SENT = 4;
    private static final int NAME_MAX = 255;
    private static final int DONE = 1, CONTINUE = 0, BLOCKED = -1;

    private final List<String> comps;
    private final boolean parentOnly;
    private final boolean allowNegative;
    private final boolean lookupExcl;
    /** The last component is followed if it is a symlink (LOOKUP_FOLLOW). */
    private boolean follow = true;
    private int pc = NEXT;
    private int i;
    private Dentry cur;
    private Dentry d;
    private Request req;
    private long attrVersion;
    /** fc->evict_ctr when the LOOKUP was sent (fuse_lookup_name). */
    private long evictCtr;
    private long epoch;
    /** The directory lock of this lookup is exclusive (see {@link #SLOW}). */
    private boolean exclusive;
    /**
     * The walk ended on a negative entry it looked up under the exclusive directory lock, and
     * still holds that lock for the caller's create (which releases it).
     */
    public boolean keptDirLock;
    public int err;
    public Dentry result;

    public Walk(String path, boolean parentOnly, boolean allowNegative, boolean lookupExcl) {
      this.comps = Lower.components(path);
      this.parentOnly = parentOnly;
      this.allowNegative = allowNegative;
      this.lookupExcl = lookupExcl;
    }

    /** Without LOOKUP_FOLLOW: a symlink as the last component is the result itself. */
    public Walk noFollow() {
      follow = false;
      return this;
    }

    /** Returns true when finished ({@link #err} or {@link #result} set), false when blocked. */
    @Mirrors(fn = "link_path_walk", file = "fs/namei.c",
        doc = "Path resolution: lookup_fast with fuse_dentry_revalidate, lookup_slow with "
            + "fuse_lookup.")
    public boolean run(Kernel k, Syscall s) {
      while (true) {
        switch (pc) {
          case NEXT:
            int step = next(k, s);
            if (step != CONTINUE) {
              return step == DONE;
            }
            break;
          case REVAL_SENT:
            if (!s.await(req)) {
              return false;
            }
            revalidated(k);
            break;
          case SLOW:
            // lookup_slow(): inode_lock_shared(dir); but the last component of a walk that may
            // create it (open O_CREAT: open_last_lookups(); mkdir: filename_create()) is looked up
            // under inode_lock(dir), exclusive, so it waits for every lookup in flight in that
            // directory (seen on 6.18.44: no LOOKUP while another one is held)
            exclusive = allowNegative && i == comps.size() - 1;
            if (!(exclusive ? Locks.downWrite(k, cur.inode, s) : Locks.downRead(k, cur.inode, s))) {
              return false;
            }
            pc = SLOW_MUTEX;
            break;
          case SLOW_MUTEX:
            if (!Inode.fuseLockInode(k, cur.inode, s)) {
              return false;
            }
            sendLookup(k, s);
            break;
          case LOOKUP_SENT:
            if (!s.await(req)) {
              return false;
            }
            if (lookedUp(k)) {
              return true;
            }
            break;
          default:
            throw new IllegalStateException("walk pc " + pc);
        }
      }
    }

    /** One component: finish, wait for a parallel lookup, revalidate a cached dentry, or look up. */
    private int next(Kernel k, Syscall s) {
      if (cur == null) {
        cur = k.root;
        cur.dCount++; // nd->path: the walk holds the directory it is in
      }
      int end = parentOnly ? comps.size() - 1 : comps.size();
      if (i >= end) {
        finish(k);
        return DONE;
      }
      if (cur.inode == null) {
        return fail(k, Errno.ENOENT);
      }
      if (cur.inode.isLnk()) {
        throw new NotModelled("following a symlink in a path walk (READLINK, then the target)");
      }
      if (!cur.inode.isDir()) {
        return fail(k, Errno.ENOTDIR);
      }
      if (cur.inode.isBad()) {
        return fail(k, Errno.EIO); // fuse_lookup(): a bad directory
      }
      String name = comps.get(i);
      if (name.length() > NAME_MAX) {
        return fail(k, Errno.ENAMETOOLONG);
      }
      d = k.dcache.dLookup(cur, name);
      if (d != null && d.inLookupBy != null) {
        s.sleep(new WaitQueue(d, WaitQueue.Kind.IN_LOOKUP)); // d_alloc_parallel(): wait for it
        return BLOCKED;
      }
      if (d == null) {
        pc = SLOW;
        return CONTINUE;
      }
      boolean last = i == comps.size() - 1;
      switch (k.dir.fuseDentryRevalidate(d, last && lookupExcl)) {
        case VALID:
          d.dCount++;
          advance(k);
          break;
        case INVALID:
          k.dcache.dInvalidate(d);
          pc = SLOW;
          break;
        default:
          d.dCount++; // the walk holds the dentry it revalidates
          attrVersion = k.fc.attrVersion;
          req = k.dir.fuseLookup(s, d);
          pc = REVAL_SENT;
          break;
      }
      return CONTINUE;
    }

    private void revalidated(Kernel k) {
      if (!d.killed && d.inode != null
          && k.dir.fuseDentryRevalidateReply(d, req, attrVersion) == Dir.Reval.VALID) {
        advance(k);
      } else {
        k.dcache.dInvalidate(d);
        k.dcache.dput(d);
        pc = SLOW;
      }
    }

    private void unlockDir(Kernel k) {
      if (exclusive) {
        Locks.upWrite(k, cur.inode);
      } else {
        Locks.upRead(k, cur.inode);
      }
    }

    /**
     * lookup_slow() → d_alloc_parallel(), then the directory's ->lookup ({@link Dir#fuseLookup}),
     * with what fuse_lookup_name() reads before it sends LOOKUP.
     */
    @Mirrors(fn = "lookup_slow", file = "fs/namei.c",
        doc = "A dentry not in the cache: d_alloc_parallel, then fuse_lookup sends LOOKUP.")
    private void sendLookup(Kernel k, Syscall s) {
      String name = comps.get(i);
      Dentry again = k.dcache.dLookup(cur, name);
      if (again != null) { // raced with another lookup: start this component over
        Inode.fuseUnlockInode(k, cur.inode);
        unlockDir(k);
        pc = NEXT;
        return;
      }
      d = k.dcache.dAllocParallel(cur, name, s.thread.name);
      epoch = k.fc.epoch;
      attrVersion = k.fc.attrVersion;
      evictCtr = k.fc.evictCtr; // fuse_lookup_name(): fuse_get_evict_ctr()
      req = k.dir.fuseLookup(s, d);
      pc = LOOKUP_SENT;
    }

    private boolean lookedUp(Kernel k) {
      int e = k.dir.fuseLookupReply(d, req, attrVersion, epoch, evictCtr);
      Inode.fuseUnlockInode(k, cur.inode);
      if (exclusive && e == 0 && d.inode == null) {
        // open_last_lookups() / filename_create() (fs/namei.c) keep inode_lock(dir) from the
        // lookup through the create: the caller's CREATE/MKDIR runs under this same lock (seen on
        // 6.18.44: a lookup waiting for the directory comes after the CREATE)
        keptDirLock = true;
      } else {
        unlockDir(k);
      }
      k.dcache.dLookupDone(d);
      d.dCount--;
      if (e != 0) {
        k.dcache.dInvalidate(d);
        k.dcache.dput(cur);
        err = e;
        return true;
      }
      d.dCount++;
      advance(k);
      return false;
    }

    /** Steps into {@code d}, which the caller has taken a reference on; drops the old one. */
    private void advance(Kernel k) {
      Dentry old = cur;
      cur = d;
      k.dcache.dput(old);
      i++;
      pc = NEXT;
    }

    private void finish(Kernel k) {
      if (follow && cur.inode != null && cur.inode.isLnk()) {
        throw new NotModelled("following a symlink at the end of a path walk (READLINK, then the target)");
      }
      if (cur.inode == null && !(allowNegative && !parentOnly)) {
        k.dcache.dput(cur);
        err = -Errno.ENOENT.value;
        return;
      }
      result = cur; // the walk's reference passes to the caller
    }

    private int fail(Kernel k, Errno e) {
      k.dcache.dput(cur);
      err = -e.value;
      return DONE;
    }
  }
}
