package fusesim.model.vfs;

import fusesim.model.Errno;
import fusesim.model.Kernel;
import fusesim.model.Mirrors;
import fusesim.model.SysResult;
import fusesim.model.Syscall;
import fusesim.model.UserThread;
import fusesim.model.fuse.Dir;
import fusesim.model.fuse.FuseAttr;
import fusesim.model.fuse.FuseInode;
import fusesim.model.series.InodePassthrough;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fs/stat.c: stat(2), lstat(2), fstat(2) (vfs_statx → fuse_getattr).
 */
public final class Stat {
  private Stat() {}

  /** stat(2)/lstat(2)/fstat(2) → fuse_getattr() → fuse_update_get_attr(). */
  static final class VfsStatx extends Syscall {
    private final String path;
    private final int fd;
    private Namei.Walk walk;
    private Dir.GetattrOp op;
    private Dentry d;

    VfsStatx(UserThread t, String path, int fd, boolean follow) {
      super(t);
      this.path = path;
      this.fd = fd;
      Namei.Walk w = path == null ? null : new Namei.Walk(path, false, false, false);
      this.walk = w == null || follow ? w : w.noFollow();
    }

    @Override
    public String name() {
      return path == null ? "fstat" : "stat";
    }

    @Override
    @Mirrors(fn = "vfs_statx", file = "fs/stat.c", patches = {6},
        doc = "stat/fstat: fuse_getattr -> fuse_update_get_attr; from 06 a GETATTR backing "
            + "answers.")
    protected boolean run(Kernel k) {
      if (pc == 0) {
        FuseInode fi;
        KFile f = null;
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
          fi = f.ff.inode;
        }
        // vfs_fstat() → vfs_getattr(&file->f_path): fuse_getattr() has no file, so even fstat's
        // GETATTR has no FUSE_GETATTR_FH (seen on 6.18.44)
        op = new Dir.GetattrOp(fi, null, Dir.STATX_BASIC_STATS);
        pc = 1;
      }
      if (!op.run(k, this)) {
        return false;
      }
      if (d != null) {
        k.dcache.dput(d);
      }
      if (op.err != 0) {
        return done(op.err);
      }
      FuseInode fi = op.inode();
      if (k.inodePt.fuseInodePassthroughOp(fi, InodePassthrough.OP_GETATTR)) {
        fi.ghostStatReturned = op.attr; // ghost for ATTR-COHERENCE
        fi.ghostStatBacking = FuseAttr.of(fi.fb.file);
        if (fi.ghostMappedStoreAt >= 0) { // ghost for MTIME-MAPPED-WRITE
          fi.ghostStatAfterStore = op.attr;
          fi.ghostStatAfterStoreAt = fi.ghostMappedStoreAt;
        }
      }
      return done(new SysResult(0, statFields(op.attr), List.of(), null));
    }
  }

  /** struct stat as the trace sees it. */
  public static Map<String, Long> statFields(FuseAttr a) {
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
