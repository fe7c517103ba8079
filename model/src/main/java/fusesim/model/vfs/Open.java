package fusesim.model.vfs;

import fusesim.model.Errno;
import fusesim.model.Kernel;
import fusesim.model.Locks;
import fusesim.model.Lower;
import fusesim.model.Mirrors;
import fusesim.model.NotModelled;
import fusesim.model.Opcode;
import fusesim.model.Reply;
import fusesim.model.Syscall;
import fusesim.model.UserThread;
import fusesim.model.WaitQueue;
import fusesim.model.fuse.Dir;
import fusesim.model.fuse.File;
import fusesim.model.fuse.FuseFile;
import fusesim.model.fuse.FuseInode;
import fusesim.model.fuse.Iomode;
import fusesim.model.fuse.Request;

/**
 * fs/open.c: open(2) (do_sys_open, whose FUSE part is fuse_atomic_open/fuse_open and
 * fuse_finish_open) and close(2) (filp_close → fuse_flush → fput).
 */
public final class Open {
  private Open() {}

  /**
   * open(2): path walk, then fuse_atomic_open()/fuse_create_open() (CREATE) for a new name with
   * O_CREAT, or fuse_open()/fuse_dir_open() (OPEN/OPENDIR) → fuse_finish_open() →
   * fuse_file_io_open(); a failure in io-mode setup sends a synchronous RELEASE (fuse_sync_release)
   * and returns EIO. O_TRUNC without atomic_o_trunc then truncates with SETATTR (handle_truncate).
   */
  static final class DoSysOpen extends Syscall {
    private static final int WALK = 0, CREATE_LOCK = 1, CREATE_SENT = 2, OPEN_SENT = 3,
        IO_OPEN = 4, SYNC_RELEASE = 5, TRUNC_LOCK = 6, TRUNC = 7, TRUNC_KILLPRIV = 8,
        PERM_OPEN = 9, PERM_CREATED = 10;
    private final KillprivCheck killpriv = new KillprivCheck();
    private final int flags;
    private final int mode;
    private final Namei.Walk walk;
    private Dentry d;
    private FuseInode fi;
    private FuseFile ff;
    private KFile file;
    private Request req;
    private Dir.SetattrOp trunc;
    /** may_open()'s inode_permission() (default_permissions only). */
    private Dir.Permission perm;
    private long attrVersion;
    private boolean created;

    DoSysOpen(UserThread t, String path, int flags, int mode) {
      super(t);
      this.flags = flags;
      this.mode = mode;
      boolean creat = (flags & Uapi.O_CREAT) != 0;
      Namei.Walk w = new Namei.Walk(path, false, creat, creat && (flags & Uapi.O_EXCL) != 0);
      if (creat) {
        w.openCreate();
      }
      this.walk = creat && (flags & Uapi.O_EXCL) != 0 ? w.noFollow() : w; // O_CREAT|O_EXCL: no follow
    }

    @Override
    public String name() {
      return "open";
    }

    /** The fd get_unused_fd_flags() reserved when the call started, or -1. */
    private int reservedFd = -1;

    @Override
    @Mirrors(fn = "do_sys_open", file = "fs/open.c", patches = {3, 15},
        doc = "open(2): walk, CREATE or OPEN/OPENDIR, fuse_finish_open, fuse_file_io_open; io-mode "
            + "failure: sync RELEASE, EIO.")
    protected boolean run(Kernel k) {
      if (reservedFd < 0) {
        reservedFd = k.fdtable.reserveFd(); // do_sys_openat2(): get_unused_fd_flags() before the walk
      }
      boolean finished = step(k);
      if (finished && result.value() < 0) {
        k.fdtable.unreserveFd(reservedFd); // put_unused_fd()
      }
      return finished;
    }

    private boolean step(Kernel k) {
      while (true) {
        switch (pc) {
          case WALK:
            if (!walk.run(k, this)) {
              return false;
            }
            if (walk.err != 0) {
              return done(walk.err);
            }
            d = walk.result;
            if (d.inode == null) {
              if (walk.createErr != 0) { // lookup_open(): the LOOKUP's ENOENT becomes create_error
                if (walk.keptDirLock) {
                  Locks.upWrite(k, d.parent.inode);
                }
                return fail(k, walk.createErr);
              }
              pc = CREATE_LOCK;
              break;
            }
            if ((flags & (Uapi.O_CREAT | Uapi.O_EXCL)) == (Uapi.O_CREAT | Uapi.O_EXCL)) {
              return fail(k, -Errno.EEXIST.value);
            }
            perm = k.fc.defaultPermissions ? Namei.mayOpen(d.inode, flags) : null;
            pc = PERM_OPEN;
            break;
          case PERM_OPEN:
            if (perm != null && !perm.run(k, this)) {
              return false;
            }
            if (perm != null && perm.err != 0) {
              return fail(k, perm.err);
            }
            if (sendOpen(k)) {
              return true;
            }
            break;
          case CREATE_LOCK:
            if (!walk.keptDirLock && !Locks.downWrite(k, d.parent.inode, this)) {
              return false; // lookup_open(): inode_lock(dir) for O_CREAT (held since the lookup)
            }
            attrVersion = k.fc.attrVersion;
            req = k.dev.send(this, Opcode.CREATE, d.parent.inode.nodeid, d.name, createFlags(),
                Lower.S_IFREG | (mode & 07777));
            pc = CREATE_SENT;
            break;
          case CREATE_SENT:
            if (!await(req)) {
              return false;
            }
            Locks.upWrite(k, d.parent.inode);
            if (created(k)) {
              return true;
            }
            break;
          case OPEN_SENT:
            if (!await(req)) {
              return false;
            }
            int err = k.files.fuseFileOpenReply(ff, req);
            if (err != 0) {
              return fail(k, err);
            }
            pc = IO_OPEN;
            break;
          case IO_OPEN:
            if (ff.isDir && k.inodePt.dirPassthrough() && (ff.openFlags & Iomode.FOPEN_PASSTHROUGH) != 0
                && k.inodePt.dirPassthroughOpen(ff) != 0) {
              syncRelease(k); // v2 03/21: a directory passthrough open that fails is EIO
              break;
            }
            if (!ff.isDir) {
              int e = k.iomode.fuseFileIoOpen(fi, ff);
              if (e == Iomode.WAIT) {
                return sleep(new WaitQueue(fi, WaitQueue.Kind.DIRECT_IO_WAITQ));
              }
              if (e != 0) {
                syncRelease(k);
                break;
              }
            }
            if (opened(k)) {
              return true;
            }
            break;
          case PERM_CREATED:
            if (!perm.run(k, this)) {
              return false;
            }
            if (perm.err != 0) {
              k.fdtable.fput(file); // do_open() fails after the open: fput, no FLUSH
              return done(perm.err);
            }
            return done(k.fdtable.installFd(reservedFd, file));
          case SYNC_RELEASE:
            if (req != null && !await(req)) {
              return false;
            }
            return fail(k, -Errno.EIO.value);
          case TRUNC_KILLPRIV:
            if (!killpriv.run(k, this, fi)) {
              return false; // handle_truncate() → do_truncate() → dentry_needs_remove_privs()
            }
            if (k.fc.atomicOTrunc) {
              fi.attr = fi.attr.withSize(0); // the OPEN truncated: only local state is left
              fi.pages.clear();
              return done(k.fdtable.installFd(reservedFd, file));
            }
            pc = TRUNC_LOCK;
            break;
          case TRUNC_LOCK:
            if (!Locks.downWrite(k, fi, this)) {
              return false;
            }
            int kill = Attr.shouldRemoveSuid(fi.attr, thread);
            ghostPrivs = fi;
            trunc = new Dir.SetattrOp(fi, null,
                Dir.ATTR_SIZE | Dir.ATTR_MTIME | Dir.ATTR_CTIME | Dir.ATTR_OPEN | kill, 0, 0, 0, 0);
            pc = TRUNC;
            break;
          case TRUNC:
            if (!trunc.run(k, this)) {
              return false;
            }
            Locks.upWrite(k, fi);
            if (trunc.err != 0) {
              k.fdtable.fput(file); // the open file goes away again (no FLUSH: never installed)
              return done(trunc.err);
            }
            return done(k.fdtable.installFd(reservedFd, file));
          default:
            throw new IllegalStateException("open pc " + pc);
        }
      }
    }

    /**
     * The file's f_flags as ->open sees them: build_open_how() (fs/open.c) adds O_LARGEFILE
     * (force_o_largefile() on 64-bit); do_dentry_open() clears O_CREAT, O_EXCL, O_NOCTTY and
     * O_TRUNC only after ->open.
     */
    private int fFlags() {
      return flags | Uapi.O_LARGEFILE;
    }

    /**
     * fuse_create_open()'s inarg.flags: lookup_open() drops O_TRUNC with O_EXCL, fuse_create_open()
     * drops O_NOCTTY; O_CREAT and O_EXCL stay. Its mode is build_open_flags()'s op->mode:
     * S_IFREG | (mode & S_IALLUGO), before the umask (not modelled: traces use umask-022-invariant
     * modes, as for MKDIR).
     */
    private int createFlags() {
      int f = fFlags() & ~Uapi.O_NOCTTY;
      return (flags & Uapi.O_EXCL) != 0 ? f & ~Uapi.O_TRUNC : f;
    }

    /** fuse_open() / fuse_dir_open() up to the request. Returns true if the open finished. */
    private boolean sendOpen(Kernel k) {
      fi = d.inode;
      boolean isDir = fi.isDir();
      if ((flags & Uapi.O_DIRECTORY) != 0 && !isDir) {
        return fail(k, -Errno.ENOTDIR.value);
      }
      if (isDir && ((flags & Uapi.O_ACCMODE) != 0 || (flags & Uapi.O_CREAT) != 0)) {
        return fail(k, -Errno.EISDIR.value); // do_open(): O_CREAT on a directory; may_open()
      }
      if (fi.isBad()) {
        return fail(k, -Errno.EIO.value);
      }
      ff = k.files.fuseFileAlloc(fi, isDir);
      if (!isDir && k.inodePt.kernelOpen(ff)) {
        pc = IO_OPEN; // v1: kernel-initiated open of the lifetime backing, no FUSE_OPEN
        return false;
      }
      boolean open = isDir ? !k.fc.noOpendir : !k.fc.noOpen;
      if (!open) {
        ff.hasArgs = !isDir;
        pc = IO_OPEN;
        return false;
      }
      // fuse_send_open() (fs/fuse/file.c): f_flags without O_CREAT, O_EXCL, O_NOCTTY, and without
      // O_TRUNC unless atomic_o_trunc
      int sent = fFlags() & ~(Uapi.O_CREAT | Uapi.O_EXCL | Uapi.O_NOCTTY)
          & (k.fc.atomicOTrunc ? ~0 : ~Uapi.O_TRUNC);
      req = k.dev.send(this, isDir ? Opcode.OPENDIR : Opcode.OPEN, fi.nodeid, null, sent);
      pc = OPEN_SENT;
      return false;
    }

    /** fuse_create_open() after CREATE. Returns true if the open finished (with an error). */
    private boolean created(Kernel k) {
      int err = req.error();
      if (err != 0) {
        if (err == -Errno.EEXIST.value) {
          k.dcache.dInvalidate(d); // fuse_invalidate_entry()
        }
        if (err == -Errno.ENOSYS.value) {
          throw new NotModelled("CREATE answered ENOSYS (the MKNOD + OPEN fallback)");
        }
        return fail(k, err);
      }
      Reply.Create c = (Reply.Create) req.reply;
      fi = k.dir.fuseCreateReply(d, c.entry(), attrVersion);
      if (fi == null) {
        return fail(k, -Errno.EIO.value); // fuse_file_free(ff): no RELEASE, no FORGET
      }
      created = true;
      ff = k.files.fuseFileAlloc(fi, false);
      ff.fh = c.open().fh();
      ff.openFlags = c.open().openFlags();
      ff.openBackingId = c.open().backingId();
      if (k.sem.has(15) && k.dir.entryAttach(fi, c.entry()) != 0) {
        // v2 15/21: the entry's backing could not be attached (FORGET queued, inode put): the
        // server's open is released as after a failed io-mode setup.
        d.inode = null;
        syncRelease(k);
        return false;
      }
      pc = IO_OPEN;
      return false;
    }

    /** A failed io-mode setup: the server's open is released ({@link File#fuseSyncRelease}). */
    private void syncRelease(Kernel k) {
      // fuse_open(): fuse_sync_release(fi, ff, file->f_flags) before do_dentry_open() clears
      // them; fuse_create_open(): its own flags, as CREATE carried them
      req = k.files.fuseSyncRelease(this, ff, created ? createFlags() : fFlags());
      pc = SYNC_RELEASE;
    }

    /** The open succeeded: a struct file; then O_TRUNC, then the fd. True if finished. */
    private boolean opened(Kernel k) {
      k.openFiles.add(ff);
      if (!ff.isDir && (ff.openFlags & Iomode.FOPEN_KEEP_CACHE) == 0) {
        fi.pages.clear(); // invalidate_inode_pages2() unless FOPEN_KEEP_CACHE
      }
      ff.pagesAtOpen = fi.pages.cardinality();
      // do_dentry_open() (fs/open.c): after ->open, f_flags lose O_CREAT, O_EXCL, O_NOCTTY and
      // O_TRUNC; what stays is what RELEASE carries at the last close (fuse_prepare_release())
      file = new KFile(k.nextSerial++, d, ff,
          fFlags() & ~(Uapi.O_CREAT | Uapi.O_EXCL | Uapi.O_NOCTTY | Uapi.O_TRUNC));
      if (created && k.fc.defaultPermissions) {
        // do_open(): may_open() with acc_mode 0 after the atomic open: MAY_OPEN alone never
        // refuses, but fuse_permission() refreshes stale attributes (GETATTR)
        perm = new Dir.Permission(fi, Namei.MAY_OPEN);
        pc = PERM_CREATED;
        return false;
      }
      boolean truncate = (flags & Uapi.O_TRUNC) != 0 && !created && fi.isReg();
      if (truncate) {
        pc = TRUNC_KILLPRIV;
        return false;
      }
      return done(k.fdtable.installFd(reservedFd, file));
    }

    private boolean fail(Kernel k, int err) {
      k.dcache.dput(d);
      return done(err);
    }
  }

  /**
   * close(2): filp_close() calls ->flush on every close (fuse_flush: FLUSH unless
   * FOPEN_NOFLUSH, EIO on a bad inode; directories have no flush), then fput(); the last fput
   * releases the file (asynchronous RELEASE). The fd is gone even when FLUSH fails.
   */
  static final class Close extends Syscall {
    private final int fd;
    private KFile f;
    private Request req;

    Close(UserThread t, int fd) {
      super(t);
      this.fd = fd;
    }

    @Override
    public String name() {
      return "close";
    }

    @Override
    @Mirrors(fn = "filp_close", file = "fs/open.c",
        doc = "close(2): fuse_flush (FLUSH unless FOPEN_NOFLUSH), then fput; the fd is gone even "
            + "if FLUSH fails.")
    protected boolean run(Kernel k) {
      if (pc == 0) {
        f = k.fds.remove(fd);
        if (f == null) {
          return done(-Errno.EBADF.value);
        }
        FuseFile ff = f.ff;
        if (ff.isDir) {
          return closed(k, 0);
        }
        if (ff.inode.isBad()) {
          return closed(k, -Errno.EIO.value);
        }
        if (!k.files.fuseFlushSends(ff)) {
          return closed(k, 0);
        }
        req = k.dev.send(this, Opcode.FLUSH, ff.nodeid, null, ff.fh);
        pc = 1;
      }
      if (!await(req)) {
        return false;
      }
      int err = req.error();
      if (err == -Errno.ENOSYS.value) {
        k.fc.noFlush = true;
        err = 0;
      }
      return closed(k, err);
    }

    private boolean closed(Kernel k, int err) {
      k.fdtable.fput(f);
      return done(err);
    }
  }
}
