package fusesim.model.fuse;

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
import fusesim.model.Bytes;
import fusesim.model.WaitQueue;
import fusesim.model.series.Assumption;
import fusesim.model.series.InodePassthrough;
import fusesim.model.vfs.Attr;
import fusesim.model.vfs.Filemap;
import fusesim.model.vfs.KFile;
import fusesim.model.vfs.KillprivCheck;
import fusesim.model.vfs.ReadWrite;
import fusesim.model.vfs.Uapi;
import fusesim.model.vfs.Vma;
import java.util.List;

/**
 * fs/fuse/file.c: open, release and flush bookkeeping, and the syscalls whose file operation is
 * here, as state machines: read(2) and pread(2) ({@link Read}, fuse_file_read_iter), write(2) and
 * pwrite(2) ({@link Write}), lseek(2), mmap(2), loads and stores through a mapping
 * ({@link MemAccess}, fuse_read_folio), fallocate(2), fsync(2).
 *
 * <p>Over 600 lines because it mirrors fs/fuse/file.c, about 3,300 lines in v6.18.
 */
public final class File {
  private static final String C = "fs/fuse/file.c:";
  private final Kernel k;

  public File(Kernel k) {
    this.k = k;
  }

  /** fuse_file_alloc() + the no-open defaults of fuse_file_open(). */
  @Mirrors(fn = "fuse_file_alloc", file = "fs/fuse/file.c",
      doc = "A new fuse_file with the no-open defaults of fuse_file_open().")
  public FuseFile fuseFileAlloc(FuseInode fi, boolean isDir) {
    FuseFile ff = new FuseFile(k.nextSerial++, fi, isDir);
    ff.openFlags = Iomode.FOPEN_KEEP_CACHE | (isDir ? Iomode.FOPEN_CACHE_DIR : 0);
    return ff;
  }

  /** fuse_file_open() after OPEN/OPENDIR: takes the reply, or the no_open defaults on ENOSYS. */
  @Mirrors(fn = "fuse_file_open", file = "fs/fuse/file.c",
      doc = "After OPEN/OPENDIR: take the reply, or the no_open defaults on ENOSYS.")
  public int fuseFileOpenReply(FuseFile ff, Request r) {
    int err = r.error();
    if (err == 0) {
      Reply.Open o = (Reply.Open) r.reply;
      ff.fh = o.fh();
      ff.openFlags = o.openFlags();
      ff.openBackingId = o.backingId();
    } else if (err != -Errno.ENOSYS.value) {
      return err;
    } else if (ff.isDir) {
      ff.hasArgs = false; // no release needed
      k.fc.noOpendir = true;
    } else {
      k.fc.noOpen = true;
    }
    if (ff.isDir) {
      ff.openFlags &= ~Iomode.FOPEN_DIRECT_IO;
    }
    return 0;
  }

  /**
   * fuse_file_release() → fuse_prepare_release() → fuse_file_put(ff, false): drops the per-open
   * backing file now, takes an inode reference for the asynchronous RELEASE (ra->inode = igrab),
   * and puts the fuse_file.
   */
  @Mirrors(fn = "fuse_file_release", file = "fs/fuse/file.c",
      doc = "fuse_prepare_release: drop the per-open backing file now, RELEASE in the background.")
  public void fuseFileRelease(FuseFile ff, int fFlags) {
    FuseInode fi = ff.inode;
    if (ff.passthrough != null) {
      k.passthrough.fusePassthroughRelease(ff);
    }
    fi.iCount++; // ra->inode = igrab(inode)
    fuseFilePut(ff, fFlags, true);
  }

  /**
   * fuse_file_put(ff, sync=false): on the last reference, releases the io mode (only with
   * ra->inode set), then sends RELEASE/RELEASEDIR in the background; fuse_release_end() iputs.
   */
  @Mirrors(fn = "fuse_file_put", file = "fs/fuse/file.c",
      doc = "Last reference: release the io mode (with ra->inode), then send RELEASE (v1: A16 for "
          + "kernel opens).")
  void fuseFilePut(FuseFile ff, int fFlags, boolean withInode) {
    if (--ff.count > 0) {
      return;
    }
    FuseInode fi = ff.inode;
    ff.released = true;
    k.openFiles.remove(ff);
    if (withInode) {
      k.iomode.fuseFileIoRelease(ff, fi);
    }
    Runnable releaseEnd = () -> {
      if (withInode) {
        k.icache.iput(fi);
      }
    };
    if (!ff.hasArgs) {
      releaseEnd.run(); // server does not implement opendir
    } else if (k.fc.noOpen && !ff.isDir) {
      releaseEnd.run();
    } else if (ff.kernelOpened && k.sem.is(Assumption.V1_KERNEL_OPEN, "no-release")) {
      releaseEnd.run(); // v1: the server never saw the open (A16)
    } else {
      // release_flags 0: FUSE_RELEASE_FLOCK_UNLOCK needs flock(2) (not modelled); Linux never
      // sets FUSE_RELEASE_FLUSH (fuse_prepare_release(), fuse_release_common())
      k.dev.sendBackground(ff.isDir ? Opcode.RELEASEDIR : Opcode.RELEASE, ff.nodeid, releaseEnd,
          ff.fh, fFlags, 0);
    }
  }

  /**
   * fuse_sync_release(), the part before its synchronous RELEASE: no io-mode release
   * (ra->inode = NULL). The caller sends the RELEASE and waits.
   */
  @Mirrors(fn = "fuse_sync_release (before RELEASE)", file = "fs/fuse/file.c",
      doc = "Before the synchronous RELEASE of a failed open: no io-mode release (ra->inode = "
          + "NULL).")
  public void fuseSyncReleasePrepare(FuseFile ff) {
    k.warnOn(ff.count > 1, C + "fuse_sync_release", "WARN_ON(refcount_read(&ff->count) > 1)");
    if (ff.passthrough != null) {
      k.passthrough.fusePassthroughRelease(ff);
    }
    ff.count = 0;
    ff.released = true;
    k.openFiles.remove(ff);
  }

  /**
   * fuse_sync_release(): RELEASE (RELEASEDIR), waited for, after a failed io-mode setup; null when
   * there is nothing to release (no open args, or no_open).
   */
  @Mirrors(fn = "fuse_sync_release", file = "fs/fuse/file.c",
      doc = "RELEASE, waited for, after a failed io-mode setup.")
  public Request fuseSyncRelease(Syscall s, FuseFile ff, int flags) {
    fuseSyncReleasePrepare(ff);
    if (ff.hasArgs && !k.fc.noOpen) {
      return k.dev.send(s, ff.isDir ? Opcode.RELEASEDIR : Opcode.RELEASE, ff.nodeid, null, ff.fh,
          flags, 0);
    }
    return null;
  }

  /**
   * file_remove_privs() → __remove_privs() (fs/inode.c): notify_change() with ATTR_FORCE and the
   * kill bits but no ATTR_FILE, so fuse_setattr()'s refreshing GETATTR and its SETATTR carry no
   * fh (seen on 6.18.44: the kill SETATTR of write and fallocate has no FATTR_FH).
   */
  private static Dir.SetattrOp killSetattr(FuseInode fi, int kill) {
    return new Dir.SetattrOp(fi, null, Dir.ATTR_FORCE | kill, 0, 0, 0, 0);
  }

  /** Whether fuse_flush() sends FLUSH: not with FOPEN_NOFLUSH (without writeback cache). */
  public boolean fuseFlushSends(FuseFile ff) {
    if (ff.kernelOpened && k.sem.is(Assumption.V1_KERNEL_OPEN, "no-release")) {
      return false; // v1 (A16): no fh to flush, the server never saw the open
    }
    if ((ff.openFlags & Iomode.FOPEN_NOFLUSH) != 0 && !k.fc.writebackCache) {
      return false;
    }
    return !k.fc.noFlush;
  }

  /**
   * read(2)/pread(2) → fuse_file_read_iter(): FOPEN_DIRECT_IO first (READ to the server), then
   * passthrough (the backing file, no request), then the page cache (READ for missing pages;
   * fuse_update_attributes() first with auto_inval_data or when reading past i_size; with O_DIRECT
   * then fuse_direct_IO() instead of the page cache).
   */
  public static final class Read extends Syscall {
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
    private Dir.GetattrOp size;
    /** v2 09/21: a passthrough open without READ reads from the server, uncached. */
    private boolean uncached;
    private long attrVer;
    /** The READ in flight is filemap_update_page()'s second try of a page readahead failed to read. */
    private boolean retrying;
    /** What the O_DIRECT part read before the buffered rest (generic_file_read_iter), else 0. */
    private long directPart;
    /** The O_DIRECT part came back short: the rest goes through the page cache. */
    private boolean buffered;
    /** The bytes the O_DIRECT part read (generic_file_read_iter's first part). */
    private Bytes directBytes = Bytes.EMPTY;
    /** Whether the bytes returned came from READ replies made from the lower file (ghost). */
    private Bytes fromLower;

    /** preadv(2): the iovecs' summed length at {@code offArg} (do_preadv → vfs_readv). */
    private final boolean vectored;

    public Read(UserThread t, int fd, long count, long off) {
      this(t, fd, count, off, false);
    }

    private Read(UserThread t, int fd, long count, long off, boolean vectored) {
      super(t);
      this.fd = fd;
      this.count = count;
      this.offArg = off;
      this.vectored = vectored;
    }

    /**
     * preadv(2) of iovecs summing to {@code total} at {@code pos}: vfs_readv() →
     * do_iter_readv_writev() → fuse_file_read_iter() with that iov_iter, so the requests are a
     * pread's of the summed length ({@link ReadWrite#vectorPrologue} for what comes before).
     */
    @Mirrors(fn = "fuse_file_read_iter", file = "fs/fuse/file.c",
        doc = "preadv(2) (vfs_readv, fs/read_write.c): read_iter with the iovecs' summed length at pos.")
    public static Read preadv(UserThread t, int fd, long total, long pos) {
      return new Read(t, fd, total, pos, true);
    }

    @Override
    public String name() {
      return vectored ? "preadv" : offArg >= 0 ? "pread" : "read";
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
      int e = vectored ? ReadWrite.vectorPrologue(k, this, fd, offArg, count, false)
          : ReadWrite.rwPrologue(k, this, fd, offArg < 0, false);
      if (e == ReadWrite.EMPTY) {
        return done(0);
      }
      if (e != 0) {
        return e == ReadWrite.BLOCKED ? false : done(e);
      }
      f = pinned;
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
        Bytes b = k.passthrough.readIter(ff, off, count);
        ff.inode.invalMask |= Dir.STATX_ATIME; // fuse_invalidate_atime()
        return finish(k, b, ReadGhost.Source.PASSTHROUGH);
      }
      FuseInode fi = ff.inode;
      if (k.fc.autoInvalData || off + count > fi.attr.size()) {
        size = new Dir.GetattrOp(fi, f, Dir.STATX_SIZE); // fuse_update_attributes(STATX_SIZE)
        pc = SIZE_GETATTR;
        return run(k);
      }
      return cached(k);
    }

    /** generic_file_read_iter(): the page cache, reading missing pages with READ. */
    private boolean cached(Kernel k) {
      FuseInode fi = f.ff.inode;
      if ((f.fFlags & Uapi.O_DIRECT) != 0 && !buffered) {
        // IOCB_DIRECT: a_ops->direct_IO = fuse_direct_IO() (fs/fuse/file.c), which returns 0
        // without a request for a read at or past i_size (seen on 6.18.44)
        return off >= fi.attr.size() ? finish(k, Bytes.EMPTY, ReadGhost.Source.SERVER) : send(k, off, count);
      }
      long n = Math.max(0, Math.min(count - directPart, fi.attr.size() - off));
      if (n == 0) {
        return finish(k, Bytes.EMPTY, ReadGhost.Source.CACHE);
      }
      int first = (int) (off / PAGE);
      int last = (int) ((off + n - 1) / PAGE);
      int missing = fi.pages.nextClearBit(first);
      if (missing > last) {
        return finish(k, fi.cache.read(off, n), ReadGhost.Source.CACHE); // filemap_read(): copy_folio_to_iter
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
          || (f.fFlags & Uapi.O_DIRECT) != 0 && !buffered;
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
      Reply.Data data = (Reply.Data) req.reply;
      long got = data.size();
      if (got > want) {
        k.warnOn(true, "fs/fuse/file.c:fuse_direct_io", "WARN_ON(nres > nbytes)");
        return done(-Errno.EIO.value);
      }
      Bytes bytes = data.data().slice(0, got);
      if (direct && !uncached && (f.ff.openFlags & Iomode.FOPEN_DIRECT_IO) == 0
          && Filemap.directReadFallsThrough(got, want, off, fi.attr.size())) {
        directBytes = bytes;
        return bufferedRest(k, got);
      }
      if (direct || uncached) {
        fromLower = req.ghostLower;
        return finish(k, bytes, ReadGhost.Source.SERVER); // fuse_direct_io(): the reply, into the user buffer
      }
      int from = (int) (reqOff / PAGE);
      int to = (int) ((reqOff + got + PAGE - 1) / PAGE);
      fi.pages.set(from, Math.max(from, to));
      // fuse_readpages_end() → fuse_short_read(): the reply's bytes fill the pages, the tail of the
      // last one past a short reply is zeroed (iov_iter_zero)
      fi.cache.write(reqOff, bytes.concat(Bytes.zeros(Math.max(from, to) * PAGE - (reqOff + got))));
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
      // filemap_read() (mm/filemap.c) reads i_size again once it has the pages and copies no
      // further: a truncate that ran while the READ was in flight shortens the result
      long n = Math.max(0, Math.min(count - directPart, Math.min(reqOff + got, fi.attr.size()) - off));
      return finish(k, fi.cache.read(off, n), ReadGhost.Source.CACHE);
    }

    /**
     * generic_file_read_iter() (mm/filemap.c): an IOCB_DIRECT read that fuse_direct_IO() returned
     * short, with no error and before i_size, goes on with filemap_read() for the rest ("fallthrough
     * to buffered io for the rest of the read"), which returns both parts (seen on 6.18.44: an
     * O_DIRECT read answered with 1 byte sends a second READ, through the page cache).
     */
    private boolean bufferedRest(Kernel k, long got) {
      directPart = got;
      off += got;
      buffered = true;
      return cached(k);
    }

    private boolean finish(Kernel k, Bytes b, ReadGhost.Source src) {
      if (offArg < 0) {
        f.pos = off + b.length();
      }
      Bytes all = directBytes.concat(b);
      // an O_DIRECT read whose rest went through the page cache counts as read from the server
      ReadGhost.Source s = directPart > 0 ? ReadGhost.Source.SERVER : src;
      k.ghostRead = ReadGhost.capture(k, f.ff, s, off - directPart, count, all, directPart == 0 ? fromLower : null);
      return done(SysResult.read(all));
    }
  }

  /**
   * write(2)/pwrite(2) → fuse_file_write_iter(): FOPEN_DIRECT_IO (fuse_direct_write_iter under
   * fuse_dio_lock: shared and uncached for parallel direct writes, else exclusive), passthrough
   * (backing_file_write_iter under inode_lock), or write-through to the server
   * (fuse_cache_write_iter). Passthrough and cached writes first drop suid/sgid
   * (file_remove_privs).
   */
  public static final class Write extends Syscall {
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
    private Dir.SetattrOp privs;
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
    private Dir.SetattrOp truncate;
    private int truncateErr;

    /** The user buffer; null: the trace convention's bytes ({@link Bytes#written}). */
    private final Bytes data;

    public Write(UserThread t, int fd, long count, long off) {
      this(t, fd, count, off, null);
    }

    public Write(UserThread t, int fd, long count, long off, Bytes data) {
      this(t, fd, count, off, data, false);
    }

    private Write(UserThread t, int fd, long count, long off, Bytes data, boolean vectored) {
      super(t);
      this.fd = fd;
      this.count = count;
      this.offArg = off;
      this.data = data;
      this.vectored = vectored;
    }

    /** pwritev(2): the iovecs' summed length at {@code offArg} (do_pwritev → vfs_writev). */
    private final boolean vectored;

    /**
     * pwritev(2) of iovecs summing to {@code total} at {@code pos}: vfs_writev() →
     * do_iter_readv_writev() → fuse_file_write_iter() with that iov_iter, so the requests are a
     * pwrite's of the summed length and the bytes the pwrite convention's from {@code pos}.
     */
    @Mirrors(fn = "fuse_file_write_iter", file = "fs/fuse/file.c",
        doc = "pwritev(2) (vfs_writev, fs/read_write.c): write_iter with the iovecs' summed length at pos.")
    public static Write pwritev(UserThread t, int fd, long total, long pos) {
      return new Write(t, fd, total, pos, null, true);
    }

    /** The bytes written: the trace's, else 'A' + i % 26 from 0 (write) or the offset (pwrite). */
    private Bytes data() {
      return data != null ? data : Bytes.written(offArg >= 0 ? offArg : 0, count);
    }

    @Override
    public String name() {
      return vectored ? "pwritev" : offArg >= 0 ? "pwrite" : "write";
    }

    @Override
    @Mirrors(fn = "fuse_file_write_iter", file = "fs/fuse/file.c", patches = {9},
        doc = "write(2): direct io under fuse_dio_lock, passthrough under inode_lock, or "
            + "write-through WRITE.")
    protected boolean run(Kernel k) {
      while (true) {
        switch (pc) {
          case START:
            int e = vectored ? ReadWrite.vectorPrologue(k, this, fd, offArg, count, true)
                : ReadWrite.rwPrologue(k, this, fd, offArg < 0, true);
            if (e == ReadWrite.EMPTY) {
              return done(0);
            }
            if (e != 0) {
              return e == ReadWrite.BLOCKED ? false : done(e);
            }
            f = pinned;
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
            off = (f.fFlags & Uapi.O_APPEND) != 0 ? fi.attr.size() : offArg >= 0 ? offArg : f.pos;
            pc = direct ? PRIVS : KILLPRIV;
            break;
          case KILLPRIV:
            if (!killpriv.run(k, this, fi)) {
              return false; // file_remove_privs() → dentry_needs_remove_privs()
            }
            int kill = Attr.shouldRemoveSuid(fi.attr, thread);
            ghostPrivs = fi;
            privs = kill == 0 ? null : killSetattr(fi, kill);
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
              long res = k.passthrough.writeIter(f.ff, off, count, data());
              k.ghostWrite = WriteGhost.capture(f.ff, off, count, res, data()); // PT-WRITE-RESULT
              return unlockAndDone(k, res);
            }
            if (!direct && (f.fFlags & Uapi.O_DIRECT) != 0) {
              // generic_file_direct_write(): the written range leaves the page cache
              // (kiocb_invalidate_pages), so a later read of it sends READ (seen on 6.18.44)
              fi.pages.clear((int) (off / 4096), (int) ((off + count + 4095) / 4096));
            } else if (!direct) {
              // fuse_fill_write_pages(): the user's bytes are copied into the pages; a page the
              // write covers whole is marked uptodate when it is copied, before WRITE is sent: a
              // read meanwhile finds it (seen on 6.18.44)
              fi.cache.write(off, data());
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
      boolean pastEof = (f.fFlags & Uapi.O_APPEND) == 0 && pos + count > fi.attr.size();
      exclusive = (f.ff.openFlags & Iomode.FOPEN_PARALLEL_DIRECT_WRITES) == 0
          || (f.fFlags & Uapi.O_APPEND) != 0 || fi.test(FuseInode.FUSE_I_CACHE_IO_MODE) || pastEof;
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
      return !direct && (f.fFlags & Uapi.O_DIRECT) == 0;
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
      req = k.dev.sendWrite(this, fi.nodeid, data().slice(at - off, len), at, len, f.ff.fh);
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
        k.files.fuseWriteUpdateAttr(fi, reqOff + n, n);
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
        k.files.fuseWriteUpdateAttr(fi, off, 0);
      }
      if (err == 0 && !direct && (f.fFlags & Uapi.O_DIRECT) != 0 && n < count) {
        return fallback(k, n);
      }
      if (err != 0 && !direct && (f.fFlags & Uapi.O_DIRECT) != 0 && off + count > sizeAtStart) {
        // fuse_direct_IO() (fs/fuse/file.c): a failed extending write calls fuse_do_truncate(),
        // a SETATTR of the size i_size had (seen on 6.18.44: SETATTR after the WRITE's EIO)
        truncate = new Dir.SetattrOp(fi, f, Dir.ATTR_SIZE, 0, 0, 0, fi.attr.size());
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
      fi.cache.write(at, data().slice(directWritten, count - directWritten)); // fuse_fill_write_pages()
      req = k.dev.sendWrite(this, fi.nodeid, data().slice(directWritten, count - directWritten), at,
          count - directWritten, f.ff.fh);
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
      k.files.fuseWriteUpdateAttr(fi, err == 0 ? at + m : at, err == 0 ? m : 0);
      if (err == 0 && m == 0) {
        err = -Errno.EIO.value; // fuse_perform_write(): a short write of nothing
      }
      return unlockAndDone(k, Filemap.directWriteFallback(fi, at, directWritten, err != 0 ? err : m));
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
  public static final class Lseek extends Syscall {
    private final int fd;
    private final long off;
    private final int whence;
    private KFile f;
    private Dir.GetattrOp size;
    private Request req;

    public Lseek(UserThread t, int fd, long off, int whence) {
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
        doc = "lseek(2): SEEK_END refreshes i_size first (fuse_update_attributes); SEEK_DATA/"
            + "SEEK_HOLE ask the server under inode_lock (fuse_lseek).")
    protected boolean run(Kernel k) {
      while (true) {
        switch (pc) {
          case 0:
            f = k.fdtable.fdget(this, fd);
            if (f == null) {
              return done(-Errno.EBADF.value);
            }
            if (whence < 0 || whence > Uapi.SEEK_HOLE) {
              return done(-Errno.EINVAL.value); // ksys_lseek(): whence > SEEK_MAX
            }
            if (whence == Uapi.SEEK_SET || whence == Uapi.SEEK_CUR) {
              return seek(whence == Uapi.SEEK_SET ? off : f.pos + off);
            }
            if (whence != Uapi.SEEK_END && f.ff.isDir) {
              throw new NotModelled("lseek SEEK_DATA/SEEK_HOLE on a directory (generic_file_llseek)");
            }
            if (whence == Uapi.SEEK_END) {
              size = new Dir.GetattrOp(f.ff.inode, f, Dir.STATX_SIZE);
              pc = 1;
            } else {
              pc = 2;
            }
            break;
          case 1:
            if (!size.run(k, this)) {
              return false;
            }
            return size.err != 0 ? done(size.err) : seek(f.ff.inode.attr.size() + off);
          case 2:
            if (!Locks.downWrite(k, f.ff.inode, this)) {
              return false; // fuse_file_llseek(): inode_lock() around fuse_lseek()
            }
            pc = k.fc.noLseek ? fallback() : sendLseek(k);
            break;
          case 3:
            if (!await(req)) {
              return false;
            }
            pc = lseekReply(k);
            if (result != null) {
              return true;
            }
            break;
          case 4:
            if (!size.run(k, this)) {
              return false;
            }
            Locks.upWrite(k, f.ff.inode);
            return size.err != 0 ? done(size.err) : genericSeekDataHole(f.ff.inode.attr.size());
          default:
            throw new IllegalStateException("lseek pc " + pc);
        }
      }
    }

    /** fuse_lseek(): LSEEK with the file's fh, the offset and whence. */
    private int sendLseek(Kernel k) {
      req = k.dev.send(this, Opcode.LSEEK, f.ff.nodeid, null, off, whence, f.ff.fh);
      return 3;
    }

    /**
     * fuse_lseek() after LSEEK: ENOSYS sets fc->no_lseek and falls back; another error is the
     * call's; the found offset goes through vfs_setpos(). A reply without fuse_lseek_out is one
     * of the wrong size: fuse_dev_do_write() fails the request with EIO.
     */
    @Mirrors(fn = "fuse_lseek", file = "fs/fuse/file.c",
        doc = "LSEEK: ENOSYS sets no_lseek and falls back to generic_file_llseek; else the "
            + "server's offset through vfs_setpos.")
    private int lseekReply(Kernel k) {
      int err = req.error();
      if (err == -Errno.ENOSYS.value) {
        k.fc.noLseek = true;
        return fallback();
      }
      Locks.upWrite(k, f.ff.inode);
      if (err != 0) {
        done(err);
      } else if (!(req.reply instanceof Reply.Lseek found)) {
        done(-Errno.EIO.value);
      } else {
        seek(found.offset());
      }
      return pc; // finished: result is set
    }

    /** fuse_lseek()'s fallback: fuse_update_attributes(STATX_SIZE), then generic_file_llseek(). */
    private int fallback() {
      size = new Dir.GetattrOp(f.ff.inode, f, Dir.STATX_SIZE);
      return 4;
    }

    /**
     * generic_file_llseek_size() for SEEK_DATA/SEEK_HOLE: an offset at or past EOF (or negative,
     * compared unsigned) is ENXIO; SEEK_DATA stays, SEEK_HOLE goes to EOF (the file is all data).
     */
    private boolean genericSeekDataHole(long eof) {
      if (Long.compareUnsigned(off, eof) >= 0) {
        return done(-Errno.ENXIO.value);
      }
      return seek(whence == Uapi.SEEK_HOLE ? eof : off);
    }

    private boolean seek(long to) {
      if (to < 0) {
        return done(-Errno.EINVAL.value);
      }
      f.pos = to;
      return done(to);
    }
  }

  /**
   * mmap(2) → fuse_file_mmap(): a passthrough file maps its backing file; otherwise an inode with
   * a backing file refuses (ENODEV); a FOPEN_DIRECT_IO file refuses MAP_SHARED without
   * direct_io_allow_mmap, and its first MAP_SHARED mapping enters cached io mode.
   */
  public static final class Mmap extends Syscall {
    private final int fd;
    private final int prot;
    private final int mflags;
    private KFile f;

    public Mmap(UserThread t, int fd, int prot, int mflags) {
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
      boolean shared = (mflags & Uapi.MAP_SHARED) != 0;
      boolean write = (prot & Uapi.PROT_WRITE) != 0;
      if (pc == 0) {
        f = k.fdtable.fdget(this, fd);
        if (f == null) {
          return done(-Errno.EBADF.value);
        }
        if (!f.readable() || shared && write && !f.writable()) {
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
  public static final class MemAccess extends Syscall {
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

    public MemAccess(UserThread t, String map, long off, long len, boolean store) {
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
      k.fdtable.fput(v.file);
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

  /** fallocate(2) → fuse_file_fallocate(): FALLOCATE to the server, even under passthrough. */
  public static final class Fallocate extends Syscall {
    private final KillprivCheck killpriv = new KillprivCheck();
    private final int fd;
    private final int mode;
    private final long off;
    private final long len;
    private KFile f;
    private FuseInode fi;
    private Dir.SetattrOp privs;
    private Request req;

    public Fallocate(UserThread t, int fd, int mode, long off, long len) {
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
            f = k.fdtable.fdget(this, fd);
            if (f == null || !f.writable()) {
              return done(-Errno.EBADF.value);
            }
            fi = f.ff.inode;
            // no fuse_is_bad() check: fuse_file_fallocate() has none, and vfs_fallocate() neither,
            // so a bad inode still sends FALLOCATE (seen on 6.18.44)
            if ((mode & ~(Uapi.FALLOC_FL_KEEP_SIZE | Uapi.FALLOC_FL_PUNCH_HOLE | Uapi.FALLOC_FL_ZERO_RANGE)) != 0
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
            int kill = Attr.shouldRemoveSuid(fi.attr, thread);
            ghostPrivs = fi;
            privs = kill == 0 ? null : killSetattr(fi, kill);
            pc = 2;
            break;
          case 2:
            if (privs != null && !privs.run(k, this)) {
              return false;
            }
            if (privs != null && privs.err != 0) {
              return unlock(k, privs.err);
            }
            if ((mode & Uapi.FALLOC_FL_KEEP_SIZE) == 0) {
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
      if (err == 0 && (mode & Uapi.FALLOC_FL_KEEP_SIZE) == 0) {
        k.files.fuseWriteUpdateAttr(fi, off + len, len);
      }
      if (err == 0 && (mode & Uapi.FALLOC_FL_PUNCH_HOLE) != 0) {
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

  /**
   * fsync(2)/fdatasync(2) → do_fsync(fd, datasync) → vfs_fsync() → fuse_fsync() (fuse_dir_fsync()
   * for a directory): FSYNC (FSYNCDIR), fuse_fsync_common() setting fsync_flags=FDATASYNC for
   * fdatasync; ENOSYS means "nothing to do". Both hold the inode lock exclusively around the
   * request (inode_lock(inode) ... inode_unlock(inode)), so an fsync waits behind a chown or
   * truncate whose SETATTR is out, and a write waits behind a held FSYNC (found by kernel fuzz,
   * seed 20261122). fuse_fsync() checks fc->no_fsync under the lock, fuse_dir_fsync() checks
   * fc->no_fsyncdir before it. Not passed through on 6.18: a passthrough file's fsync is sent to
   * the server too (fuse_fsync has no backing-file branch; mainline.md 3.3). Not modelled: the
   * writeback of dirty pages before FSYNC (file_write_and_wait_range; the model writes no dirty
   * page back, traces/corpus/mainline-disagreements/dirty-mmap-page-written-back-at-close).
   */
  public static final class Fsync extends Syscall {
    /** FUSE_FSYNC_FDATASYNC (include/uapi/linux/fuse.h). */
    static final long FUSE_FSYNC_FDATASYNC = 1;
    private static final int LOCK = 1, SEND = 2, SENT = 3;
    private final int fd;
    private final boolean datasync;
    private KFile f;
    private FuseInode fi;
    private Request req;

    public Fsync(UserThread t, int fd, boolean datasync) {
      super(t);
      this.fd = fd;
      this.datasync = datasync;
    }

    @Override
    public String name() {
      return datasync ? "fdatasync" : "fsync";
    }

    @Override
    @Mirrors(fn = "fuse_fsync", file = "fs/fuse/file.c",
        doc = "fsync(2)/fdatasync(2) under the exclusive inode lock: FSYNC (fuse_dir_fsync in "
            + "fs/fuse/dir.c: FSYNCDIR) with fsync_flags FDATASYNC for fdatasync "
            + "(fuse_fsync_common); ENOSYS means nothing to do.")
    protected boolean run(Kernel k) {
      while (true) {
        switch (pc) {
          case 0:
            f = k.fdtable.fdget(this, fd);
            if (f == null) {
              return done(-Errno.EBADF.value);
            }
            fi = f.ff.inode;
            if (fi.isBad()) {
              return done(-Errno.EIO.value);
            }
            if (f.ff.isDir && k.fc.noFsyncdir) {
              return done(0); // fuse_dir_fsync(): before inode_lock()
            }
            pc = LOCK;
            break;
          case LOCK:
            if (!Locks.downWrite(k, fi, this)) {
              return false;
            }
            pc = SEND;
            break;
          case SEND:
            if (!f.ff.isDir && k.fc.noFsync) {
              return unlock(k, 0); // fuse_fsync(): under the lock
            }
            req = k.dev.send(this, f.ff.isDir ? Opcode.FSYNCDIR : Opcode.FSYNC, f.ff.nodeid, null, f.ff.fh,
                datasync ? FUSE_FSYNC_FDATASYNC : 0);
            pc = SENT;
            break;
          default:
            if (!await(req)) {
              return false;
            }
            return unlock(k, enosys(k));
        }
      }
    }

    /** ENOSYS: fc->no_fsync (no_fsyncdir) = 1 and success; else the reply's error. */
    private int enosys(Kernel k) {
      if (req.error() != -Errno.ENOSYS.value) {
        return req.error();
      }
      if (req.opcode == Opcode.FSYNCDIR) {
        k.fc.noFsyncdir = true;
      } else {
        k.fc.noFsync = true;
      }
      return 0;
    }

    private boolean unlock(Kernel k, int err) {
      Locks.upWrite(k, fi);
      return done(err);
    }
  }

  /**
   * fuse_write_update_attr(): a write (to the server or the backing file) ended at pos: bump
   * attr_version, grow i_size, and invalidate STATX_MODSIZE so the next stat asks the server.
   */
  @Mirrors(fn = "fuse_write_update_attr", file = "fs/fuse/file.c",
      doc = "A write ended at pos: bump attr_version, grow i_size, invalidate the attributes.")
  public void fuseWriteUpdateAttr(FuseInode fi, long pos, long written) {
    fi.attrVersion = ++k.fc.attrVersion;
    if (written > 0 && pos > fi.attr.size()) {
      fi.attr = fi.attr.withSize(pos);
    }
    fi.invalMask |= Dir.FUSE_STATX_MODSIZE; // fuse_invalidate_attr_mask(inode, FUSE_STATX_MODSIZE)
  }
}
