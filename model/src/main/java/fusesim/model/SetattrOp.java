package fusesim.model;

/**
 * fuse_setattr() → fuse_do_setattr() (fs/fuse/dir.c) as a sub-machine, entered with the inode
 * lock held as notify_change() does. With ATTR_KILL_SUID/SGID and no handle_killpriv(_v2), the
 * mode is refreshed with a GETATTR first ("ia_mode calculation may have used stale i_mode") and
 * the suid/sgid bits to clear are recomputed from it.
 */
final class SetattrOp {
  private static final int START = 0, KILL_GETATTR = 1, SETATTR_SENT = 2;

  private final FuseInode fi;
  private KFile file;
  private int iaValid;
  private int mode;
  private final int uid;
  private final int gid;
  private final long size;
  private int pc = START;
  private Request req;
  private long attrVersion;
  private boolean isTruncate;
  int err;

  SetattrOp(FuseInode fi, KFile file, int iaValid, int mode, int uid, int gid, long size) {
    this.fi = fi;
    this.file = file;
    this.iaValid = iaValid | (file != null ? Dir.ATTR_FILE : 0);
    this.mode = mode;
    this.uid = uid;
    this.gid = gid;
    this.size = size;
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
  static int shouldRemoveSuid(Attr a, UserThread t) {
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
  static int shouldDropSgid(Attr a, UserThread t) {
    if ((a.mode() & Lower.S_ISGID) == 0) {
      return 0;
    }
    if ((a.mode() & Lower.S_IXGRP) != 0) {
      return Dir.ATTR_KILL_SGID;
    }
    boolean inGroupOrCapable = t.gid == a.gid() || t.capable();
    return inGroupOrCapable ? 0 : Dir.ATTR_KILL_SGID;
  }

  @Mirrors(fn = "fuse_setattr", file = "fs/fuse/dir.c", patches = {20},
      doc = "notify_change -> fuse_setattr: refresh i_mode with GETATTR before a suid/sgid kill "
          + "(20: from the backing), then SETATTR.")
  boolean run(Kernel k, Syscall s) {
    while (true) {
      switch (pc) {
        case START:
          if (fi.isBad()) {
            return fail(-Errno.EIO.value);
          }
          if ((iaValid & (Dir.ATTR_KILL_SUID | Dir.ATTR_KILL_SGID)) != 0) {
            int kill = iaValid & (Dir.ATTR_KILL_SUID | Dir.ATTR_KILL_SGID);
            iaValid &= ~(Dir.ATTR_KILL_SUID | Dir.ATTR_KILL_SGID | Dir.ATTR_MODE);
            if (backingDerivesKill(k)) {
              killOnBacking(kill); // v2 20/21 under A19=backing-derives
            } else if (!k.fc.handleKillpriv && !k.fc.handleKillprivV2 && k.sem.has(20)
                && k.inodePt.fuseInodePassthroughOp(fi, InodePassthrough.OP_GETATTR)) {
              k.inodePt.copyattr(fi); // v2 20/21: the fresh i_mode comes from the backing inode
              recomputeKillMode();
            } else if (!k.fc.handleKillpriv && !k.fc.handleKillprivV2) {
              attrVersion = k.fc.attrVersion;
              boolean withFh = file != null && fi.isReg();
              req = k.dev.send(s, Opcode.GETATTR, fi.nodeid, null, withFh ? file.ff.fh : 0,
                  withFh ? Dir.FUSE_GETATTR_FH : 0); // fuse_do_getattr()
              pc = KILL_GETATTR;
              break;
            }
          }
          if (sendSetattr(k, s)) {
            return true;
          }
          break;
        case KILL_GETATTR:
          if (!s.await(req)) {
            return false;
          }
          int e = k.dir.fuseDoGetattrReply(fi, req, attrVersion);
          if (e != 0) {
            return fail(e);
          }
          recomputeKillMode();
          if (sendSetattr(k, s)) {
            return true;
          }
          break;
        case SETATTR_SENT:
          if (!s.await(req)) {
            return false;
          }
          return fail(k.dir.fuseDoSetattrReply(fi, req, isTruncate));
        default:
          throw new IllegalStateException("setattr pc " + pc);
      }
    }
  }

  /**
   * A19: with setattr passed through (19/21) and the suid/sgid handling of 20/21, the kill bits
   * go to the backing inode, whose notify_change() derives the mode.
   */
  private boolean backingDerivesKill(Kernel k) {
    return k.sem.has(20) && k.sem.is(Assumption.PASSTHROUGH_KILL_MODE, "backing-derives")
        && k.inodePt.fuseInodePassthroughOp(fi, InodePassthrough.OP_SETATTR);
  }

  /**
   * notify_change() (fs/attr.c) on the backing inode with ATTR_KILL_SUID/SGID: S_ISUID goes if
   * set, S_ISGID goes whenever the VFS asked and it is set (since 6.2 no group-exec condition).
   */
  @Mirrors(fn = "notify_change", file = "fs/attr.c", patches = {20},
      doc = "The backing inode derives the killed mode from its own i_mode (A19=backing-derives).")
  private void killOnBacking(int kill) {
    int m = fi.fb.file.mode & 07777;
    mode = m;
    if ((kill & Dir.ATTR_KILL_SUID) != 0 && (m & Lower.S_ISUID) != 0) {
      mode &= ~Lower.S_ISUID;
      iaValid |= Dir.ATTR_MODE;
    }
    if ((kill & Dir.ATTR_KILL_SGID) != 0 && (m & Lower.S_ISGID) != 0) {
      mode &= ~Lower.S_ISGID;
      iaValid |= Dir.ATTR_MODE;
    }
  }

  /** attr->ia_mode = inode->i_mode, minus S_ISUID, and S_ISGID when group-executable. */
  private void recomputeKillMode() {
    int m = fi.attr.mode();
    mode = m;
    if ((m & Lower.S_ISUID) != 0) {
      iaValid |= Dir.ATTR_MODE;
      mode &= ~Lower.S_ISUID;
    }
    if ((m & (Lower.S_ISGID | Lower.S_IXGRP)) == (Lower.S_ISGID | Lower.S_IXGRP)) {
      iaValid |= Dir.ATTR_MODE;
      mode &= ~Lower.S_ISGID;
    }
  }

  /** fuse_do_setattr() up to its request. Returns true if it finished without one. */
  @Mirrors(fn = "fuse_do_setattr", file = "fs/fuse/dir.c", patches = {19},
      doc = "Up to SETATTR; from 19 a SETATTR backing applies the change without a request.")
  private boolean sendSetattr(Kernel k, Syscall s) {
    if (iaValid == 0) {
      return fail(0);
    }
    if ((iaValid & Dir.ATTR_SIZE) != 0) {
      if (k.dir.warnSizeOnNonRegular(fi)) {
        return fail(-Errno.EIO.value);
      }
      isTruncate = true;
    }
    if ((iaValid & Dir.ATTR_OPEN) != 0) {
      if (k.fc.atomicOTrunc) { // the OPEN already truncated; only the page cache is left
        fi.attr = fi.attr.withSize(0);
        fi.pages.clear();
        return fail(0);
      }
      file = null;
      iaValid &= ~Dir.ATTR_FILE;
    }
    if (k.sem.has(19) && k.inodePt.fuseInodePassthroughOp(fi, InodePassthrough.OP_SETATTR)) {
      return fail(backingInodeSetattr(k, s)); // v2 19/21: no FUSE_SETATTR
    }
    if (isTruncate) {
      fi.set(FuseInode.FUSE_I_SIZE_UNSTABLE);
    }
    long valid = k.dir.fuseSetattrValid(fi, iaValid, file != null, s.thread.capable());
    attrVersion = k.fc.attrVersion;
    // fuse_do_setattr(): iattr_to_fattr() fills mode/uid/gid/size under their FATTR bits; fh with FATTR_FH
    req = k.dev.send(s, Opcode.SETATTR, fi.nodeid, null, valid, mode, uid, gid, size,
        file != null ? file.ff.fh : 0);
    pc = SETATTR_SENT;
    return false;
  }

  /**
   * backing_inode_setattr() (v2 18/21, after ovl_setattr) as fuse_setattr() calls it (19/21):
   * setattr_prepare() with the caller's credentials unless forced (A15), then notify_change() on
   * the backing inode under fb->cred, then backing_inode_copyattr() (17/21; v1 only invalidates the
   * cached attributes). ATTR_FILE and ATTR_OPEN are dropped, which the model cannot observe.
   */
  @Mirrors(fn = "backing_inode_setattr", file = "fs/backing-inode.c (INF)", patches = {18, 19},
      doc = "Setattr of an inode whose lifetime backing grants SETATTR is applied to the backing "
          + "inode with the server's credentials after the caller's permission check (A15).")
  private int backingInodeSetattr(Kernel k, Syscall s) {
    Lower.Node n = fi.fb.file;
    if (k.sem.is(Assumption.SETATTR_PERMISSION, "caller-checked")) {
      int e = setattrPrepare(n, s.thread);
      if (e != 0) {
        return e;
      }
    }
    if ((iaValid & Dir.ATTR_MODE) != 0) {
      n.mode = (n.mode & Lower.S_IFMT) | (mode & 07777);
    }
    if ((iaValid & Dir.ATTR_UID) != 0) {
      n.uid = uid;
    }
    if ((iaValid & Dir.ATTR_GID) != 0) {
      n.gid = gid;
    }
    if ((iaValid & Dir.ATTR_SIZE) != 0) {
      if (n.size != size) {
        n.mtime = k.now;
      }
      n.size = size;
      fi.pages.clear();
    }
    if ((iaValid & Dir.ATTR_MTIME) != 0) {
      n.mtime = k.now;
    }
    n.ctime = k.now;
    if (k.sem.has(17)) {
      k.inodePt.copyattr(fi);
    } else {
      fi.invalMask = Dir.STATX_BASIC_STATS;
    }
    return 0;
  }

  /**
   * setattr_prepare() (fs/attr.c) without ATTR_FORCE: changing the owner needs CAP_CHOWN, the
   * mode the owner or CAP_FOWNER; a size change was permitted by the open or truncate path.
   */
  @Mirrors(fn = "setattr_prepare", file = "fs/attr.c",
      doc = "Without ATTR_FORCE: chown needs CAP_CHOWN, chmod the owner or CAP_FOWNER.")
  private int setattrPrepare(Lower.Node n, UserThread t) {
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
    return 0;
  }

  private boolean fail(int e) {
    err = e;
    return true;
  }
}
