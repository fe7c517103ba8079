package fusesim.model.fuse;

import fusesim.model.Lower;

/**
 * struct fuse_attr as carried in entry and attr replies (include/uapi/linux/fuse.h), reduced to
 * the fields the model uses.
 */
public record FuseAttr(long ino, int mode, long size, int nlink, int uid, int gid, long mtime,
    long ctime) {

  public static FuseAttr of(Lower.Node n) {
    return new FuseAttr(n.ino, n.mode, n.size, n.nlink, n.uid, n.gid, n.mtime, n.ctime);
  }

  public FuseAttr withIno(long v) {
    return new FuseAttr(v, mode, size, nlink, uid, gid, mtime, ctime);
  }

  public FuseAttr withMode(int v) {
    return new FuseAttr(ino, v, size, nlink, uid, gid, mtime, ctime);
  }

  public FuseAttr withSize(long v) {
    return new FuseAttr(ino, mode, v, nlink, uid, gid, mtime, ctime);
  }

  public FuseAttr withOwner(int u, int g) {
    return new FuseAttr(ino, mode, size, nlink, u, g, mtime, ctime);
  }

  public FuseAttr withNlink(int v) {
    return new FuseAttr(ino, mode, size, v, uid, gid, mtime, ctime);
  }
}
