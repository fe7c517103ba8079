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
   * should_remove_suid() (fs/inode.c): the kill bits a write or truncate by a thread without
   * CAP_FSETID must apply to this mode.
   */
  static int shouldRemoveSuid(int mode, UserThread t) {
    int kill = 0;
    if ((mode & Lower.S_ISUID) != 0) {
      kill = Dir.ATTR_KILL_SUID;
    }
    if ((mode & Lower.S_ISGID) != 0 && (mode & Lower.S_IXGRP) != 0) {
      kill |= Dir.ATTR_KILL_SGID;
    }
    boolean reg = (mode & Lower.S_IFMT) == Lower.S_IFREG;
    return kill != 0 && !t.capable() && reg ? kill : 0;
  }

  boolean run(Kernel k, Syscall s) {
    while (true) {
      switch (pc) {
        case START:
          if (fi.isBad()) {
            return fail(-Errno.EIO.value);
          }
          if ((iaValid & (Dir.ATTR_KILL_SUID | Dir.ATTR_KILL_SGID)) != 0) {
            iaValid &= ~(Dir.ATTR_KILL_SUID | Dir.ATTR_KILL_SGID | Dir.ATTR_MODE);
            if (!k.fc.handleKillpriv && !k.fc.handleKillprivV2) {
              attrVersion = k.fc.attrVersion;
              long fh = file != null && fi.isReg() ? file.ff.fh : 0;
              req = k.dev.send(s, Opcode.GETATTR, fi.nodeid, null, fh); // fuse_do_getattr()
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
    if (isTruncate) {
      fi.set(FuseInode.FUSE_I_SIZE_UNSTABLE);
    }
    long valid = k.dir.fuseSetattrValid(fi, iaValid, file != null, s.thread.capable());
    attrVersion = k.fc.attrVersion;
    req = k.dev.send(s, Opcode.SETATTR, fi.nodeid, null, valid, mode, uid, gid, size);
    pc = SETATTR_SENT;
    return false;
  }

  private boolean fail(int e) {
    err = e;
    return true;
  }
}
