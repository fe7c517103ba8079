package fusesim.model.fuse;

import fusesim.model.Errno;
import fusesim.model.Kernel;
import fusesim.model.Mirrors;
import fusesim.model.Opcode;
import fusesim.model.Reply;
import fusesim.model.SysResult;
import fusesim.model.Syscall;
import fusesim.model.UserThread;
import fusesim.model.series.InodePassthrough;
import fusesim.model.vfs.KFile;
import java.util.List;

/**
 * fs/fuse/readdir.c: getdents(2) → fuse_readdir(): READDIR or READDIRPLUS.
 */
public final class Readdir {
  private Readdir() {}

  /**
   * getdents(FD): the directory read to its end, as a program's readdir loop does: getdents64(2)
   * → fuse_readdir() → fuse_readdir_uncached() sends one READDIR per call at the file position,
   * until a reply is empty (READDIRPLUS instead when fuse_use_readdirplus() says so: its records
   * instantiate dentries and inodes). The result is the number of entries.
   */
  public static final class Getdents extends Syscall {
    private final int fd;
    private final List<String> names = new java.util.ArrayList<>();
    private KFile f;
    private Request req;
    private boolean plus;
    private long attrVersion;

    public Getdents(UserThread t, int fd) {
      super(t);
      this.fd = fd;
    }

    @Override
    public String name() {
      return "getdents";
    }

    /**
     * parse_dirplusfile(): every record is emitted and linked (entries past the user buffer too);
     * a record whose link fails gets FORGET(nodeid, 1) (fuse_force_forget) and the listing goes on.
     */
    @Mirrors(fn = "parse_dirplusfile", file = "fs/fuse/readdir.c",
        doc = "Each READDIRPLUS record is linked (fuse_direntplus_link); a failed link sends "
            + "FORGET(nodeid, 1).")
    private void parseDirplus(Kernel k, Reply.DirentsPlus r) {
      for (int i = 0; i < r.names().size(); i++) {
        Reply.Entry e = r.entries().get(i);
        if (k.dir.fuseDirentplusLink(f.dentry, r.names().get(i), e, attrVersion) != 0) {
          k.dev.queueForget(e.nodeid(), 1);
        }
      }
      f.ff.dirPos = r.nextOffset();
    }

    @Override
    @Mirrors(fn = "fuse_readdir", file = "fs/fuse/readdir.c", patches = {4},
        doc = "getdents64: READDIR (READDIRPLUS if fuse_use_readdirplus) per call until an empty "
            + "reply; from 04 a READDIR backing is read instead.")
    protected boolean run(Kernel k) {
      while (true) {
        if (pc == 0) {
          f = k.fdtable.fdget(this, fd);
          if (f == null) {
            return done(-Errno.EBADF.value);
          }
          if (!f.ff.isDir) {
            return done(-Errno.ENOTDIR.value);
          }
          pc = 1;
        }
        if (pc == 1) {
          if (f.ff.inode.isBad()) {
            return done(-Errno.EIO.value);
          }
          if (k.sem.has(4) && f.ff.passthrough != null
              && (f.ff.passthroughOps & InodePassthrough.OP_READDIR) != 0) {
            return done(k.inodePt.passthroughReaddir(f.ff)); // v2 04/21: no FUSE_READDIR
          }
          plus = k.dir.fuseUseReaddirplus(f.ff.inode, f.ff.dirPos);
          attrVersion = k.fc.attrVersion; // fuse_get_attr_version(), before the request
          req = k.dev.send(this, plus ? Opcode.READDIRPLUS : Opcode.READDIR, f.ff.nodeid, null,
              f.ff.dirPos, 4096, f.ff.fh);
          pc = 2;
        }
        if (!await(req)) {
          return false;
        }
        // fuse_readdir_uncached() (fs/fuse/readdir.c) calls fuse_invalidate_atime() whatever the
        // reply (seen on 6.18.44: after a crash, getdents fails and the next stat sends GETATTR)
        f.ff.inode.invalMask |= Dir.STATX_ATIME;
        if (req.error() != 0) {
          return done(req.error());
        }
        List<String> got = plus ? ((Reply.DirentsPlus) req.reply).names()
            : ((Reply.Dirents) req.reply).names();
        if (got.isEmpty()) {
          return done(new SysResult(names.size(), java.util.Map.of(), List.copyOf(names), null));
        }
        names.addAll(got);
        if (plus) {
          parseDirplus(k, (Reply.DirentsPlus) req.reply);
        } else {
          f.ff.dirPos = ((Reply.Dirents) req.reply).nextOffset();
        }
        pc = 1;
      }
    }
  }
}
