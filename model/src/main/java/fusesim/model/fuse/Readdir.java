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
import fusesim.model.vfs.Dentry;
import fusesim.model.vfs.KFile;
import java.util.List;

/**
 * fs/fuse/readdir.c: getdents(2) → fuse_readdir(): READDIR or READDIRPLUS.
 */
public final class Readdir {
  private final Kernel k;

  public Readdir(Kernel k) {
    this.k = k;
  }

  /**
   * fuse_use_readdirplus(): READDIRPLUS needs FUSE_DO_READDIRPLUS; without READDIRPLUS_AUTO it is
   * always used; with it, when a lookup in this directory advised it (FUSE_I_ADVISE_RDPLUS, cleared
   * here) or at position 0.
   */
  @Mirrors(fn = "fuse_use_readdirplus", file = "fs/fuse/readdir.c",
      doc = "READDIRPLUS if negotiated; with READDIRPLUS_AUTO only when advised or at pos 0.")
  public boolean fuseUseReaddirplus(FuseInode dir, long pos) {
    if (!k.fc.doReaddirplus) {
      return false;
    }
    if (!k.fc.readdirplusAuto) {
      return true;
    }
    if (dir.test(FuseInode.FUSE_I_ADVISE_RDPLUS)) {
      dir.clear(FuseInode.FUSE_I_ADVISE_RDPLUS);
      return true;
    }
    return pos == 0;
  }

  /**
   * fuse_direntplus_link(): one READDIRPLUS record instantiates its dentry and inode. nodeid 0,
   * "." and ".." are not linked; an invalid nodeid or attributes is EIO; a cached dentry of the
   * same, fresh inode counts a lookup and takes the attributes; a negative one, another nodeid or
   * a stale inode (made bad) is invalidated and a new dentry allocated; a new dentry gets the
   * inode from fuse_iget. The record carries fuse_entry_out, never entry2, so under the series no
   * backing is attached (readdirplus-instantiated inodes get no backing, SEEN v1 cover letter;
   * the v2 server's do_lookup(..., setup_backing = !plus), SEEN-libfuse). Returns 0 or -errno;
   * the caller sends FORGET(nodeid, 1) for an error (fuse_force_forget).
   */
  @Mirrors(fn = "fuse_direntplus_link", file = "fs/fuse/readdir.c",
      doc = "Link one READDIRPLUS entry: nlookup+1 on a cached inode, else fuse_iget; never a "
          + "backing (fuse_entry_out).")
  public int fuseDirentplusLink(Dentry parent, String name, Reply.Entry o, long attrVersion) {
    if (o.nodeid() == 0 || name.equals(".") || name.equals("..")) {
      return 0;
    }
    if (o.nodeid() == 1 || FuseInode.fuseInvalidAttr(o.attr())) {
      return -Errno.EIO.value;
    }
    long epoch = k.fc.epoch;
    Dentry d = k.dcache.dLookup(parent, name);
    if (d != null && d.inLookupBy != null) {
      return -Errno.EAGAIN.value; // d_alloc_parallel() would wait: not modelled (see below)
    }
    FuseInode fi = d == null ? null : d.inode;
    if (d != null && fi != null && fi.nodeid == o.nodeid()
        && !Inode.fuseStaleInode(fi, o.generation(), o.attr())) {
      if (fi.isBad()) {
        return -Errno.EIO.value;
      }
      fi.nlookup++;
      k.inodes.fuseChangeAttributes(fi, o.attr(), o.attrValidNs(), attrVersion);
    } else {
      if (fi != null && fi.nodeid == o.nodeid()) {
        fi.fuseMakeBad(); // fuse_stale_inode(): generation or type changed
      }
      if (d != null) {
        k.dcache.dInvalidate(d);
      }
      fi = k.inodes.fuseIget(o.nodeid(), o.generation(), o.attr(), o.attrValidNs(), attrVersion);
      d = k.dcache.dAllocParallel(parent, name, null);
      d.inode = fi; // d_splice_alias()
      k.dcache.dLookupDone(d);
      d.dCount--; // dput(dentry): the dentry stays cached, unused
    }
    if (k.fc.readdirplusAuto) {
      fi.set(FuseInode.FUSE_I_INIT_RDPLUS);
    }
    d.dTime = epoch;
    k.dir.fuseChangeEntryTimeout(d, o);
    return 0;
  }

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
        if (k.readdir.fuseDirentplusLink(f.dentry, r.names().get(i), e, attrVersion) != 0) {
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
          plus = k.readdir.fuseUseReaddirplus(f.ff.inode, f.ff.dirPos);
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
