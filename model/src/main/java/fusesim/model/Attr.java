package fusesim.model;

/**
 * struct fuse_attr as carried in entry and attr replies (include/uapi/linux/fuse.h), reduced to
 * the fields the model uses.
 */
public record Attr(long ino, int mode, long size, int nlink, int uid, int gid, long mtime,
    long ctime) {

  public static Attr of(Lower.Node n) {
    return new Attr(n.ino, n.mode, n.size, n.nlink, n.uid, n.gid, n.mtime, n.ctime);
  }

  public Attr withIno(long v) {
    return new Attr(v, mode, size, nlink, uid, gid, mtime, ctime);
  }

  public Attr withMode(int v) {
    return new Attr(ino, v, size, nlink, uid, gid, mtime, ctime);
  }

  public Attr withSize(long v) {
    return new Attr(ino, mode, v, nlink, uid, gid, mtime, ctime);
  }

  public Attr withOwner(int u, int g) {
    return new Attr(ino, mode, size, nlink, u, g, mtime, ctime);
  }

  public Attr withNlink(int v) {
    return new Attr(ino, mode, size, v, uid, gid, mtime, ctime);
  }
}
