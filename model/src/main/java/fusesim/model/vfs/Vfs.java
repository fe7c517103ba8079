package fusesim.model.vfs;

import fusesim.model.Errno;
import fusesim.model.Kernel;
import fusesim.model.Locks;
import fusesim.model.Lower;
import fusesim.model.Mirrors;
import fusesim.model.NotModelled;
import fusesim.model.Opcode;
import fusesim.model.Reply;
import fusesim.model.SysResult;
import fusesim.model.Syscall;
import fusesim.model.UserThread;
import fusesim.model.WaitQueue;
import fusesim.model.fuse.Dir;
import fusesim.model.fuse.FuseAttr;
import fusesim.model.fuse.FuseFile;
import fusesim.model.fuse.FuseInode;
import fusesim.model.fuse.GetattrOp;
import fusesim.model.fuse.Iomode;
import fusesim.model.fuse.Request;
import fusesim.model.fuse.SetattrOp;
import fusesim.model.series.Assumption;
import fusesim.model.series.InodePassthrough;
import java.util.List;

/**
 * The syscall layer (fs/open.c, fs/namei.c, fs/read_write.c, fs/stat.c, mm/mmap.c) over FUSE:
 * one resumable state machine per syscall, built from the user-visible call.
 *
 * <p>{@link #make} turns a call (name and arguments, as a trace or the generator writes it) into
 * its state machine, or throws {@link IllegalArgumentException} with what was wrong.
 */
public final class Vfs {
  public static final int O_ACCMODE = 3, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_EXCL = 0200,
      O_TRUNC = 01000, O_APPEND = 02000, O_DIRECT = 040000, O_DIRECTORY = 0200000;
  public static final int PROT_WRITE = 2, MAP_SHARED = 1;
  public static final int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;
  public static final int FALLOC_FL_KEEP_SIZE = 1, FALLOC_FL_PUNCH_HOLE = 2,
      FALLOC_FL_ZERO_RANGE = 0x10;

  private Vfs() {}

  /** The syscalls the model executes, with their argument kinds: s = string, n = number. */
  public static final List<String> SIGNATURES = List.of(
      "open:sn", "open:snn", "creat:sn", "close:n", "dup:n", "read:nn", "write:nn", "pread:nnn",
      "pwrite:nnn", "lseek:nnn", "mmap:nnn", "munmap:s", "mread:snn", "mwrite:snn", "fstat:n",
      "stat:s", "lstat:s", "truncate:sn", "ftruncate:nn", "chmod:sn", "fchmod:nn", "chown:snn",
      "fchown:nnn", "fallocate:nnnn", "fsync:n", "getdents:n", "mkdir:sn", "unlink:s", "rmdir:s",
      "access:sn", "mknod:sn", "symlink:ss", "link:ss", "readlink:s");

  /** Builds the state machine for {@code name(args)}; args are String or Long. */
  public static Syscall make(UserThread t, String name, List<Object> args) {
    Object[] a = args.toArray();
    switch (name) {
      case "open":
        return new Open(t, str(a, 0), (int) num(a, 1), a.length > 2 ? (int) num(a, 2) : 0);
      case "creat":
        return new Open(t, str(a, 0), O_CREAT | O_WRONLY | O_TRUNC, (int) num(a, 1));
      case "close":
        return new Close(t, (int) num(a, 0));
      case "dup":
        return new Dup(t, (int) num(a, 0));
      case "read":
        return new Read(t, (int) num(a, 0), num(a, 1), -1);
      case "pread":
        return new Read(t, (int) num(a, 0), num(a, 1), num(a, 2));
      case "write":
        return new Write(t, (int) num(a, 0), num(a, 1), -1);
      case "pwrite":
        return new Write(t, (int) num(a, 0), num(a, 1), num(a, 2));
      case "lseek":
        return new Lseek(t, (int) num(a, 0), num(a, 1), (int) num(a, 2));
      case "mmap":
        return new Mmap(t, (int) num(a, 0), (int) num(a, 1), (int) num(a, 2));
      case "munmap":
        return new Munmap(t, str(a, 0));
      case "mread":
        return new MemAccess(t, str(a, 0), num(a, 1), num(a, 2), false);
      case "mwrite":
        return new MemAccess(t, str(a, 0), num(a, 1), num(a, 2), true);
      case "fstat":
        return new Stat(t, null, (int) num(a, 0), true);
      case "stat":
        return new Stat(t, str(a, 0), -1, true);
      case "lstat":
        return new Stat(t, str(a, 0), -1, false);
      case "truncate":
        return Setattr.truncate(t, str(a, 0), -1, num(a, 1));
      case "ftruncate":
        return Setattr.truncate(t, null, (int) num(a, 0), num(a, 1));
      case "chmod":
        return Setattr.chmod(t, str(a, 0), -1, (int) num(a, 1));
      case "fchmod":
        return Setattr.chmod(t, null, (int) num(a, 0), (int) num(a, 1));
      case "chown":
        return Setattr.chown(t, str(a, 0), -1, (int) num(a, 1), (int) num(a, 2));
      case "fchown":
        return Setattr.chown(t, null, (int) num(a, 0), (int) num(a, 1), (int) num(a, 2));
      case "fallocate":
        return new Fallocate(t, (int) num(a, 0), (int) num(a, 1), num(a, 2), num(a, 3));
      case "fsync":
        return new Fsync(t, (int) num(a, 0));
      case "getdents":
        return new Getdents(t, (int) num(a, 0));
      case "mkdir":
        return new Mkdir(t, str(a, 0), (int) num(a, 1));
      case "unlink":
        return new Unlink(t, str(a, 0), false);
      case "rmdir":
        return new Unlink(t, str(a, 0), true);
      case "access":
        return new Access(t, str(a, 0), (int) num(a, 1));
      case "mknod":
        return new Mknod(t, str(a, 0), (int) num(a, 1));
      case "symlink":
        return new Symlink(t, str(a, 0), str(a, 1));
      case "link":
        return new Link(t, str(a, 0), str(a, 1));
      case "readlink":
        return new Readlink(t, str(a, 0));
      default:
        throw new NotModelled("the syscall " + name + "()");
    }
  }

  private static String str(Object[] a, int i) {
    if (i >= a.length || !(a[i] instanceof String)) {
      throw new IllegalArgumentException("argument " + (i + 1) + " must be a path or a mapping name");
    }
    return (String) a[i];
  }

  private static long num(Object[] a, int i) {
    if (i >= a.length || !(a[i] instanceof Long)) {
      throw new IllegalArgumentException("argument " + (i + 1) + " must be a number");
    }
    return (Long) a[i];
  }

  static boolean readable(KFile f) {
    return (f.fFlags & O_ACCMODE) != O_WRONLY;
  }

  // ---- open ----------------------------------------------------------------------------------

  /**
   * open(2): path walk, then fuse_atomic_open()/fuse_create_open() (CREATE) for a new name with
   * O_CREAT, or fuse_open()/fuse_dir_open() (OPEN/OPENDIR) → fuse_finish_open() →
   * fuse_file_io_open(); a failure in io-mode setup sends a synchronous RELEASE (fuse_sync_release)
   * and returns EIO. O_TRUNC without atomic_o_trunc then truncates with SETATTR (handle_truncate).
   */
  static final class Open extends Syscall {
    private static final int WALK = 0, CREATE_LOCK = 1, CREATE_SENT = 2, OPEN_SENT = 3,
        IO_OPEN = 4, SYNC_RELEASE = 5, TRUNC_LOCK = 6, TRUNC = 7, TRUNC_KILLPRIV = 8;
    private final KillprivCheck killpriv = new KillprivCheck();
    private final int flags;
    private final int mode;
    private final Walk walk;
    private Dentry d;
    private FuseInode fi;
    private FuseFile ff;
    private KFile file;
    private Request req;
    private SetattrOp trunc;
    private long attrVersion;
    private boolean created;

    Open(UserThread t, String path, int flags, int mode) {
      super(t);
      this.flags = flags;
      this.mode = mode;
      boolean creat = (flags & O_CREAT) != 0;
      Walk w = new Walk(path, false, creat, creat && (flags & O_EXCL) != 0);
      this.walk = creat && (flags & O_EXCL) != 0 ? w.noFollow() : w; // O_CREAT|O_EXCL: no follow
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
        reservedFd = k.reserveFd(); // do_sys_openat2(): get_unused_fd_flags() before the walk
      }
      boolean finished = step(k);
      if (finished && result.value() < 0) {
        k.unreserveFd(reservedFd); // put_unused_fd()
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
              pc = CREATE_LOCK;
              break;
            }
            if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
              return fail(k, -Errno.EEXIST.value);
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
            req = k.dev.send(this, Opcode.CREATE, d.parent.inode.nodeid, d.name, flags, mode);
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
              return done(k.installFd(reservedFd, file));
            }
            pc = TRUNC_LOCK;
            break;
          case TRUNC_LOCK:
            if (!Locks.downWrite(k, fi, this)) {
              return false;
            }
            int kill = SetattrOp.shouldRemoveSuid(fi.attr, thread);
            ghostPrivs = fi;
            trunc = new SetattrOp(fi, null,
                Dir.ATTR_SIZE | Dir.ATTR_MTIME | Dir.ATTR_CTIME | Dir.ATTR_OPEN | kill, 0, 0, 0, 0);
            pc = TRUNC;
            break;
          case TRUNC:
            if (!trunc.run(k, this)) {
              return false;
            }
            Locks.upWrite(k, fi);
            if (trunc.err != 0) {
              k.files.fput(file); // the open file goes away again (no FLUSH: never installed)
              return done(trunc.err);
            }
            return done(k.installFd(reservedFd, file));
          default:
            throw new IllegalStateException("open pc " + pc);
        }
      }
    }

    /** fuse_open() / fuse_dir_open() up to the request. Returns true if the open finished. */
    private boolean sendOpen(Kernel k) {
      fi = d.inode;
      boolean isDir = fi.isDir();
      if ((flags & O_DIRECTORY) != 0 && !isDir) {
        return fail(k, -Errno.ENOTDIR.value);
      }
      if (isDir && (flags & O_ACCMODE) != 0) {
        return fail(k, -Errno.EISDIR.value);
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
      int sent = flags & ~(O_CREAT | O_EXCL) & (k.fc.atomicOTrunc ? ~0 : ~O_TRUNC);
      req = k.dev.send(this, isDir ? Opcode.OPENDIR : Opcode.OPEN, fi.nodeid, null, sent);
      pc = OPEN_SENT;
      return false;
    }

    /** fuse_create_open() after CREATE. Returns true if the open finished (with an error). */
    private boolean created(Kernel k) {
      int err = req.error();
      if (err != 0) {
        if (err == -Errno.EEXIST.value) {
          k.dInvalidate(d); // fuse_invalidate_entry()
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

    /** fuse_sync_release(): RELEASE, waited for, after a failed io-mode setup. */
    @Mirrors(fn = "fuse_sync_release", file = "fs/fuse/file.c",
        doc = "RELEASE, waited for, after a failed io-mode setup.")
    private void syncRelease(Kernel k) {
      k.files.fuseSyncReleasePrepare(ff);
      req = null;
      if (ff.hasArgs && !k.fc.noOpen) {
        req = k.dev.send(this, ff.isDir ? Opcode.RELEASEDIR : Opcode.RELEASE, ff.nodeid, null, ff.fh,
            flags);
      }
      pc = SYNC_RELEASE;
    }

    /** The open succeeded: a struct file; then O_TRUNC, then the fd. True if finished. */
    private boolean opened(Kernel k) {
      k.openFiles.add(ff);
      if (!ff.isDir && (ff.openFlags & Iomode.FOPEN_KEEP_CACHE) == 0) {
        fi.pages.clear(); // invalidate_inode_pages2() unless FOPEN_KEEP_CACHE
      }
      ff.pagesAtOpen = fi.pages.cardinality();
      file = new KFile(k.nextSerial++, d, ff, flags);
      boolean truncate = (flags & O_TRUNC) != 0 && !created && fi.isReg();
      if (truncate) {
        pc = TRUNC_KILLPRIV;
        return false;
      }
      return done(k.installFd(reservedFd, file));
    }

    private boolean fail(Kernel k, int err) {
      k.dput(d);
      return done(err);
    }
  }

  // ---- close, dup ----------------------------------------------------------------------------

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
      k.files.fput(f);
      return done(err);
    }
  }

  /** dup(2): the same struct file under the lowest free fd. */
  static final class Dup extends Syscall {
    private final int fd;

    Dup(UserThread t, int fd) {
      super(t);
      this.fd = fd;
    }

    @Override
    public String name() {
      return "dup";
    }

    @Override
    @Mirrors(fn = "dup", file = "fs/file.c",
        doc = "dup(2): the same struct file under the lowest free fd.")
    protected boolean run(Kernel k) {
      KFile f = fdget(k, fd);
      if (f == null) {
        return done(-Errno.EBADF.value);
      }
      f.fCount++;
      return done(k.installFd(f));
    }
  }

  // ---- read, write, lseek --------------------------------------------------------------------

  /**
   * read(2)/pread(2) → fuse_file_read_iter(): FOPEN_DIRECT_IO first (READ to the server), then
   * passthrough (the backing file, no request), then the page cache (READ for missing pages;
   * fuse_update_attributes() first with auto_inval_data or when reading past i_size; with O_DIRECT
   * then fuse_direct_IO() instead of the page cache).
   */
  static final class Read extends Syscall {
    private static final int START = 0, SIZE_GETATTR = 1, READ_SENT = 2;
    private static final long PAGE = 4096, READAHEAD = 131072;
    private final int fd;
    private final long count;
    private final long offArg;
    private KFile f;
    private long off;
    private long reqOff;
    private long want;
    private Request req;
    private GetattrOp size;
    /** v2 09/21: a passthrough open without READ reads from the server, uncached. */
    private boolean uncached;
    private long attrVer;
    /** The READ in flight is filemap_update_page()'s second try of a page readahead failed to read. */
    private boolean retrying;
    /** What the O_DIRECT part read before the buffered rest (generic_file_read_iter), else 0. */
    private long directPart;
    /** The O_DIRECT part came back short: the rest goes through the page cache. */
    private boolean buffered;

    Read(UserThread t, int fd, long count, long off) {
      super(t);
      this.fd = fd;
      this.count = count;
      this.offArg = off;
    }

    @Override
    public String name() {
      return offArg >= 0 ? "pread" : "read";
    }

    @Override
    @Mirrors(fn = "fuse_file_read_iter", file = "fs/fuse/file.c", patches = {9},
        doc = "read(2): direct io READ, passthrough (the backing, no request; 09: per op), else "
            + "the page cache.")
    protected boolean run(Kernel k) {
      switch (pc) {
        case START:
          return start(k);
        case SIZE_GETATTR:
          if (!size.run(k, this)) {
            return false;
          }
          return size.err != 0 ? done(size.err) : cached(k);
        case READ_SENT:
          if (!await(req)) {
            return false;
          }
          return replied(k);
        default:
          throw new IllegalStateException("read pc " + pc);
      }
    }

    private boolean start(Kernel k) {
      f = pinned != null ? pinned : fdget(k, fd);
      if (f == null) {
        return done(-Errno.EBADF.value);
      }
      if (offArg < 0 && !fdgetPos(k, f)) {
        return false; // read(2): ksys_read() → fdget_pos()
      }
      if (!readable(f)) {
        return done(-Errno.EBADF.value);
      }
      if (f.ff.isDir) {
        return done(-Errno.EISDIR.value);
      }
      FuseFile ff = f.ff;
      if (ff.inode.isBad()) {
        return done(-Errno.EIO.value);
      }
      off = offArg >= 0 ? offArg : f.pos;
      if ((ff.openFlags & Iomode.FOPEN_DIRECT_IO) != 0) {
        return send(k, off, count); // fuse_direct_read_iter(): FOPEN_DIRECT_IO overrides passthrough
      }
      if (ff.passthrough != null && !k.inodePt.passesThrough(ff, InodePassthrough.OP_READ)) {
        uncached = true; // v2 09/21: READ not granted: to the server, as direct io
        return send(k, off, count);
      }
      if (ff.passthrough != null) {
        long n = k.passthrough.readIter(ff, off, count);
        ff.inode.invalMask |= Dir.STATX_ATIME; // fuse_invalidate_atime()
        return finish(n);
      }
      FuseInode fi = ff.inode;
      if (k.fc.autoInvalData || off + count > fi.attr.size()) {
        size = new GetattrOp(fi, f, Dir.STATX_SIZE); // fuse_update_attributes(STATX_SIZE)
        pc = SIZE_GETATTR;
        return run(k);
      }
      return cached(k);
    }

    /** generic_file_read_iter(): the page cache, reading missing pages with READ. */
    private boolean cached(Kernel k) {
      FuseInode fi = f.ff.inode;
      if ((f.fFlags & O_DIRECT) != 0 && !buffered) {
        // IOCB_DIRECT: a_ops->direct_IO = fuse_direct_IO() (fs/fuse/file.c), which returns 0
        // without a request for a read at or past i_size (seen on 6.18.44)
        return off >= fi.attr.size() ? finish(0) : send(k, off, count);
      }
      long n = Math.max(0, Math.min(count - directPart, fi.attr.size() - off));
      if (n == 0) {
        return finish(0);
      }
      int first = (int) (off / PAGE);
      int last = (int) ((off + n - 1) / PAGE);
      int missing = fi.pages.nextClearBit(first);
      if (missing > last) {
        return finish(n);
      }
      long start = missing * PAGE;
      long end = Math.min(fi.attr.size(), Math.max(off + n, start + READAHEAD));
      return send(k, start, end - start);
    }

    private boolean send(Kernel k, long at, long len) {
      reqOff = at;
      want = len;
      attrVer = k.fc.attrVersion; // fuse_get_attr_version()
      req = k.dev.send(this, Opcode.READ, f.ff.nodeid, null, at, len, f.ff.fh);
      pc = READ_SENT;
      return false;
    }

    private boolean replied(Kernel k) {
      FuseInode fi = f.ff.inode;
      // fuse_read_folio(), fuse_readpages_end() and __fuse_direct_read() (fs/fuse/file.c) call
      // fuse_invalidate_atime() whatever the reply (seen on 6.18.44: a read that failed with
      // ENOTCONN after a crash makes the next stat send GETATTR)
      fi.invalMask |= Dir.STATX_ATIME;
      boolean direct = (f.ff.openFlags & Iomode.FOPEN_DIRECT_IO) != 0
          || (f.fFlags & O_DIRECT) != 0 && !buffered;
      if (req.error() != 0 && !direct && !uncached && !retrying) {
        // filemap_read() → filemap_get_pages() (mm/filemap.c): the readahead READ failed, so the
        // page is not uptodate and filemap_update_page() reads it once more, alone, through
        // fuse_read_folio(): a second READ, whose result counts (seen on 6.18.44)
        retrying = true;
        return send(k, reqOff - reqOff % PAGE, PAGE);
      }
      if (req.error() != 0) {
        return done(req.error());
      }
      long got = ((Reply.Data) req.reply).size();
      if (got > want) {
        k.warnOn(true, "fs/fuse/file.c:fuse_direct_io", "WARN_ON(nres > nbytes)");
        return done(-Errno.EIO.value);
      }
      if (direct && !uncached && (f.ff.openFlags & Iomode.FOPEN_DIRECT_IO) == 0 && got < want
          && off + got < fi.attr.size()) {
        return bufferedRest(k, got);
      }
      if (direct || uncached) {
        return finish(got);
      }
      int from = (int) (reqOff / PAGE);
      int to = (int) ((reqOff + got + PAGE - 1) / PAGE);
      fi.pages.set(from, Math.max(from, to));
      if (got < want && !k.fc.writebackCache) {
        // fuse_readpages_end() → fuse_short_read() → fuse_read_update_size(): a short read is
        // EOF, so i_size shrinks to it unless the attributes changed since the request was sent
        // (seen on 6.18.44: the next read past it sends no READ)
        long eof = reqOff + got;
        if (attrVer >= fi.attrVersion && eof < fi.attr.size() && !fi.test(FuseInode.FUSE_I_SIZE_UNSTABLE)) {
          fi.attrVersion = ++k.fc.attrVersion;
          fi.attr = fi.attr.withSize(eof);
        }
      }
      if (retrying) {
        retrying = false;
        return cached(k); // filemap_read() goes on with the pages after the one read again
      }
      return finish(Math.max(0, Math.min(count - directPart, reqOff + got - off)));
    }

    /**
     * generic_file_read_iter() (mm/filemap.c): an IOCB_DIRECT read that fuse_direct_IO() returned
     * short, with no error and before i_size, goes on with filemap_read() for the rest ("fallthrough
     * to buffered io for the rest of the read"), which returns both parts (seen on 6.18.44: an
     * O_DIRECT read answered with 1 byte sends a second READ, through the page cache).
     */
    @Mirrors(fn = "generic_file_read_iter", file = "mm/filemap.c",
        doc = "A short O_DIRECT read before i_size reads the rest through the page cache.")
    private boolean bufferedRest(Kernel k, long got) {
      directPart = got;
      off += got;
      buffered = true;
      return cached(k);
    }

    private boolean finish(long n) {
      if (offArg < 0) {
        f.pos = off + n;
      }
      return done(directPart + n);
    }
  }

  /**
   * write(2)/pwrite(2) → fuse_file_write_iter(): FOPEN_DIRECT_IO (fuse_direct_write_iter under
   * fuse_dio_lock: shared and uncached for parallel direct writes, else exclusive), passthrough
   * (backing_file_write_iter under inode_lock), or write-through to the server
   * (fuse_cache_write_iter). Passthrough and cached writes first drop suid/sgid
   * (file_remove_privs).
   */
  static final class Write extends Syscall {
    private static final int START = 0, LOCK = 1, KILLPRIV = 4, PRIVS = 2, WRITE_SENT = 3, FALLBACK_SENT = 5, TRUNCATE = 6;
    private final KillprivCheck killpriv = new KillprivCheck();
    private final int fd;
    private final long count;
    private final long offArg;
    private KFile f;
    private FuseInode fi;
    private long off;
    private boolean direct;
    private boolean exclusive;
    private SetattrOp privs;
    private Request req;
    /** What the O_DIRECT part of a write wrote before the buffered fallback (direct_write_fallback). */
    private long directWritten;
    /** The WRITE in flight: its offset and length. */
    private long reqOff;
    private long reqLen;
    /** What the earlier WRITEs of this write-through write wrote (fuse_perform_write's res). */
    private long prior;
    /** i_size when the write began (fuse_direct_IO's i_size). */
    private long sizeAtStart;
    /** FUSE_I_SIZE_UNSTABLE set by this write-through write, cleared when it ends. */
    private boolean sizeUnstable;
    /** fuse_do_truncate() after a failed extending O_DIRECT write, and the write's error. */
    private SetattrOp truncate;
    private int truncateErr;

    Write(UserThread t, int fd, long count, long off) {
      super(t);
      this.fd = fd;
      this.count = count;
      this.offArg = off;
    }

    @Override
    public String name() {
      return offArg >= 0 ? "pwrite" : "write";
    }

    @Override
    @Mirrors(fn = "fuse_file_write_iter", file = "fs/fuse/file.c", patches = {9},
        doc = "write(2): direct io under fuse_dio_lock, passthrough under inode_lock, or "
            + "write-through WRITE.")
    protected boolean run(Kernel k) {
      while (true) {
        switch (pc) {
          case START:
            f = pinned != null ? pinned : fdget(k, fd);
            if (f == null) {
              return done(-Errno.EBADF.value);
            }
            if (offArg < 0 && !fdgetPos(k, f)) {
              return false; // write(2): ksys_write() → fdget_pos()
            }
            if (!f.writable()) {
              return done(-Errno.EBADF.value);
            }
            fi = f.ff.inode;
            if (fi.isBad()) {
              return done(-Errno.EIO.value);
            }
            if (k.fc.writebackCache) {
              throw new NotModelled("writes with writeback_cache");
            }
            direct = (f.ff.openFlags & Iomode.FOPEN_DIRECT_IO) != 0
                || f.ff.passthrough != null
                    && !k.inodePt.passesThrough(f.ff, InodePassthrough.OP_WRITE); // v2 09/21
            pc = LOCK;
            break;
          case LOCK:
            if (!lock(k)) {
              return false;
            }
            off = (f.fFlags & O_APPEND) != 0 ? fi.attr.size() : offArg >= 0 ? offArg : f.pos;
            pc = direct ? PRIVS : KILLPRIV;
            break;
          case KILLPRIV:
            if (!killpriv.run(k, this, fi)) {
              return false; // file_remove_privs() → dentry_needs_remove_privs()
            }
            int kill = SetattrOp.shouldRemoveSuid(fi.attr, thread);
            ghostPrivs = fi;
            privs = kill == 0 ? null : new SetattrOp(fi, f, Dir.ATTR_FORCE | kill, 0, 0, 0, 0);
            pc = PRIVS;
            break;
          case PRIVS:
            if (privs != null && !privs.run(k, this)) {
              return false;
            }
            if (privs != null && privs.err != 0) {
              return unlockAndDone(k, privs.err);
            }
            if (f.ff.passthrough != null && !direct) {
              return unlockAndDone(k, k.passthrough.writeIter(f.ff, off, count));
            }
            if (!direct && (f.fFlags & O_DIRECT) != 0) {
              // generic_file_direct_write(): the written range leaves the page cache
              // (kiocb_invalidate_pages), so a later read of it sends READ (seen on 6.18.44)
              fi.pages.clear((int) (off / 4096), (int) ((off + count + 4095) / 4096));
            } else if (!direct) {
              // fuse_fill_write_pages(): a page the write covers whole is marked uptodate when it
              // is copied, before WRITE is sent: a read meanwhile finds it (seen on 6.18.44)
              int from = (int) ((off + 4095) / 4096);
              int to = (int) ((off + count) / 4096);
              if (to > from) {
                fi.pages.set(from, to);
              }
            }
            sizeAtStart = fi.attr.size();
            if (writeThrough() && sizeAtStart < off + count) {
              sizeUnstable = true; // fuse_perform_write(): i_size < pos + count
              fi.set(FuseInode.FUSE_I_SIZE_UNSTABLE);
            }
            return sendWrite(k, off, writeThrough() ? firstChunk() : count);
          case WRITE_SENT:
            if (!await(req)) {
              return false;
            }
            return replied(k);
          case FALLBACK_SENT:
            if (!await(req)) {
              return false;
            }
            return fallbackReplied(k);
          case TRUNCATE:
            if (!truncate.run(k, this)) {
              return false;
            }
            return unlockAndDone(k, truncateErr); // the SETATTR's own result is ignored
          default:
            throw new IllegalStateException("write pc " + pc);
        }
      }
    }

    @Override
    public int uncachedRefs(FuseInode inode) {
      return pc == WRITE_SENT && direct && !exclusive && inode == fi ? 1 : 0;
    }

    /**
     * fuse_dio_lock() for direct io, inode_lock() otherwise. A parallel direct write takes the
     * shared lock and counts as an uncached user (fuse_inode_uncached_io_start(fi, NULL)).
     */
    @Mirrors(fn = "fuse_dio_lock", file = "fs/fuse/file.c",
        doc = "Parallel direct writes take the shared lock and count as uncached io; others the "
            + "exclusive lock.")
    private boolean lock(Kernel k) {
      if (!direct) {
        exclusive = true;
        return Locks.downWrite(k, fi, this);
      }
      long pos = offArg >= 0 ? offArg : f.pos;
      boolean pastEof = (f.fFlags & O_APPEND) == 0 && pos + count > fi.attr.size();
      exclusive = (f.ff.openFlags & Iomode.FOPEN_PARALLEL_DIRECT_WRITES) == 0
          || (f.fFlags & O_APPEND) != 0 || fi.test(FuseInode.FUSE_I_CACHE_IO_MODE) || pastEof;
      if (exclusive) {
        return Locks.downWrite(k, fi, this);
      }
      if (!Locks.downRead(k, fi, this)) {
        return false;
      }
      if (k.iomode.fuseInodeUncachedIoStart(fi, null) != 0) {
        Locks.upRead(k, fi); // inode in cached mode: fall back to the exclusive lock
        exclusive = true;
        return Locks.downWrite(k, fi, this);
      }
      return true;
    }

    /** A write through the page cache to the server: fuse_perform_write(). */
    private boolean writeThrough() {
      return !direct && (f.fFlags & O_DIRECT) == 0;
    }

    /**
     * fuse_fill_write_pages() (fs/fuse/file.c): the pages of one WRITE are copied in order, and a
     * page that is neither written whole nor uptodate stays locked and ends the request. So a
     * write that starts inside a page not in the cache and goes past it is sent as two WRITEs: the
     * rest of that page, then the rest of the write (its middle pages are whole; a partial last
     * page ends the write anyway). Seen on 6.18.44: 4096 bytes at offset 1 are WRITEs of 4095 and 1.
     */
    private long firstChunk() {
      long pageEnd = (off / 4096 + 1) * 4096;
      boolean partialFirst = off % 4096 != 0 && !fi.pages.get((int) (off / 4096));
      return partialFirst && off + count > pageEnd ? pageEnd - off : count;
    }

    private boolean sendWrite(Kernel k, long at, long len) {
      reqOff = at;
      reqLen = len;
      req = k.dev.send(this, Opcode.WRITE, fi.nodeid, null, at, len, f.ff.fh);
      pc = WRITE_SENT;
      return false;
    }

    private boolean replied(Kernel k) {
      int err = req.error();
      long n = err == 0 ? ((Reply.Written) req.reply).size() : 0;
      if (err == 0 && n > reqLen) {
        err = -Errno.EIO.value; // the server claims more than was sent
      }
      if (err == 0) {
        k.inodes.fuseWriteUpdateAttr(fi, reqOff + n, n);
      }
      if (writeThrough() && (err != 0 || n < reqLen)) {
        // fuse_send_write_pages(): on an error every page of the request, on a short write the
        // pages past what was written, lose their uptodate mark
        int from = (int) ((err != 0 ? reqOff : reqOff + n) / 4096);
        fi.pages.clear(from, (int) ((reqOff + reqLen + 4095) / 4096));
      }
      if (err == 0 && writeThrough() && n == reqLen && reqOff + n < off + count) {
        // fuse_perform_write(): the request was written whole; the loop sends the next one
        prior += n;
        return sendWrite(k, reqOff + n, off + count - (reqOff + n));
      }
      if (err != 0) {
        // fuse_perform_write() and fuse_direct_write_iter() (fs/fuse/file.c) both call
        // fuse_write_update_attr(inode, pos, res) whatever happened: a failed write invalidates
        // size and times too (seen on 6.18.44: the next read past i_size sends GETATTR; after a
        // failed FOPEN_DIRECT_IO write the next stat sends GETATTR, ENOTCONN after a crash)
        k.inodes.fuseWriteUpdateAttr(fi, off, 0);
      }
      if (err == 0 && !direct && (f.fFlags & O_DIRECT) != 0 && n < count) {
        return fallback(k, n);
      }
      if (err != 0 && !direct && (f.fFlags & O_DIRECT) != 0 && off + count > sizeAtStart) {
        // fuse_direct_IO() (fs/fuse/file.c): a failed extending write calls fuse_do_truncate(),
        // a SETATTR of the size i_size had (seen on 6.18.44: SETATTR after the WRITE's EIO)
        truncate = new SetattrOp(fi, f, Dir.ATTR_SIZE, 0, 0, 0, fi.attr.size());
        truncateErr = err;
        pc = TRUNCATE;
        return run(k);
      }
      if (err == 0 && !direct && n < reqLen && n == 0) {
        // fuse_perform_write(): a short write ends the loop with -EIO, and the call returns
        // what was written if anything, else that error (seen on 6.18.44: WRITE answered
        // size=0 gives EIO; direct io returns 0)
        err = -Errno.EIO.value;
      }
      return unlockAndDone(k, err != 0 ? (prior > 0 ? prior : err) : prior + n);
    }

    /**
     * fuse_cache_write_iter(): an O_DIRECT write that the server wrote short (generic_file_direct_write
     * returned less than asked, nothing failed) writes the rest buffered: direct_write_fallback(iocb,
     * from, written, fuse_perform_write(iocb, from)) (fs/fuse/file.c, mm/filemap.c), a second,
     * write-through WRITE from where the direct one stopped. Seen on 6.18.44: a WRITE answered
     * size=0 or size=1 is followed by a second WRITE.
     */
    @Mirrors(fn = "direct_write_fallback", file = "mm/filemap.c",
        doc = "The rest of a short O_DIRECT write goes through the page cache: fuse_perform_write, "
            + "a second WRITE.")
    private boolean fallback(Kernel k, long directWritten) {
      this.directWritten = directWritten;
      long at = off + directWritten;
      if (fi.attr.size() < off + count) {
        sizeUnstable = true; // fuse_perform_write(): i_size < pos + count
        fi.set(FuseInode.FUSE_I_SIZE_UNSTABLE);
      }
      int from = (int) ((at + 4095) / 4096);
      int to = (int) ((off + count) / 4096);
      if (to > from) {
        fi.pages.set(from, to); // fuse_fill_write_pages(): whole pages are uptodate once copied
      }
      req = k.dev.send(this, Opcode.WRITE, fi.nodeid, null, at, count - directWritten, f.ff.fh);
      pc = FALLBACK_SENT;
      return false;
    }

    /**
     * The buffered rest of an O_DIRECT write answered: fuse_perform_write()'s result (a short
     * WRITE of nothing is -EIO), then direct_write_fallback(): on an error the direct part's
     * count if any, else the error; otherwise the written range is dropped from the page cache
     * (invalidate_mapping_pages) and both counts are returned.
     */
    private boolean fallbackReplied(Kernel k) {
      long at = off + directWritten;
      long want = count - directWritten;
      int err = req.error();
      long m = err == 0 ? ((Reply.Written) req.reply).size() : 0;
      if (err == 0 && m > want) {
        err = -Errno.EIO.value; // fuse_send_write_pages(): the server claims more than was sent
      }
      if (err != 0 || m < want) {
        // fuse_send_write_pages(): pages not (fully) written lose their uptodate mark
        fi.pages.clear((int) ((err != 0 ? at : at + m) / 4096), (int) ((off + count + 4095) / 4096));
      }
      k.inodes.fuseWriteUpdateAttr(fi, err == 0 ? at + m : at, err == 0 ? m : 0);
      if (err == 0 && m == 0) {
        err = -Errno.EIO.value; // fuse_perform_write(): a short write of nothing
      }
      if (err != 0) {
        return unlockAndDone(k, directWritten > 0 ? directWritten : err);
      }
      fi.pages.clear((int) (at / 4096), (int) ((at + m + 4095) / 4096)); // invalidate_mapping_pages()
      return unlockAndDone(k, directWritten + m);
    }

    /** fuse_dio_unlock() / inode_unlock(). */
    private boolean unlockAndDone(Kernel k, long res) {
      if (sizeUnstable) {
        sizeUnstable = false;
        fi.clear(FuseInode.FUSE_I_SIZE_UNSTABLE); // fuse_perform_write() ends
      }
      if (exclusive) {
        Locks.upWrite(k, fi);
      } else {
        k.iomode.fuseInodeUncachedIoEnd(fi); // allow cached opens after the last parallel write
        Locks.upRead(k, fi);
      }
      if (res > 0 && offArg < 0) {
        f.pos = off + res;
      }
      return done(res);
    }
  }

  /** lseek(2) → fuse_file_llseek(): SEEK_END refreshes i_size first (fuse_update_attributes). */
  static final class Lseek extends Syscall {
    private final int fd;
    private final long off;
    private final int whence;
    private KFile f;
    private GetattrOp size;

    Lseek(UserThread t, int fd, long off, int whence) {
      super(t);
      this.fd = fd;
      this.off = off;
      this.whence = whence;
    }

    @Override
    public String name() {
      return "lseek";
    }

    @Override
    @Mirrors(fn = "fuse_file_llseek", file = "fs/fuse/file.c",
        doc = "lseek(2): SEEK_END refreshes i_size first (fuse_update_attributes).")
    protected boolean run(Kernel k) {
      if (pc == 0) {
        f = fdget(k, fd);
        if (f == null) {
          return done(-Errno.EBADF.value);
        }
        if (whence == SEEK_SET || whence == SEEK_CUR) {
          return seek(whence == SEEK_SET ? off : f.pos + off);
        }
        if (whence != SEEK_END) {
          throw new NotModelled("lseek SEEK_DATA/SEEK_HOLE");
        }
        size = new GetattrOp(f.ff.inode, f, Dir.STATX_SIZE);
        pc = 1;
      }
      if (!size.run(k, this)) {
        return false;
      }
      return size.err != 0 ? done(size.err) : seek(f.ff.inode.attr.size() + off);
    }

    private boolean seek(long to) {
      if (to < 0) {
        return done(-Errno.EINVAL.value);
      }
      f.pos = to;
      return done(to);
    }
  }

  // ---- mmap ----------------------------------------------------------------------------------

  /**
   * mmap(2) → fuse_file_mmap(): a passthrough file maps its backing file; otherwise an inode with
   * a backing file refuses (ENODEV); a FOPEN_DIRECT_IO file refuses MAP_SHARED without
   * direct_io_allow_mmap, and its first MAP_SHARED mapping enters cached io mode.
   */
  static final class Mmap extends Syscall {
    private final int fd;
    private final int prot;
    private final int mflags;
    private KFile f;

    Mmap(UserThread t, int fd, int prot, int mflags) {
      super(t);
      this.fd = fd;
      this.prot = prot;
      this.mflags = mflags;
    }

    @Override
    public String name() {
      return "mmap";
    }

    @Override
    @Mirrors(fn = "fuse_file_mmap", file = "fs/fuse/file.c", patches = {9},
        doc = "mmap(2): passthrough maps the backing; a backing inode refuses (ENODEV); direct io "
            + "MAP_SHARED enters cached mode.")
    protected boolean run(Kernel k) {
      boolean shared = (mflags & MAP_SHARED) != 0;
      boolean write = (prot & PROT_WRITE) != 0;
      if (pc == 0) {
        f = fdget(k, fd);
        if (f == null) {
          return done(-Errno.EBADF.value);
        }
        if (!readable(f) || shared && write && !f.writable()) {
          return done(-Errno.EACCES.value);
        }
        if (f.ff.isDir) {
          return done(-Errno.ENODEV.value);
        }
        FuseFile ff = f.ff;
        if (ff.passthrough != null && partialMapRefused(k, ff, shared && write)) {
          return done(-Errno.ENODEV.value); // v2 09/21, A12
        }
        if (ff.passthrough != null) {
          return mapped(k, shared, write, ff.passthrough); // fuse_passthrough_mmap()
        }
        if (ff.inode.fb != null) {
          return done(-Errno.ENODEV.value);
        }
        if ((ff.openFlags & Iomode.FOPEN_DIRECT_IO) == 0) {
          return mapped(k, shared, write, null);
        }
        if (shared && !k.fc.directIoAllowMmap) {
          return done(-Errno.ENODEV.value);
        }
        ff.inode.pages.clear(); // invalidate_inode_pages2()
        if (!shared) {
          return mapped(k, false, write, null);
        }
        pc = 1;
      }
      int rc = k.iomode.fuseFileCachedIoOpen(f.ff.inode, f.ff);
      if (rc == Iomode.WAIT) {
        return sleep(new WaitQueue(f.ff.inode, WaitQueue.Kind.DIRECT_IO_WAITQ));
      }
      return rc != 0 ? done(rc) : mapped(k, true, write, null);
    }

    private boolean mapped(Kernel k, boolean shared, boolean write, Lower.Node backing) {
      if (backing == null) {
        f.fCount++; // the vma pins the fuse file
      } else {
        // fuse_passthrough_mmap() → backing_file_mmap(): the vma's file is the backing file that
        // fuse_passthrough_open() made with backing_file_open(&file->f_path, ...), whose user path
        // holds the FUSE dentry (path_get): evicting it does nothing until munmap (seen on 6.18.44)
        f.dentry.dCount++;
        // backing_file_mmap() calls ctx->accessed = fuse_file_accessed() → fuse_invalidate_atime():
        // the next stat asks the server (seen on 6.18.44: GETATTR after the mmap)
        f.ff.inode.invalMask |= Dir.STATX_ATIME;
      }
      Vma v = new Vma(k.newVmaName(), f, shared, write, backing);
      k.vmas.put(v.name, v);
      return done(new SysResult(0, java.util.Map.of(), List.of(), v.name));
    }
  }

  /** munmap(2): the vma's file reference goes (which may release a closed fuse file). */
  static final class Munmap extends Syscall {
    private final String map;

    Munmap(UserThread t, String map) {
      super(t);
      this.map = map;
    }

    @Override
    public String name() {
      return "munmap";
    }

    @Override
    @Mirrors(fn = "munmap", file = "mm/mmap.c",
        doc = "munmap(2): the vma's file reference goes.")
    protected boolean run(Kernel k) {
      Vma v = k.vmas.remove(map);
      if (v == null) {
        return done(-Errno.EINVAL.value);
      }
      if (v.backing == null) {
        k.files.fput(v.file);
      } else {
        k.dput(v.file.dentry); // the backing file's user path goes
      }
      return done(0);
    }
  }

  /**
   * v2 09/21 with A12: mapping the backing's pages needs READ, and WRITE for a shared writable map;
   * otherwise the map would bypass the server for an op it did not grant.
   */
  @Mirrors(fn = "fuse_file_mmap (partial io)", file = "fs/fuse/file.c", patches = {9},
      doc = "From 09 (A12): mapping the backing needs READ, and WRITE for a shared writable map, "
          + "else ENODEV.")
  static boolean partialMapRefused(Kernel k, FuseFile ff, boolean sharedWrite) {
    if (!k.sem.has(9) || k.sem.is(Assumption.PARTIAL_MMAP, "allow")) {
      return false;
    }
    return !k.inodePt.passesThrough(ff, InodePassthrough.OP_READ)
        || sharedWrite && !k.inodePt.passesThrough(ff, InodePassthrough.OP_WRITE);
  }

  /**
   * A load or store through a mapping. A passthrough mapping touches the backing file directly; a
   * page-cache mapping faults missing pages in with READ (fuse_read_folio). Dirty-page writeback
   * of stores is not modelled.
   */
  static final class MemAccess extends Syscall {
    private final String map;
    private final long off;
    private final long len;
    private final boolean store;
    private Request req;
    private Vma v;
    private long n;
    private long attrVer;
    /** The READ in flight is filemap_fault()'s second try after a failed one. */
    private boolean retried;

    MemAccess(UserThread t, String map, long off, long len, boolean store) {
      super(t);
      this.map = map;
      this.off = off;
      this.len = len;
      this.store = store;
    }

    @Override
    public String name() {
      return store ? "mwrite" : "mread";
    }

    @Override
    @Mirrors(fn = "fuse_read_folio", file = "fs/fuse/file.c",
        doc = "A load or store through a mapping; page-cache mappings fault missing pages in with "
            + "READ.")
    protected boolean run(Kernel k) {
      if (pc == 0) {
        v = k.vmas.get(map);
        if (v == null) {
          return done(-Errno.EFAULT.value);
        }
        if (store && !v.writable) {
          return done(-Errno.EFAULT.value);
        }
        // filemap_fault(): a page at or past the end of the file is VM_FAULT_SIGBUS (the harness's
        // copy through the mapping then fails with EFAULT; seen on 6.18.44)
        long eof = v.backing != null ? v.backing.size : v.file.ff.inode.attr.size();
        long pagesInFile = (eof + 4095) / 4096;
        if (off / 4096 >= pagesInFile) {
          return done(-Errno.EFAULT.value);
        }
        n = Math.min(len, pagesInFile * 4096 - off); // a copy stops at the first bad page
        if (store) {
          v.file.ff.inode.ghostMappedStoreAt = k.now; // ghost for MTIME-MAPPED-WRITE
        }
        if (v.backing != null) {
          if (store) {
            // the backing fs's page_mkwrite: file_update_time() on the backing inode
            v.backing.mtime = v.backing.ctime = k.now;
          }
          return done(n);
        }
        FuseInode fi = v.file.ff.inode;
        int first = (int) (off / 4096);
        int last = (int) ((off + Math.max(len, 1) - 1) / 4096);
        int missing = fi.pages.nextClearBit(first);
        if (missing > last || missing * 4096L >= fi.attr.size()) {
          return done(n);
        }
        if (fi.isBad()) {
          // fuse_readahead() and fuse_read_folio() (fs/fuse/file.c) send nothing for a bad inode:
          // the page stays not uptodate and the fault is SIGBUS (seen on 6.18.44: EFAULT, no READ)
          return done(-Errno.EFAULT.value);
        }
        attrVer = k.fc.attrVersion; // fuse_do_readfolio(): fuse_get_attr_version()
        // filemap_fault() → maybe_unlock_mmap_for_io() (mm/filemap.c): while the page is read the
        // fault pins the file (get_file) and drops mmap_lock, so a munmap meanwhile returns at
        // once and the file's last reference (RELEASE) goes only when the fault ends (seen on
        // 6.18.44)
        v.file.fCount++;
        req = k.dev.send(this, Opcode.READ, fi.nodeid, null, missing * 4096L, 4096, v.file.ff.fh);
        pc = 1;
      }
      if (!await(req)) {
        return false;
      }
      return faultEnd(k, readDone(k));
    }

    /**
     * The fault's pin goes (fput); a fault that dropped mmap_lock returns VM_FAULT_RETRY and is
     * retried, which finds no mapping if it was unmapped meanwhile: EFAULT.
     */
    private boolean faultEnd(Kernel k, long res) {
      if (res == Long.MIN_VALUE) {
        return false; // a second READ is in flight
      }
      k.files.fput(v.file);
      return done(k.vmas.get(map) != v ? -Errno.EFAULT.value : res);
    }

    /** The READ answered: the result of the access, or Long.MIN_VALUE if it is sent again. */
    private long readDone(Kernel k) {
      FuseInode fi = v.file.ff.inode;
      fi.invalMask |= Dir.STATX_ATIME; // fuse_read_folio() → fuse_invalidate_atime(), error or not
      if (req.error() != 0 && !retried) {
        // filemap_fault() (mm/filemap.c) page_not_uptodate: the folio readahead failed to read
        // is read once more with filemap_read_folio(): a second READ (seen on 6.18.44)
        retried = true;
        req = k.dev.send(this, Opcode.READ, fi.nodeid, null, req.args[0], 4096, v.file.ff.fh);
        return Long.MIN_VALUE;
      }
      if (req.error() != 0) {
        return -Errno.EFAULT.value; // SIGBUS in a real process
      }
      fi.pages.set((int) (req.args[0] / 4096));
      long got = ((Reply.Data) req.reply).size();
      if (got < 4096 && !k.fc.writebackCache) {
        // fuse_do_readfolio(): a short read is EOF: fuse_short_read() → fuse_read_update_size()
        // shrinks i_size unless the attributes changed since the request was sent
        long eof = req.args[0] + got;
        if (attrVer >= fi.attrVersion && eof < fi.attr.size() && !fi.test(FuseInode.FUSE_I_SIZE_UNSTABLE)) {
          fi.attrVersion = ++k.fc.attrVersion;
          fi.attr = fi.attr.withSize(eof);
        }
      }
      // filemap_fault() checks i_size again once the folio is uptodate: a page now past EOF is
      // VM_FAULT_SIGBUS (seen on 6.18.44: a READ answered with 0 bytes makes the access EFAULT)
      long pagesInFile = (fi.attr.size() + 4095) / 4096;
      if (off / 4096 >= pagesInFile) {
        return -Errno.EFAULT.value;
      }
      return Math.min(n, pagesInFile * 4096 - off);
    }
  }

  // ---- stat ----------------------------------------------------------------------------------

  /** stat(2)/lstat(2)/fstat(2) → fuse_getattr() → fuse_update_get_attr(). */
  static final class Stat extends Syscall {
    private final String path;
    private final int fd;
    private Walk walk;
    private GetattrOp op;
    private Dentry d;

    Stat(UserThread t, String path, int fd, boolean follow) {
      super(t);
      this.path = path;
      this.fd = fd;
      Walk w = path == null ? null : new Walk(path, false, false, false);
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
          f = fdget(k, fd);
          if (f == null) {
            return done(-Errno.EBADF.value);
          }
          fi = f.ff.inode;
        }
        op = new GetattrOp(fi, f, Dir.STATX_BASIC_STATS);
        pc = 1;
      }
      if (!op.run(k, this)) {
        return false;
      }
      if (d != null) {
        k.dput(d);
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
      return done(new SysResult(0, GetattrOp.statFields(op.attr), List.of(), null));
    }
  }

  // ---- setattr family ------------------------------------------------------------------------

  /**
   * truncate/ftruncate/chmod/fchmod/chown/fchown: the VFS builds a struct iattr (do_truncate,
   * chmod_common, chown_common), takes inode_lock and calls notify_change() → fuse_setattr().
   */
  static final class Setattr extends Syscall {
    private final String call;
    private final int fd;
    private final Walk walk;
    private final int iaValid;
    private final int mode;
    private final int uid;
    private final int gid;
    private final long size;
    private FuseInode fi;
    private KFile f;
    private Dentry d;
    private SetattrOp op;
    private final KillprivCheck killpriv = new KillprivCheck();

    private Setattr(UserThread t, String call, String path, int fd, int iaValid, int mode, int uid,
        int gid, long size) {
      super(t);
      this.call = call;
      this.fd = fd;
      this.walk = path == null ? null : new Walk(path, false, false, false);
      this.iaValid = iaValid;
      this.mode = mode;
      this.uid = uid;
      this.gid = gid;
      this.size = size;
    }

    static Setattr truncate(UserThread t, String path, int fd, long len) {
      return new Setattr(t, path == null ? "ftruncate" : "truncate", path, fd,
          Dir.ATTR_SIZE | Dir.ATTR_MTIME | Dir.ATTR_CTIME, 0, 0, 0, len);
    }

    static Setattr chmod(UserThread t, String path, int fd, int mode) {
      return new Setattr(t, path == null ? "fchmod" : "chmod", path, fd,
          Dir.ATTR_MODE | Dir.ATTR_CTIME, mode & 07777, 0, 0, 0);
    }

    static Setattr chown(UserThread t, String path, int fd, int uid, int gid) {
      int valid = Dir.ATTR_CTIME | (uid != -1 ? Dir.ATTR_UID : 0) | (gid != -1 ? Dir.ATTR_GID : 0);
      return new Setattr(t, path == null ? "fchown" : "chown", path, fd, valid, 0, uid, gid, 0);
    }

    @Override
    public String name() {
      return call;
    }

    @Override
    @Mirrors(fn = "notify_change", file = "fs/attr.c",
        doc = "truncate/chmod/chown: struct iattr under inode_lock, then fuse_setattr.")
    protected boolean run(Kernel k) {
      while (true) {
        switch (pc) {
          case 0:
            if (!resolve(k)) {
              return false;
            }
            if (result != null) {
              return true;
            }
            pc = (iaValid & Dir.ATTR_SIZE) != 0 ? 3 : 1;
            break;
          case 3:
            if (!killpriv.run(k, this, fi)) {
              return false; // do_truncate(): dentry_needs_remove_privs() before inode_lock
            }
            pc = 1;
            break;
          case 1:
            if (!Locks.downWrite(k, fi, this)) {
              return false;
            }
            // chown_common() (fs/open.c) sets ATTR_KILL_PRIV under inode_lock, and
            // notify_change() asks security_inode_need_killpriv() there: the GETXATTR waits for
            // the lock (seen on 6.18.44: none while a write holds it)
            pc = (iaValid & Dir.ATTR_SIZE) == 0 && (iaValid & (Dir.ATTR_UID | Dir.ATTR_GID)) != 0 ? 4 : 5;
            break;
          case 4:
            if (!killpriv.run(k, this, fi)) {
              return false;
            }
            pc = 5;
            break;
          case 5:
            op = new SetattrOp(fi, f, iaValid | killBits(), mode, uid, gid, size);
            pc = 2;
            break;
          case 2:
            if (!op.run(k, this)) {
              return false;
            }
            Locks.upWrite(k, fi);
            if (d != null) {
              k.dput(d);
            }
            return done(op.err);
          default:
            throw new IllegalStateException("setattr pc " + pc);
        }
      }
    }

    /** Finds the inode; sets {@link #result} on an error. Returns false while walking. */
    private boolean resolve(Kernel k) {
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
        f = fdget(k, fd);
        if (f == null) {
          return done(-Errno.EBADF.value);
        }
        if ((iaValid & Dir.ATTR_SIZE) != 0 && !f.writable()) {
          return done(-Errno.EINVAL.value); // ftruncate on a file not open for writing
        }
        fi = f.ff.inode;
      }
      if ((iaValid & Dir.ATTR_SIZE) != 0 && fi.isDir()) {
        if (d != null) {
          k.dput(d);
        }
        return done(-Errno.EISDIR.value);
      }
      if ((iaValid & Dir.ATTR_SIZE) != 0 && size < 0) {
        if (d != null) {
          k.dput(d);
        }
        return done(-Errno.EINVAL.value);
      }
      return true;
    }

    /** The ATTR_KILL_* bits the VFS adds: chown_common() always for non-directories. */
    private int killBits() {
      if ((iaValid & (Dir.ATTR_UID | Dir.ATTR_GID)) != 0 && !fi.isDir()) {
        // chown_common() (fs/open.c): always ATTR_KILL_SUID | ATTR_KILL_PRIV, and the sgid rule
        return Dir.ATTR_KILL_SUID | Dir.ATTR_KILL_PRIV | SetattrOp.shouldDropSgid(fi.attr, thread);
      }
      if ((iaValid & Dir.ATTR_SIZE) != 0) {
        ghostPrivs = fi;
        return SetattrOp.shouldRemoveSuid(fi.attr, thread); // dentry_needs_remove_privs()
      }
      return 0;
    }
  }

  // ---- fallocate, fsync, access --------------------------------------------------------------

  /** fallocate(2) → fuse_file_fallocate(): FALLOCATE to the server, even under passthrough. */
  static final class Fallocate extends Syscall {
    private final KillprivCheck killpriv = new KillprivCheck();
    private final int fd;
    private final int mode;
    private final long off;
    private final long len;
    private KFile f;
    private FuseInode fi;
    private SetattrOp privs;
    private Request req;

    Fallocate(UserThread t, int fd, int mode, long off, long len) {
      super(t);
      this.fd = fd;
      this.mode = mode;
      this.off = off;
      this.len = len;
    }

    @Override
    public String name() {
      return "fallocate";
    }

    @Override
    @Mirrors(fn = "fuse_file_fallocate", file = "fs/fuse/file.c",
        doc = "fallocate(2): FALLOCATE to the server, even under passthrough.")
    protected boolean run(Kernel k) {
      while (true) {
        switch (pc) {
          case 0:
            f = fdget(k, fd);
            if (f == null || !f.writable()) {
              return done(-Errno.EBADF.value);
            }
            fi = f.ff.inode;
            // no fuse_is_bad() check: fuse_file_fallocate() has none, and vfs_fallocate() neither,
            // so a bad inode still sends FALLOCATE (seen on 6.18.44)
            if ((mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) != 0
                || k.fc.noFallocate) {
              return done(-Errno.EOPNOTSUPP.value);
            }
            pc = 1;
            break;
          case 1:
            if (!Locks.downWrite(k, fi, this)) {
              return false;
            }
            pc = 4;
            break;
          case 4:
            if (!killpriv.run(k, this, fi)) {
              return false; // file_modified() → file_remove_privs()
            }
            int kill = SetattrOp.shouldRemoveSuid(fi.attr, thread);
            ghostPrivs = fi;
            privs = kill == 0 ? null : new SetattrOp(fi, f, Dir.ATTR_FORCE | kill, 0, 0, 0, 0);
            pc = 2;
            break;
          case 2:
            if (privs != null && !privs.run(k, this)) {
              return false;
            }
            if (privs != null && privs.err != 0) {
              return unlock(k, privs.err);
            }
            if ((mode & FALLOC_FL_KEEP_SIZE) == 0) {
              fi.set(FuseInode.FUSE_I_SIZE_UNSTABLE);
            }
            req = k.dev.send(this, Opcode.FALLOCATE, fi.nodeid, null, mode, off, len, f.ff.fh);
            pc = 3;
            break;
          case 3:
            if (!await(req)) {
              return false;
            }
            return replied(k);
          default:
            throw new IllegalStateException("fallocate pc " + pc);
        }
      }
    }

    private boolean replied(Kernel k) {
      fi.clear(FuseInode.FUSE_I_SIZE_UNSTABLE);
      int err = req.error();
      if (err == -Errno.ENOSYS.value) {
        k.fc.noFallocate = true;
        return unlock(k, -Errno.EOPNOTSUPP.value);
      }
      if (err == 0 && (mode & FALLOC_FL_KEEP_SIZE) == 0) {
        k.inodes.fuseWriteUpdateAttr(fi, off + len, len);
      }
      if (err == 0 && (mode & FALLOC_FL_PUNCH_HOLE) != 0) {
        fi.pages.clear((int) (off / 4096), (int) ((off + len + 4095) / 4096));
      }
      if (err == 0) {
        // fuse_file_fallocate(): fuse_invalidate_attr_mask(inode, FUSE_STATX_MODSIZE) after any
        // successful FALLOCATE, FALLOC_FL_KEEP_SIZE too (seen on 6.18.44: the next read past
        // i_size sends GETATTR)
        fi.invalMask |= Dir.FUSE_STATX_MODSIZE;
      }
      return unlock(k, err);
    }

    private boolean unlock(Kernel k, int err) {
      Locks.upWrite(k, fi);
      return done(err);
    }
  }

  /** fsync(2) → fuse_fsync(): FSYNC (FSYNCDIR for directories); ENOSYS means "nothing to do". */
  static final class Fsync extends Syscall {
    private final int fd;
    private Request req;

    Fsync(UserThread t, int fd) {
      super(t);
      this.fd = fd;
    }

    @Override
    public String name() {
      return "fsync";
    }

    @Override
    @Mirrors(fn = "fuse_fsync", file = "fs/fuse/file.c",
        doc = "fsync(2): FSYNC (FSYNCDIR for directories); ENOSYS means nothing to do.")
    protected boolean run(Kernel k) {
      if (pc == 0) {
        KFile f = fdget(k, fd);
        if (f == null) {
          return done(-Errno.EBADF.value);
        }
        if (f.ff.inode.isBad()) {
          return done(-Errno.EIO.value);
        }
        boolean noFsync = f.ff.isDir ? k.fc.noFsyncdir : k.fc.noFsync;
        if (noFsync) {
          return done(0);
        }
        req = k.dev.send(this, f.ff.isDir ? Opcode.FSYNCDIR : Opcode.FSYNC, f.ff.nodeid, null, f.ff.fh);
        pc = 1;
      }
      if (!await(req)) {
        return false;
      }
      if (req.error() == -Errno.ENOSYS.value) {
        if (req.opcode == Opcode.FSYNCDIR) {
          k.fc.noFsyncdir = true;
        } else {
          k.fc.noFsync = true;
        }
        return done(0);
      }
      return done(req.error());
    }
  }

  /** access(2) → fuse_permission() → fuse_access(): ACCESS, unless the server lacks it. */
  static final class Access extends Syscall {
    private final Walk walk;
    private final int mask;
    private Dentry d;
    private Request req;

    Access(UserThread t, String path, int mask) {
      super(t);
      this.walk = new Walk(path, false, false, false);
      this.mask = mask;
    }

    @Override
    public String name() {
      return "access";
    }

    @Override
    @Mirrors(fn = "fuse_access", file = "fs/fuse/dir.c",
        doc = "access(2): ACCESS via fuse_permission, unless the server lacks it.")
    protected boolean run(Kernel k) {
      if (pc == 0) {
        if (!walk.run(k, this)) {
          return false;
        }
        if (walk.err != 0) {
          return done(walk.err);
        }
        d = walk.result;
        if (k.fc.noAccess) {
          k.dput(d);
          return done(0);
        }
        req = k.dev.send(this, Opcode.ACCESS, d.inode.nodeid, null, mask);
        pc = 1;
      }
      if (!await(req)) {
        return false;
      }
      k.dput(d);
      if (req.error() == -Errno.ENOSYS.value) {
        k.fc.noAccess = true;
        return done(0);
      }
      return done(req.error());
    }
  }

  // ---- directories ---------------------------------------------------------------------------

  /**
   * getdents(FD): the directory read to its end, as a program's readdir loop does: getdents64(2)
   * → fuse_readdir() → fuse_readdir_uncached() sends one READDIR per call at the file position,
   * until a reply is empty (READDIRPLUS instead when fuse_use_readdirplus() says so: its records
   * instantiate dentries and inodes). The result is the number of entries.
   */
  static final class Getdents extends Syscall {
    private final int fd;
    private final List<String> names = new java.util.ArrayList<>();
    private KFile f;
    private Request req;
    private boolean plus;
    private long attrVersion;

    Getdents(UserThread t, int fd) {
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
          f = fdget(k, fd);
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

  /**
   * The syscalls that make a name: mknod(2), mkdir(2), symlink(2), link(2). fs/namei.c:
   * filename_create() walks to the new name with LOOKUP_EXCL (the last component is not
   * followed) and fails with EEXIST if it exists; vfs_mknod/mkdir/symlink/link check what the
   * VFS checks (may_create() asks nothing of FUSE without default_permissions); then, under the
   * parent's i_rwsem, fs/fuse/dir.c sends the request and create_new_entry() instantiates the
   * reply's inode ({@link Dir#createNewEntryReply}).
   */
  abstract static class NewEntry extends Syscall {
    private final Walk walk;
    private Dentry d;
    private Request req;
    private long epoch;

    NewEntry(UserThread t, String path) {
      super(t);
      this.walk = new Walk(path, false, true, true).noFollow();
    }

    /** What runs before the new name is walked (link(2) resolves its old path): false = blocked. */
    protected boolean before(Kernel k) {
      return true;
    }

    /** The error found by {@link #before}, or 0. */
    protected int beforeErr() {
      return 0;
    }

    /** The VFS checks between filename_create() and the file system's method: 0 or -errno. */
    protected int vfsChecks(Kernel k, Dentry d) {
      return 0;
    }

    /** The FUSE method's own refusal before any request (fuse_link with no_link): 0 or -errno. */
    protected int fuseChecks(Kernel k) {
      return 0;
    }

    /** fuse_mknod/mkdir/symlink/link: sends the request. */
    protected abstract Request send(Kernel k, Dentry d);

    /** The mode create_new_entry() is given: its S_IFMT is the type the reply must have. */
    protected abstract int mode();

    /** After create_new_entry(): the method's bookkeeping; returns the syscall's result. */
    protected int after(Kernel k, int err) {
      return err;
    }

    /** Drops what {@link #before} holds. */
    protected void release(Kernel k) {}

    @Override
    protected boolean run(Kernel k) {
      while (true) {
        switch (pc) {
          case 0:
            if (!before(k)) {
              return false;
            }
            if (beforeErr() != 0) {
              return done(beforeErr());
            }
            pc = 1;
            break;
          case 1:
            if (!walk.run(k, this)) {
              return false;
            }
            int err = walk.err;
            d = walk.result;
            if (err == 0 && d.inode != null) {
              err = -Errno.EEXIST.value; // filename_create(): the name exists
            }
            if (err == 0) {
              err = vfsChecks(k, d);
            }
            if (err != 0) {
              if (walk.keptDirLock) {
                Locks.upWrite(k, d.parent.inode); // done_path_create()
              }
              if (d != null) {
                k.dput(d);
              }
              release(k);
              return done(err);
            }
            pc = 2;
            break;
          case 2:
            // filename_create() (fs/namei.c) holds the directory lock from the lookup on
            if (!walk.keptDirLock && !Locks.downWrite(k, d.parent.inode, this)) {
              return false;
            }
            int refused = d.parent.inode.isBad() ? -Errno.EIO.value : fuseChecks(k);
            if (refused != 0) { // create_new_entry(): a bad directory is EIO
              Locks.upWrite(k, d.parent.inode);
              k.dput(d);
              release(k);
              return done(refused);
            }
            epoch = k.fc.epoch;
            req = send(k, d);
            pc = 3;
            break;
          case 3:
            if (!await(req)) {
              return false;
            }
            Locks.upWrite(k, d.parent.inode);
            int res = k.dir.createNewEntryReply(d, req, mode(), epoch);
            k.dput(d);
            res = after(k, res);
            release(k);
            return done(res);
          default:
            throw new IllegalStateException(name() + " pc " + pc);
        }
      }
    }
  }

  /** mkdir(2) → vfs_mkdir() → fuse_mkdir(): MKDIR(parent, name){mode}. */
  static final class Mkdir extends NewEntry {
    private final int mode;

    Mkdir(UserThread t, String path, int mode) {
      super(t, path);
      this.mode = mode;
    }

    @Override
    public String name() {
      return "mkdir";
    }

    @Override
    @Mirrors(fn = "fuse_mkdir", file = "fs/fuse/dir.c", patches = {14},
        doc = "mkdir(2): MKDIR, then create_new_entry instantiates the inode (14: with its "
            + "backing).")
    protected Request send(Kernel k, Dentry d) {
      return k.dev.send(this, Opcode.MKDIR, d.parent.inode.nodeid, d.name, mode & 07777);
    }

    @Override
    protected int mode() {
      return Lower.S_IFDIR;
    }
  }

  /**
   * mknod(2) → do_mknodat() → may_mknod(): a type of 0 is S_IFREG, S_IFDIR is EPERM, an unknown
   * type EINVAL; a block device needs CAP_MKNOD (EPERM otherwise, vfs_mknod; a character device
   * with dev 0, the only number a trace can give, is a whiteout and needs none). A
   * regular file goes through vfs_create() → fuse_create() → fuse_mknod() (no CREATE: that is
   * open(O_CREAT)'s atomic_open), the rest through vfs_mknod() → fuse_mknod(): MKNOD(parent,
   * name){mode, rdev 0, umask 0}.
   */
  static final class Mknod extends NewEntry {
    private final int mode;

    Mknod(UserThread t, String path, int mode) {
      super(t, path);
      this.mode = (mode & Lower.S_IFMT) == 0 ? mode | Lower.S_IFREG : mode;
    }

    @Override
    public String name() {
      return "mknod";
    }

    /** may_mknod(), which do_mknodat() runs before it walks: no request at all. */
    @Override
    @Mirrors(fn = "may_mknod", file = "fs/namei.c",
        doc = "mknod(2), before the walk: S_IFDIR is EPERM, an unknown type EINVAL.")
    protected int beforeErr() {
      switch (mode & Lower.S_IFMT) {
        case Lower.S_IFREG:
        case Lower.S_IFIFO:
        case Lower.S_IFSOCK:
        case Lower.S_IFCHR:
        case Lower.S_IFBLK:
          return 0;
        case Lower.S_IFDIR:
          return -Errno.EPERM.value;
        default:
          return -Errno.EINVAL.value;
      }
    }

    /**
     * vfs_mknod(): a device needs CAP_MKNOD (threads other than root lack it), except a whiteout:
     * {@code is_whiteout = S_ISCHR(mode) && dev == WHITEOUT_DEV} (0). mknod(2) in a trace has no
     * device number, so it is always 0 and every character device is a whiteout any user may make
     * ("vfs: allow unprivileged whiteout creation"); seen on 6.18 (uid 1000, MKNOD sent, 0).
     */
    @Override
    @Mirrors(fn = "vfs_mknod", file = "fs/namei.c",
        doc = "A block device, or a character device other than a whiteout (dev 0), needs "
            + "CAP_MKNOD (EPERM).")
    protected int vfsChecks(Kernel k, Dentry d) {
      int type = mode & Lower.S_IFMT;
      boolean whiteout = type == Lower.S_IFCHR; // dev is always WHITEOUT_DEV (0) here
      boolean device = type == Lower.S_IFCHR || type == Lower.S_IFBLK;
      return device && !whiteout && thread.uid != 0 ? -Errno.EPERM.value : 0;
    }

    @Override
    @Mirrors(fn = "fuse_mknod", file = "fs/fuse/dir.c", patches = {14},
        doc = "MKNOD with the mode (type and permissions); 14: an entry2 reply's backing is "
            + "attached like a lookup's.")
    protected Request send(Kernel k, Dentry d) {
      return k.dev.send(this, Opcode.MKNOD, d.parent.inode.nodeid, d.name, mode & 0177777);
    }

    @Override
    protected int mode() {
      return mode;
    }
  }

  /** symlink(2) → do_symlinkat() → vfs_symlink() → fuse_symlink(): SYMLINK(parent, name, target). */
  static final class Symlink extends NewEntry {
    private final String target;

    Symlink(UserThread t, String target, String path) {
      super(t, path);
      this.target = target;
    }

    @Override
    public String name() {
      return "symlink";
    }

    @Override
    protected int beforeErr() {
      return target.isEmpty() ? -Errno.ENOENT.value : 0; // getname() of "" (no AT_EMPTY_PATH)
    }

    @Override
    @Mirrors(fn = "fuse_symlink", file = "fs/fuse/dir.c", patches = {14},
        doc = "SYMLINK with the name and the target; the reply must be a symlink (S_IFLNK).")
    protected Request send(Kernel k, Dentry d) {
      return k.dev.send(this, Opcode.SYMLINK, d.parent.inode.nodeid, d.name, target);
    }

    @Override
    protected int mode() {
      return Lower.S_IFLNK;
    }
  }

  /**
   * link(2) → do_linkat(): the old path is resolved first (not followed: no AT_SYMLINK_FOLLOW),
   * then the new name is created; may_linkat() (fs.protected_hardlinks = 1, the systemd default:
   * a caller other than the owner and root may link only a regular file without set-uid and
   * without executable set-gid, else EPERM; fuse_permission() grants the read/write access it
   * also asks for); vfs_link(): a directory is EPERM, an inode with no links ENOENT; then
   * fuse_link(): EPERM at once once a LINK got ENOSYS (no_link); LINK(newdir, name){oldnodeid}.
   * create_new_entry() is given the old inode's mode, so the reply must name an inode of the same
   * type; fuse_iget() finds the existing inode (nlookup + 1) and applies the reply's attributes,
   * nlink included. Then fuse_update_ctime_in_cache() (a no-op: FUSE inodes are S_NOCMTIME
   * without writeback_cache); EINTR invalidates the old inode's attributes; ENOSYS sets no_link
   * and is returned as EPERM.
   */
  static final class Link extends NewEntry {
    private final Walk oldWalk;
    private Dentry old;

    Link(UserThread t, String oldPath, String newPath) {
      super(t, newPath);
      this.oldWalk = new Walk(oldPath, false, false, false).noFollow();
    }

    @Override
    public String name() {
      return "link";
    }

    @Override
    protected boolean before(Kernel k) {
      if (!oldWalk.run(k, this)) {
        return false;
      }
      old = oldWalk.result;
      return true;
    }

    @Override
    protected int beforeErr() {
      return oldWalk.err;
    }

    @Override
    @Mirrors(fn = "vfs_link", file = "fs/namei.c",
        doc = "may_linkat (protected_hardlinks), then a directory is EPERM and an unlinked inode "
            + "ENOENT.")
    protected int vfsChecks(Kernel k, Dentry d) {
      FuseInode fi = old.inode;
      if (thread.uid != 0 && fi.attr.uid() != thread.uid && !safeHardlinkSource(fi)) {
        return -Errno.EPERM.value; // may_linkat()
      }
      if (fi.isDir()) {
        return -Errno.EPERM.value;
      }
      if (fi.attr.nlink() == 0) {
        return -Errno.ENOENT.value; // "don't allow creating hardlink to an unlinked file"
      }
      return 0;
    }

    /** safe_hardlink_source(): a regular file, not set-uid, not set-gid and group-executable. */
    private static boolean safeHardlinkSource(FuseInode fi) {
      int mode = fi.attr.mode();
      return fi.isReg() && (mode & Lower.S_ISUID) == 0
          && (mode & (Lower.S_ISGID | Lower.S_IXGRP)) != (Lower.S_ISGID | Lower.S_IXGRP);
    }

    @Override
    protected int fuseChecks(Kernel k) {
      return k.fc.noLink ? -Errno.EPERM.value : 0;
    }

    @Override
    @Mirrors(fn = "fuse_link", file = "fs/fuse/dir.c", patches = {14},
        doc = "LINK with the old nodeid; the reply names the existing inode (nlookup+1, nlink from "
            + "the reply); ENOSYS sets no_link (EPERM); 14: its backing is attached set-once.")
    protected Request send(Kernel k, Dentry d) {
      return k.dev.send(this, Opcode.LINK, d.parent.inode.nodeid, d.name, old.inode.nodeid);
    }

    @Override
    protected int mode() {
      return old.inode.attr.mode();
    }

    @Override
    protected int after(Kernel k, int err) {
      if (err == -Errno.EINTR.value) {
        k.dir.fuseInvalidateAttr(old.inode);
      }
      if (err == -Errno.ENOSYS.value) {
        k.fc.noLink = true;
        return -Errno.EPERM.value;
      }
      return err;
    }

    @Override
    protected void release(Kernel k) {
      if (old != null) {
        k.dput(old);
        old = null;
      }
    }
  }

  /**
   * readlink(PATH): do_readlinkat() (the last component not followed; EINVAL for a file that is
   * not a symlink) → vfs_readlink() → fuse_get_link() → fuse_readlink_page(): READLINK every
   * time (no FUSE_CACHE_SYMLINKS), then fuse_invalidate_atime(). The result is the target's
   * length (the buffer is taken as one page).
   */
  static final class Readlink extends Syscall {
    private final Walk walk;
    private Dentry d;
    private Request req;

    Readlink(UserThread t, String path) {
      super(t);
      this.walk = new Walk(path, false, false, false).noFollow();
    }

    @Override
    public String name() {
      return "readlink";
    }

    @Override
    @Mirrors(fn = "fuse_readlink_page", file = "fs/fuse/dir.c",
        doc = "readlink(2): READLINK each time (no cache_symlinks); EINVAL if not a symlink; "
            + "invalidates atime.")
    protected boolean run(Kernel k) {
      if (pc == 0) {
        if (!walk.run(k, this)) {
          return false;
        }
        if (walk.err != 0) {
          return done(walk.err);
        }
        d = walk.result;
        if (!d.inode.isLnk()) {
          k.dput(d);
          return done(-Errno.EINVAL.value);
        }
        if (d.inode.isBad()) {
          k.dput(d);
          return done(-Errno.EIO.value); // fuse_get_link()
        }
        req = k.dev.send(this, Opcode.READLINK, d.inode.nodeid, null);
        pc = 1;
      }
      if (!await(req)) {
        return false;
      }
      d.inode.invalMask |= Dir.STATX_ATIME; // fuse_invalidate_atime()
      k.dput(d);
      if (req.error() != 0) {
        return done(req.error());
      }
      long n = ((Reply.Data) req.reply).size();
      return done(n >= 4096 ? -Errno.EIO.value : (int) n); // WARN_ON(res >= PAGE_SIZE) → EIO
    }
  }

  /**
   * unlink(2)/rmdir(2) → fuse_unlink()/fuse_rmdir(): UNLINK/RMDIR; on success the inode's link
   * count drops and the dentry is deleted (d_delete); ENOENT invalidates the dentry.
   */
  static final class Unlink extends Syscall {
    private final Walk walk;
    private final boolean rmdir;
    private Dentry d;
    private Request req;

    Unlink(UserThread t, String path, boolean rmdir) {
      super(t);
      this.walk = new Walk(path, false, false, false).noFollow();
      this.rmdir = rmdir;
    }

    @Override
    public String name() {
      return rmdir ? "rmdir" : "unlink";
    }

    @Override
    @Mirrors(fn = "fuse_unlink", file = "fs/fuse/dir.c",
        doc = "unlink/rmdir: UNLINK/RMDIR; success drops nlink and deletes the dentry; ENOENT "
            + "invalidates it.")
    protected boolean run(Kernel k) {
      while (true) {
        switch (pc) {
          case 0:
            if (!walk.run(k, this)) {
              return false;
            }
            if (walk.err != 0) {
              return done(walk.err);
            }
            d = walk.result;
            if (rmdir != d.inode.isDir()) {
              k.dput(d);
              return done(-(rmdir ? Errno.ENOTDIR : Errno.EISDIR).value);
            }
            pc = 1;
            break;
          case 1:
            if (!Locks.downWrite(k, d.parent.inode, this)) {
              return false;
            }
            req = k.dev.send(this, rmdir ? Opcode.RMDIR : Opcode.UNLINK, d.parent.inode.nodeid, d.name);
            pc = 2;
            break;
          case 2:
            if (!await(req)) {
              return false;
            }
            Locks.upWrite(k, d.parent.inode);
            return done(unlinked(k));
          default:
            throw new IllegalStateException("unlink pc " + pc);
        }
      }
    }

    private int unlinked(Kernel k) {
      int err = req.error();
      FuseInode fi = d.inode;
      if (err == 0) {
        int nlink = rmdir ? 0 : Math.max(0, fi.attr.nlink() - 1);
        fi.attr = fi.attr.withNlink(nlink); // fuse_entry_unlinked(): drop_nlink / clear_nlink
        fi.invalMask = Dir.STATX_BASIC_STATS;
        k.dput(d);
        k.dInvalidate(d); // d_delete(): unused dentries die now
        return 0;
      }
      if (err == -Errno.ENOENT.value || err == -Errno.EINTR.value) {
        k.dInvalidate(d); // fuse_invalidate_entry()
      }
      k.dput(d);
      return err;
    }
  }
}
