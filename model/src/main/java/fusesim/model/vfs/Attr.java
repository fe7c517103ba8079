package fusesim.model.vfs;

import fusesim.model.Errno;
import fusesim.model.Kernel;
import fusesim.model.Locks;
import fusesim.model.Lower;
import fusesim.model.Mirrors;
import fusesim.model.Syscall;
import fusesim.model.UserThread;
import fusesim.model.fuse.Dir;
import fusesim.model.fuse.FuseAttr;
import fusesim.model.fuse.FuseInode;

/**
 * fs/attr.c: truncate(2), chmod(2), chown(2) and their f- forms: a struct iattr, then
 * notify_change() → fuse_setattr().
 */
public final class Attr {
  private Attr() {}

  /**
   * truncate/ftruncate/chmod/fchmod/chown/fchown: the VFS builds a struct iattr (do_truncate,
   * chmod_common, chown_common), takes inode_lock and calls notify_change() → fuse_setattr().
   */
  static final class Setattr extends Syscall {
    private final String call;
    private final int fd;
    private final Namei.Walk walk;
    private final int iaValid;
    private final int mode;
    private final int uid;
    private final int gid;
    private final long size;
    private FuseInode fi;
    private KFile f;
    private Dentry d;
    private Dir.SetattrOp op;
    private final KillprivCheck killpriv = new KillprivCheck();
    /** vfs_truncate()'s inode_permission() (default_permissions only). */
    private Dir.Permission perm;

    private Setattr(UserThread t, String call, String path, int fd, int iaValid, int mode, int uid,
        int gid, long size) {
      super(t);
      this.call = call;
      this.fd = fd;
      this.walk = path == null ? null : new Namei.Walk(path, false, false, false);
      this.iaValid = iaValid;
      this.mode = mode;
      this.uid = uid;
      this.gid = gid;
      this.size = size;
    }

    /**
     * chmod_common() (fs/open.c): ia_mode = (mode & S_IALLUGO) | (inode->i_mode & ~S_IALLUGO), so
     * SETATTR's mode carries the file type (seen on 6.18.44: mode=0100600 for chmod 0600).
     */
    private int iaMode() {
      return (iaValid & Dir.ATTR_MODE) == 0 ? mode : (mode & 07777) | (fi.attr.mode() & ~07777);
    }

    /**
     * The iattr of fs/open.c: vfs_truncate calls do_truncate with no time attributes and no file,
     * do_ftruncate passes ATTR_MTIME | ATTR_CTIME and the file: truncate(2)'s SETATTR is
     * SIZE|LOCKOWNER (seen on 6.18.44), ftruncate's adds FH (fuse's update_mtime drops its mtime).
     */
    static Setattr truncate(UserThread t, String path, int fd, long len) {
      return new Setattr(t, path == null ? "ftruncate" : "truncate", path, fd,
          Dir.ATTR_SIZE | (path == null ? Dir.ATTR_MTIME | Dir.ATTR_CTIME : 0), 0, 0, 0, len);
    }

    static Setattr chmod(UserThread t, String path, int fd, int mode) {
      return new Setattr(t, path == null ? "fchmod" : "chmod", path, fd,
          Dir.ATTR_MODE | Dir.ATTR_CTIME, mode & 07777, 0, 0, 0);
    }

    static Setattr chown(UserThread t, String path, int fd, int uid, int gid) {
      int valid = Dir.ATTR_CTIME | (uid != -1 ? Dir.ATTR_UID : 0) | (gid != -1 ? Dir.ATTR_GID : 0);
      return new Setattr(t, path == null ? "fchown" : "chown", path, fd, valid, 0, uid, gid, 0);
    }

    @Override
    public String name() {
      return call;
    }

    @Override
    @Mirrors(fn = "notify_change", file = "fs/attr.c",
        doc = "truncate/chmod/chown: struct iattr under inode_lock, then fuse_setattr.")
    protected boolean run(Kernel k) {
      while (true) {
        switch (pc) {
          case 0:
            if (!resolve(k)) {
              return false;
            }
            if (result != null) {
              return true;
            }
            pc = (iaValid & Dir.ATTR_SIZE) != 0 ? 3 : 1;
            if (walk != null && pc == 3 && k.fc.defaultPermissions) {
              // vfs_truncate() (fs/open.c): inode_permission(inode, MAY_WRITE) after the type
              // checks; ftruncate(2) checks the open mode instead (do_ftruncate())
              perm = new Dir.Permission(fi, Namei.MAY_WRITE);
              pc = 6;
            }
            break;
          case 6:
            if (!perm.run(k, this)) {
              return false;
            }
            if (perm.err != 0) {
              k.dcache.dput(d);
              return done(perm.err);
            }
            pc = 3;
            break;
          case 3:
            if (!killpriv.run(k, this, fi)) {
              return false; // do_truncate(): dentry_needs_remove_privs() before inode_lock
            }
            pc = 1;
            break;
          case 1:
            if (!Locks.downWrite(k, fi, this)) {
              return false;
            }
            // chown_common() (fs/open.c) sets ATTR_KILL_PRIV under inode_lock, and
            // notify_change() asks security_inode_need_killpriv() there: the GETXATTR waits for
            // the lock (seen on 6.18.44: none while a write holds it)
            pc = (iaValid & Dir.ATTR_SIZE) == 0 && (iaValid & (Dir.ATTR_UID | Dir.ATTR_GID)) != 0 ? 4 : 5;
            break;
          case 4:
            if (!killpriv.run(k, this, fi)) {
              return false;
            }
            pc = 5;
            break;
          case 5:
            // only do_truncate() passes the file (ATTR_FILE: ftruncate); chmod_common() and
            // chown_common() (fs/open.c) build an iattr without it, so fchmod/fchown send no FATTR_FH
            op = new Dir.SetattrOp(fi, (iaValid & Dir.ATTR_SIZE) != 0 ? f : null, iaValid | killBits(),
                iaMode(), uid, gid, size);
            pc = 2;
            break;
          case 2:
            if (!op.run(k, this)) {
              return false;
            }
            Locks.upWrite(k, fi);
            if (d != null) {
              k.dcache.dput(d);
            }
            return done(op.err);
          default:
            throw new IllegalStateException("setattr pc " + pc);
        }
      }
    }

    /** Finds the inode; sets {@link #result} on an error. Returns false while walking. */
    private boolean resolve(Kernel k) {
      if (walk != null) {
        if (!walk.run(k, this)) {
          return false;
        }
        if (walk.err != 0) {
          return done(walk.err);
        }
        d = walk.result;
        fi = d.inode;
      } else {
        f = k.fdtable.fdget(this, fd);
        if (f == null) {
          return done(-Errno.EBADF.value);
        }
        if ((iaValid & Dir.ATTR_SIZE) != 0 && !f.writable()) {
          return done(-Errno.EINVAL.value); // ftruncate on a file not open for writing
        }
        fi = f.ff.inode;
      }
      if ((iaValid & Dir.ATTR_SIZE) != 0 && fi.isDir()) {
        if (d != null) {
          k.dcache.dput(d);
        }
        return done(-Errno.EISDIR.value);
      }
      if ((iaValid & Dir.ATTR_SIZE) != 0 && size < 0) {
        if (d != null) {
          k.dcache.dput(d);
        }
        return done(-Errno.EINVAL.value);
      }
      return true;
    }

    /** The ATTR_KILL_* bits the VFS adds: chown_common() always for non-directories. */
    private int killBits() {
      if ((iaValid & (Dir.ATTR_UID | Dir.ATTR_GID)) != 0 && !fi.isDir()) {
        // chown_common() (fs/open.c): always ATTR_KILL_SUID | ATTR_KILL_PRIV, and the sgid rule
        return Dir.ATTR_KILL_SUID | Dir.ATTR_KILL_PRIV | Attr.shouldDropSgid(fi.attr, thread);
      }
      if ((iaValid & Dir.ATTR_SIZE) != 0) {
        ghostPrivs = fi;
        return Attr.shouldRemoveSuid(fi.attr, thread); // dentry_needs_remove_privs()
      }
      return 0;
    }
  }

  /**
   * setattr_should_drop_suidgid() (fs/attr.c; dentry_needs_remove_privs() calls it): the kill bits
   * a write, fallocate or truncate must apply. S_ISUID always; S_ISGID when group-executable, or
   * when the caller is neither in the file's group nor capable (setattr_should_drop_sgid); nothing
   * for a thread with CAP_FSETID or a non-regular file.
   */
  @Mirrors(fn = "setattr_should_drop_suidgid", file = "fs/attr.c",
      doc = "The kill bits of a write, fallocate or truncate: S_ISUID, and S_ISGID when "
          + "group-executable or the caller is not in the group; none with CAP_FSETID.")
  public static int shouldRemoveSuid(FuseAttr a, UserThread t) {
    int kill = 0;
    if ((a.mode() & Lower.S_ISUID) != 0) {
      kill = Dir.ATTR_KILL_SUID;
    }
    kill |= shouldDropSgid(a, t);
    boolean reg = (a.mode() & Lower.S_IFMT) == Lower.S_IFREG;
    return kill != 0 && !t.capable() && reg ? kill : 0;
  }

  /**
   * setattr_should_drop_sgid() (fs/attr.c, since 6.2's "attr: use consistent sgid stripping
   * checks"): S_ISGID goes when group-executable, else unless in_group_or_capable(). Threads have
   * no supplementary groups here (the kernel oracle's driver drops them), so in_group_p() is fsgid.
   */
  @Mirrors(fn = "setattr_should_drop_sgid", file = "fs/attr.c",
      doc = "ATTR_KILL_SGID when S_ISGID and group-executable, or the caller is not in the file's "
          + "group and lacks CAP_FSETID.")
  public static int shouldDropSgid(FuseAttr a, UserThread t) {
    if ((a.mode() & Lower.S_ISGID) == 0) {
      return 0;
    }
    if ((a.mode() & Lower.S_IXGRP) != 0) {
      return Dir.ATTR_KILL_SGID;
    }
    boolean inGroupOrCapable = t.gid == a.gid() || t.capable();
    return inGroupOrCapable ? 0 : Dir.ATTR_KILL_SGID;
  }

  /**
   * setattr_prepare() (fs/attr.c) without ATTR_FORCE: changing the owner needs CAP_CHOWN, the
   * mode the owner or CAP_FOWNER; a size change was permitted by the open or truncate path.
   */
  @Mirrors(fn = "setattr_prepare", file = "fs/attr.c",
      doc = "Without ATTR_FORCE: chown needs CAP_CHOWN, chmod and explicit times the owner or "
          + "CAP_FOWNER.")
  public static int setattrPrepare(int iaValid, int uid, int gid, Lower.Node n, UserThread t) {
    if ((iaValid & Dir.ATTR_FORCE) != 0 || t.capable()) {
      return 0;
    }
    boolean owner = t.uid == n.uid;
    if ((iaValid & Dir.ATTR_UID) != 0 && uid != n.uid) {
      return -Errno.EPERM.value;
    }
    if ((iaValid & Dir.ATTR_GID) != 0 && (!owner || gid != t.gid) && gid != n.gid) {
      return -Errno.EPERM.value;
    }
    if ((iaValid & Dir.ATTR_MODE) != 0 && !owner) { // ATTR_MTIME without _SET needs no owner
      return -Errno.EPERM.value;
    }
    if ((iaValid & (Dir.ATTR_MTIME_SET | Dir.ATTR_ATIME_SET | Dir.ATTR_TIMES_SET)) != 0 && !owner) {
      return -Errno.EPERM.value; // "Check for setting the inode time." (utimensat(2))
    }
    return 0;
  }

  /**
   * notify_change() (fs/attr.c) on the backing inode with ATTR_KILL_SUID/SGID: S_ISUID goes if
   * set, S_ISGID goes whenever the VFS asked and it is set (since 6.2 no group-exec condition).
   * Returns the mode left.
   */
  @Mirrors(fn = "notify_change", file = "fs/attr.c", patches = {20},
      doc = "The backing inode derives the killed mode from its own i_mode (A19=backing-derives).")
  public static int notifyChangeKill(int kill, int mode) {
    int m = mode;
    if ((kill & Dir.ATTR_KILL_SUID) != 0 && (mode & Lower.S_ISUID) != 0) {
      m &= ~Lower.S_ISUID;
    }
    if ((kill & Dir.ATTR_KILL_SGID) != 0 && (mode & Lower.S_ISGID) != 0) {
      m &= ~Lower.S_ISGID;
    }
    return m;
  }

  /**
   * setattr_prepare()'s time check as fuse_do_setattr() reaches it with default_permissions (no
   * ATTR_FORCE): setting a time (ATTR_*_SET, ATTR_TIMES_SET: utimensat(2)) needs the owner or
   * CAP_FOWNER.
   */
  @Mirrors(fn = "setattr_prepare", file = "fs/attr.c",
      doc = "Without ATTR_FORCE (default_permissions): explicit times need the owner or CAP_FOWNER "
          + "(EPERM).")
  static int setattrPrepareTimes(Kernel k, UserThread t, FuseInode fi, int iaValid) {
    boolean setsTimes = (iaValid & (Dir.ATTR_ATIME_SET | Dir.ATTR_MTIME_SET | Dir.ATTR_TIMES_SET)) != 0;
    boolean forced = !k.fc.defaultPermissions; // fuse_do_setattr() adds ATTR_FORCE
    return !forced && setsTimes && !Inode.ownerOrCapable(t, fi) ? -Errno.EPERM.value : 0;
  }

  /**
   * may_setattr() (fs/attr.c): ATTR_TOUCH (utimensat(2) with NULL or both UTIME_NOW) by neither
   * the owner nor CAP_FOWNER needs inode_permission(MAY_WRITE) → fuse_permission(), which checks
   * (and may refresh with GETATTR) only with default_permissions; without it MAY_WRITE is allowed
   * with no request. Returns the check to run, or null.
   */
  @Mirrors(fn = "may_setattr", file = "fs/attr.c",
      doc = "ATTR_TOUCH by a non-owner without CAP_FOWNER: inode_permission(MAY_WRITE) "
          + "(fuse_permission checks only with default_permissions).")
  static Dir.Permission maySetattrTouch(Kernel k, UserThread t, FuseInode fi, int iaValid) {
    if ((iaValid & Dir.ATTR_TOUCH) == 0 || Inode.ownerOrCapable(t, fi) || !k.fc.defaultPermissions) {
      return null;
    }
    return new Dir.Permission(fi, Namei.MAY_WRITE);
  }
}
