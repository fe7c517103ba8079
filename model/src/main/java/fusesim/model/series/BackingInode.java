package fusesim.model.series;

import fusesim.model.Kernel;
import fusesim.model.Lower;
import fusesim.model.Mirrors;
import fusesim.model.Syscall;
import fusesim.model.fuse.Dir;
import fusesim.model.fuse.FuseAttr;
import fusesim.model.fuse.FuseInode;
import fusesim.model.vfs.Attr;

/**
 * fs/backing-inode.c, a file the series adds (its name and contents inferred, INF: after
 * overlayfs' ovl_copyattr and ovl_setattr, v2 17/21 and 18/21): the fuse inode's attributes
 * copied from its lifetime backing inode, and a setattr applied to the backing inode.
 */
public final class BackingInode {
  private BackingInode() {}

  /**
   * backing_inode_copyattr() (v2 17/21, after ovl_copyattr): the fuse inode's owner, mode, times and
   * size are copied from the backing inode; the attributes count as fresh.
   */
  @Mirrors(fn = "backing_inode_copyattr", file = "fs/backing-inode.c (INF)", patches = {17},
      doc = "Copy uid, gid, mode, times and size from the backing inode to the fuse inode.")
  public static void copyattr(Kernel k, FuseInode fi) {
    FuseAttr a = k.inodePt.passthroughGetattr(fi);
    fi.attr = new FuseAttr(fi.attr.ino(), a.mode(), a.size(), a.nlink(), a.uid(), a.gid(), a.mtime(),
        a.ctime());
    fi.attrVersion = ++k.fc.attrVersion;
    fi.invalMask = 0;
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
  public static int setattr(Kernel k, Syscall s, FuseInode fi, int iaValid, int mode, int uid,
      int gid, long size) {
    Lower.Node n = fi.fb.file;
    if (k.sem.is(Assumption.SETATTR_PERMISSION, "caller-checked")) {
      int e = Attr.setattrPrepare(iaValid, uid, gid, n, s.thread);
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
      n.truncate(size);
      fi.pages.clear();
    }
    if ((iaValid & Dir.ATTR_MTIME) != 0) {
      n.mtime = k.now; // a time utimensat(2) gave is the call's tick too (vfs.Utimes)
    }
    if ((iaValid & Dir.ATTR_ATIME) != 0) {
      n.atime = k.now;
    }
    n.ctime = k.now;
    if (k.sem.has(17)) {
      copyattr(k, fi);
    } else {
      fi.invalMask = Dir.STATX_BASIC_STATS;
    }
    return 0;
  }
}
