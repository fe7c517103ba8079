package fusesim.model.vfs;

import fusesim.model.Errno;
import fusesim.model.Kernel;
import fusesim.model.Locks;
import fusesim.model.Lower;
import fusesim.model.Mirrors;
import fusesim.model.NotModelled;
import fusesim.model.Reply;
import fusesim.model.Syscall;
import fusesim.model.UserThread;
import fusesim.model.WaitQueue;
import fusesim.model.fuse.Dir;
import fusesim.model.fuse.FuseAttr;
import fusesim.model.fuse.FuseInode;
import fusesim.model.fuse.Inode;
import fusesim.model.fuse.Request;
import java.util.List;

/**
 * fs/namei.c: path resolution ({@link Namei.Walk}, link_path_walk with FUSE's ->d_revalidate and
 * ->lookup) and the checks mknod(2) and link(2) make before the file system's method.
 */
public final class Namei {
  private Namei() {}

  // the MAY_* mask bits of inode_permission (include/linux/fs.h)
  public static final int MAY_EXEC = 1, MAY_WRITE = 2, MAY_READ = 4, MAY_APPEND = 8,
      MAY_ACCESS = 16, MAY_OPEN = 32, MAY_CHDIR = 64;

  /**
   * generic_permission() with acl_permission_check() (fs/namei.c) on a fuse inode's cached
   * attributes: the owner's, else (when the group and other bits differ in what is asked) the
   * group's, else the other bits; then CAP_DAC_READ_SEARCH / CAP_DAC_OVERRIDE, which the model
   * grants to root threads only. No POSIX ACLs: fuse sets SB_POSIXACL only with FUSE_POSIX_ACL,
   * which the model does not negotiate. Groups are the thread's gid alone (in_group_p with no
   * supplementary groups, as the kernel driver's threads run).
   */
  @Mirrors(fn = "generic_permission", file = "fs/namei.c",
      doc = "acl_permission_check on the cached uid/gid/mode, then the DAC capabilities of root.")
  public static int genericPermission(UserThread t, FuseAttr a, int mask) {
    int mode = a.mode();
    if (aclPermissionCheck(t, a, mask) == 0) {
      return 0;
    }
    boolean root = t.uid == 0; // capable_wrt_inode_uidgid(): CAP_DAC_READ_SEARCH, CAP_DAC_OVERRIDE
    if ((mode & Lower.S_IFMT) == Lower.S_IFDIR) {
      return root ? 0 : -Errno.EACCES.value; // DACs are overridable for directories
    }
    int m = mask & (MAY_READ | MAY_WRITE | MAY_EXEC);
    if (root && (m == MAY_READ || (m & MAY_EXEC) == 0 || (mode & 0111) != 0)) {
      return 0; // executable DACs are overridable only when some exec bit is set
    }
    return -Errno.EACCES.value;
  }

  /**
   * may_open() (fs/namei.c) on an existing inode: inode_permission(inode, MAY_OPEN | acc_mode),
   * acc_mode from build_open_flags() (MAY_READ/MAY_WRITE by O_ACCMODE, MAY_WRITE for O_TRUNC,
   * MAY_APPEND for O_APPEND), as a sub-machine; null where do_open() or may_open() fail on the
   * type first (O_CREAT on a directory or a directory opened for writing: EISDIR; O_DIRECTORY on
   * a non-directory: ENOTDIR; left to the open itself). Only called with default_permissions:
   * without it fuse_permission() neither sends nor refuses anything for an open.
   */
  @Mirrors(fn = "may_open", file = "fs/namei.c",
      doc = "inode_permission(inode, MAY_OPEN + acc_mode) with default_permissions.")
  public static Dir.Permission mayOpen(FuseInode in, int flags) {
    boolean typeFails = ((flags & Uapi.O_DIRECTORY) != 0 && !in.isDir())
        || (in.isDir() && ((flags & Uapi.O_ACCMODE) != 0 || (flags & Uapi.O_CREAT) != 0));
    if (typeFails) {
      return null;
    }
    int acc = new int[] {MAY_READ, MAY_WRITE, MAY_READ | MAY_WRITE,
        MAY_READ | MAY_WRITE}[flags & Uapi.O_ACCMODE];
    acc |= (flags & Uapi.O_TRUNC) != 0 ? MAY_WRITE : 0;
    acc |= (flags & Uapi.O_APPEND) != 0 ? MAY_APPEND : 0;
    return new Dir.Permission(in, MAY_OPEN | acc);
  }

  /**
   * may_create() (fs/namei.c), after filename_create() found the name negative:
   * inode_permission(dir, MAY_WRITE | MAY_EXEC), as a sub-machine (fuse_permission() may send
   * GETATTR). may_delete() asks the same of the victim's directory first ({@link #mayDeleteRest}
   * then checks the rest). Only called with default_permissions: without it fuse_permission()
   * neither sends nor refuses anything for MAY_WRITE | MAY_EXEC on a directory.
   */
  @Mirrors(fn = "may_create", file = "fs/namei.c",
      doc = "inode_permission(dir, MAY_WRITE + MAY_EXEC) before MKDIR/MKNOD/SYMLINK (and UNLINK/RMDIR).")
  public static Dir.Permission mayCreate(FuseInode dir) {
    return new Dir.Permission(dir, MAY_WRITE | MAY_EXEC);
  }

  /**
   * may_delete() (fs/namei.c) after its inode_permission() of the directory: the sticky bit
   * (check_sticky(): in a S_ISVTX directory only the file's owner, the directory's owner or
   * CAP_FOWNER may remove a name; EPERM), then the type: rmdir of a non-directory ENOTDIR,
   * unlink of a directory EISDIR. fuse keeps S_ISVTX in i_mode only with default_permissions
   * (fuse_change_attributes_common()), the only case this is called in.
   */
  @Mirrors(fn = "may_delete", file = "fs/namei.c",
      doc = "After the directory's permission: the sticky bit (EPERM), then ENOTDIR/EISDIR.")
  public static int mayDeleteRest(UserThread t, Dentry victim, boolean isdir) {
    FuseAttr dir = victim.parent.inode.attr;
    FuseAttr inode = victim.inode.attr;
    boolean sticky = (dir.mode() & 01000) != 0 && inode.uid() != t.uid && dir.uid() != t.uid
        && !t.capable();
    if (sticky) {
      return -Errno.EPERM.value;
    }
    if (isdir != victim.inode.isDir()) {
      return -(isdir ? Errno.ENOTDIR : Errno.EISDIR).value;
    }
    return 0;
  }

  @Mirrors(fn = "acl_permission_check", file = "fs/namei.c",
      doc = "Owner bits, else group bits if the group differs from other in the asked bits, else other.")
  static int aclPermissionCheck(UserThread t, FuseAttr a, int mask) {
    int mode = a.mode();
    int m = mask & 7;
    if (a.uid() == t.uid) {
      return (m & ~(mode >> 6)) != 0 ? -Errno.EACCES.value : 0;
    }
    if ((m & (mode ^ (mode >> 3))) != 0 && a.gid() == t.gid) {
      mode >>= 3;
    }
    return (m & ~mode) != 0 ? -Errno.EACCES.value : 0;
  }

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
    private static final int NEXT = 0, REVAL_SENT = 1, SLOW = 2, SLOW_MUTEX = 3, LOOKUP_SENT = 4,
        PERM = 5, CREATE_PERM = 6, LINK_SENT = 7;
    /** MAXSYMLINKS (include/linux/namei.h): links followed in one walk before ELOOP. */
    public static final int MAXSYMLINKS = 40;
    private static final int NAME_MAX = 255;
    private static final int DONE = 1, CONTINUE = 0, BLOCKED = -1;

    private List<String> comps;
    /** nd->total_link_count: the symlinks this walk has followed. */
    private int links;
    /** The READLINK of the symlink being followed ({@link #LINK_SENT}). */
    private Request linkReq;
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
    /** may_lookup()'s permission check of the directory of component {@link #permFor}. */
    private Dir.Permission perm;
    private int permFor = -1;
    /**
     * The component whose dentry this walk waited for in d_alloc_parallel(): the walk is past
     * may_lookup() for it and will not call ->lookup, so fuse_lookup()'s bad-directory check no
     * longer applies (found by kernel fuzz, seed 7: the directory went bad meanwhile, the waiter
     * still opens what the lookup found).
     */
    private int waitedInLookup = -1;
    /** An O_CREAT open's walk: lookup_open() calls may_o_create() on a negative last name. */
    private boolean createCheck;
    private Dir.Permission createPerm;
    /** may_o_create()'s error (lookup_open()'s create_error), returned only if the name is negative. */
    public int createErr;
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

    /** The walk of an O_CREAT open (see {@link #createCheck}). */
    public Walk openCreate() {
      createCheck = true;
      return this;
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
            if (mayOCreate(k, i == comps.size() - 1, false)) {
              break; // a cached positive name that revalidation found gone
            }
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
          case PERM:
            if (!perm.run(k, s)) {
              return false;
            }
            if (perm.err != 0) {
              return fail(k, perm.err) == DONE;
            }
            pc = NEXT;
            break;
          case CREATE_PERM:
            if (!createPerm.run(k, s)) {
              return false;
            }
            createErr = createPerm.err; // lookup_open(): O_CREAT is dropped, the LOOKUP still goes
            pc = NEXT;
            break;
          case LOOKUP_SENT:
            if (!s.await(req)) {
              return false;
            }
            if (lookedUp(k)) {
              return true;
            }
            break;
          case LINK_SENT:
            if (!s.await(linkReq)) {
              return false;
            }
            if (followed(k) == DONE) {
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
      if (mayLookup(k)) {
        return CONTINUE;
      }
      int end = parentOnly ? comps.size() - 1 : comps.size();
      if (i >= end && trailingLink()) {
        return pickLink(k, s);
      }
      if (i >= end) {
        finish(k);
        return DONE;
      }
      if (cur.inode == null) {
        return fail(k, Errno.ENOENT);
      }
      if (cur.inode.isLnk()) {
        return pickLink(k, s); // walk_component() → step_into() → pick_link()
      }
      if (!cur.inode.isDir()) {
        return fail(k, Errno.ENOTDIR);
      }
      if (cur.inode.isBad() && waitedInLookup != i) {
        return fail(k, Errno.EIO); // fuse_lookup(): a bad directory
      }
      String name = comps.get(i);
      if (name.length() > NAME_MAX) {
        return fail(k, Errno.ENAMETOOLONG);
      }
      d = k.dcache.dLookup(cur, name);
      if (d != null && d.inLookupBy != null) {
        waitedInLookup = i;
        s.sleep(new WaitQueue(d, WaitQueue.Kind.IN_LOOKUP)); // d_alloc_parallel(): wait for it
        return BLOCKED;
      }
      boolean last = i == comps.size() - 1;
      if (mayOCreate(k, last, d != null && d.inode != null)) {
        return CONTINUE;
      }
      if (d == null) {
        pc = SLOW;
        return CONTINUE;
      }
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

    /** The walk ends on a symlink it must follow (LOOKUP_FOLLOW: open_last_lookups, lookup_last). */
    private boolean trailingLink() {
      if (!follow || parentOnly || cur.inode == null || !cur.inode.isLnk()) {
        return false;
      }
      if (allowNegative) { // open(O_CREAT) through a trailing symlink may create its target
        throw new NotModelled("open(O_CREAT) of a symlink (following it to a name that may not exist)");
      }
      return true;
    }

    /**
     * pick_link() (fs/namei.c) on the symlink {@link #cur}: past MAXSYMLINKS links in one walk
     * ELOOP, then ->get_link, fuse_get_link() (fs/fuse/dir.c): a bad inode is EIO, else
     * fuse_readlink_page() sends READLINK (every time: no FUSE_CACHE_SYMLINKS). In RCU mode
     * fuse_get_link() returns -ECHILD and pick_link() calls it again after try_to_unlazy(), so
     * one READLINK per link followed.
     */
    @Mirrors(fn = "pick_link", file = "fs/namei.c",
        doc = "A symlink in or at the end of a walk: ELOOP past 40 links, else fuse_get_link's READLINK.")
    private int pickLink(Kernel k, Syscall s) {
      if (links++ >= MAXSYMLINKS) {
        return fail(k, Errno.ELOOP);
      }
      if (cur.inode.isBad()) {
        return fail(k, Errno.EIO); // fuse_get_link(): fuse_is_bad()
      }
      linkReq = k.dev.send(s, fusesim.model.Opcode.READLINK, cur.inode.nodeid, null);
      pc = LINK_SENT;
      return CONTINUE;
    }

    /**
     * READLINK answered: fuse_readlink_page() (an error, or a body of a page or more: EIO, its
     * WARN_ON), fuse_invalidate_atime(); then pick_link() walks the body from the link's
     * directory in place of the link (nd_terminate_link() ends it at the first NUL; an empty body
     * is ENOENT), followed by the components after the link.
     */
    @Mirrors(fn = "pick_link", file = "fs/namei.c",
        doc = "READLINK's answer (fuse_readlink_page, fs/fuse/dir.c): the body walked from the "
            + "link's directory.")
    private int followed(Kernel k) {
      cur.inode.invalMask |= Dir.STATX_ATIME; // fuse_invalidate_atime()
      if (linkReq.error() != 0) {
        return fail(k, linkReq.error());
      }
      Reply.Data data = (Reply.Data) linkReq.reply;
      if (data.size() >= 4096) {
        return fail(k, Errno.EIO);
      }
      String body = data.data().latin1();
      int nul = body.indexOf('\0');
      body = nul >= 0 ? body.substring(0, nul) : body;
      if (body.isEmpty()) {
        return fail(k, Errno.ENOENT);
      }
      List<String> target = Lower.components(body);
      if (body.startsWith("/") || target.contains(".") || target.contains("..")) {
        // an absolute body leaves the mount for the caller's root; "." and ".." are not modelled
        throw new NotModelled("a symlink whose target is absolute or has . or .. (" + body + ")");
      }
      List<String> rest = new java.util.ArrayList<>(target);
      rest.addAll(comps.subList(i, comps.size()));
      Dentry link = cur;
      cur = link.parent;
      cur.dCount++;
      k.dcache.dput(link);
      comps = rest;
      i = 0;
      permFor = -1;
      pc = NEXT;
      return CONTINUE;
    }

    private void finish(Kernel k) {
      if (cur.inode == null && !(allowNegative && !parentOnly)) {
        k.dcache.dput(cur);
        err = -Errno.ENOENT.value;
        return;
      }
      result = cur; // the walk's reference passes to the caller
    }

    /**
     * link_path_walk() calls may_lookup() → inode_permission(dir, MAY_EXEC) before every
     * component, the last one included (also for a parent-only walk), once the directory is known
     * to be a directory; only fuse_permission() with default_permissions can send anything for a
     * directory (a GETATTR) or refuse, so without it nothing is done. Returns true if the check
     * starts ({@link #PERM}).
     */
    @Mirrors(fn = "may_lookup", file = "fs/namei.c",
        doc = "inode_permission(dir, MAY_EXEC) before each component, with default_permissions.")
    private boolean mayLookup(Kernel k) {
      if (!k.fc.defaultPermissions || permFor == i || i >= comps.size() || cur.inode == null
          || !cur.inode.isDir() || cur.inode.isBad()) {
        return false;
      }
      permFor = i;
      perm = new Dir.Permission(cur.inode, MAY_EXEC);
      pc = PERM;
      return true;
    }

    /**
     * lookup_open() (fs/namei.c), for O_CREAT on a name not cached positive: may_o_create() →
     * may_create() → inode_permission(dir, MAY_WRITE | MAY_EXEC) before fuse_atomic_open()'s
     * LOOKUP and CREATE; its error is kept, not returned (the open may find the name). A cached
     * positive dentry is not checked (lookup_open() returns it for f_op->open), unless
     * revalidation finds it gone: then the check comes after that LOOKUP, before the next
     * ({@link #SLOW}). The kernel makes the check under inode_lock(dir); the model before it
     * takes the lock, which only a concurrent lookup in that directory could observe. Returns
     * true if the check starts ({@link #CREATE_PERM}).
     */
    @Mirrors(fn = "may_o_create", file = "fs/namei.c",
        doc = "O_CREAT on a negative or uncached last name: inode_permission(dir, MAY_WRITE + MAY_EXEC).")
    private boolean mayOCreate(Kernel k, boolean last, boolean positive) {
      if (!createCheck || !last || positive || createPerm != null || !k.fc.defaultPermissions) {
        return false;
      }
      createPerm = new Dir.Permission(cur.inode, MAY_WRITE | MAY_EXEC);
      pc = CREATE_PERM;
      return true;
    }

    private int fail(Kernel k, int err) {
      k.dcache.dput(cur);
      this.err = err;
      return DONE;
    }

    private int fail(Kernel k, Errno e) {
      k.dcache.dput(cur);
      err = -e.value;
      return DONE;
    }
  }
}
