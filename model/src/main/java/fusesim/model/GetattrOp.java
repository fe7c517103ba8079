package fusesim.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * fuse_getattr() → fuse_update_get_attr() → fuse_do_getattr() (fs/fuse/dir.c) as a sub-machine:
 * GETATTR is sent when a requested attribute is invalid or the attributes expired; otherwise the
 * cached attributes are returned. Also used for fuse_update_attributes(inode, file, mask).
 */
final class GetattrOp {
  private final FuseInode fi;
  private final KFile file;
  private final int requestMask;
  private Request req;
  private long attrVersion;
  private boolean sent;
  int err;
  /** The attributes returned: from the reply (fuse_fillattr) or from the inode. */
  Attr attr;

  GetattrOp(FuseInode fi, KFile file, int requestMask) {
    this.fi = fi;
    this.file = file;
    this.requestMask = requestMask;
  }

  FuseInode inode() {
    return fi;
  }

  @Mirrors(fn = "fuse_getattr", file = "fs/fuse/dir.c", patches = {6},
      doc = "fuse_update_get_attr: GETATTR if needed, else the cached attributes; from 06 a "
          + "GETATTR backing answers.")
  boolean run(Kernel k, Syscall s) {
    if (!sent) {
      if (fi.isBad()) {
        err = -Errno.EIO.value;
        return true;
      }
      if (k.sem.has(6) && k.inodePt.fuseInodePassthroughOp(fi, InodePassthrough.OP_GETATTR)
          && !(k.faults.on(Fault.GETATTR_SERVES_CACHE_FIRST)
              && !k.dir.fuseUpdateGetAttrNeedsSync(fi, requestMask))) {
        attr = k.inodePt.passthroughGetattr(fi); // v2 06/21: no FUSE_GETATTR
        k.inodePt.copyattr(fi);
        return true;
      }
      if (!k.dir.fuseUpdateGetAttrNeedsSync(fi, requestMask)) {
        attr = fi.attr;
        return true;
      }
      attrVersion = k.fc.attrVersion;
      boolean withFh = file != null && fi.isReg(); // fuse_do_getattr(): FUSE_GETATTR_FH for regular files
      req = k.dev.send(s, Opcode.GETATTR, fi.nodeid, null, withFh ? file.ff.fh : 0,
          withFh ? Dir.FUSE_GETATTR_FH : 0);
      sent = true;
    }
    if (!s.await(req)) {
      return false;
    }
    err = k.dir.fuseDoGetattrReply(fi, req, attrVersion);
    if (err == 0) {
      Attr out = ((Reply.AttrOut) req.reply).attr();
      attr = new Attr(out.ino(), (fi.attr.mode() & Lower.S_IFMT) | (out.mode() & 07777), out.size(),
          out.nlink(), out.uid(), out.gid(), out.mtime(), out.ctime());
    }
    return true;
  }

  /** struct stat as the trace sees it. */
  static Map<String, Long> statFields(Attr a) {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("ino", a.ino());
    m.put("size", a.size());
    m.put("mode", (long) a.mode());
    m.put("nlink", (long) a.nlink());
    m.put("uid", (long) a.uid());
    m.put("gid", (long) a.gid());
    m.put("mtime", a.mtime());
    m.put("ctime", a.ctime());
    return m;
  }
}
