package fusesim.model.fuse;

import fusesim.model.Errno;
import fusesim.model.Kernel;
import fusesim.model.Mirrors;
import fusesim.model.MountConfig;
import fusesim.model.NotModelled;
import fusesim.model.Opcode;
import fusesim.model.Reply;
import fusesim.model.series.Assumption;
import fusesim.model.vfs.KFile;
import fusesim.model.vfs.Vfs;

/**
 * fs/fuse/file.c (open, release, flush bookkeeping) and process_init_reply() of fs/fuse/inode.c.
 * The parts that wait for the server live in the {@link Vfs} state machines; the parts between
 * requests are here.
 */
public final class File {
  private static final String C = "fs/fuse/file.c:";
  private final Kernel k;

  public File(Kernel k) {
    this.k = k;
  }

  /**
   * process_init_reply() (fs/fuse/inode.c): passthrough is on only with INIT_EXT, FUSE_PASSTHROUGH
   * in flags2, 1 <= max_stack_depth <= FILESYSTEM_MAX_STACK_DEPTH (2) and no WRITEBACK_CACHE;
   * otherwise it is silently off. An INIT error sets conn_error.
   */
  @Mirrors(fn = "process_init_reply", file = "fs/fuse/inode.c", patches = {1},
      doc = "Passthrough needs INIT_EXT, FUSE_PASSTHROUGH, 1 <= max_stack_depth <= 2, no writeback "
          + "cache; 01 adds PASSTHROUGH_INO.")
  public void processInitReply(MountConfig m) {
    FuseConn fc = k.fc;
    fc.initialized = true;
    if (m.initError != 0) {
      fc.connError = true;
      return;
    }
    boolean flags2 = !m.noInitExt; // flags2 is read only with FUSE_INIT_EXT
    fc.writebackCache = m.writebackCache;
    fc.parallelDirops = m.parallelDirops;
    fc.directIoAllowMmap = flags2 && m.directIoAllowMmap;
    fc.atomicOTrunc = m.atomicOTrunc;
    fc.handleKillpriv = m.handleKillpriv;
    fc.handleKillprivV2 = m.handleKillprivV2;
    fc.autoInvalData = m.autoInvalData;
    // process_init_reply(): FUSE_DO_READDIRPLUS, and READDIRPLUS_AUTO only with it; the mount
    // option readdirplus_auto stands for an INIT reply with both bits (as the kernel harness sends)
    fc.doReaddirplus = m.readdirplus || m.readdirplusAuto;
    fc.readdirplusAuto = m.readdirplusAuto;
    if (m.defaultPermissions) {
      // fuse_permission() then checks every walk and access against (refreshed) cached
      // attributes: GETATTRs the model does not send (seen on 6.18.44: GETATTR(1) on a walk).
      throw new NotModelled("the default_permissions mount option (fuse_permission)");
    }
    if (flags2 && m.passthrough && m.maxStackDepth >= 1 && m.maxStackDepth <= 2
        && !m.writebackCache) {
      fc.passthrough = true;
      fc.maxStackDepth = m.maxStackDepth;
      // v2 01/21: FUSE_PASSTHROUGH_INO, offered on 64-bit only; accepted with passthrough.
      fc.passthroughIno = k.sem.has(1) && m.passthroughIno;
    } else if (k.sem.has(1) && m.passthroughIno
        && k.sem.is(Assumption.INO_WITHOUT_PASSTHROUGH, "conn-error")) {
      fc.connError = true; // A14: PASSTHROUGH_INO accepted without PASSTHROUGH
    }
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
   * fput() of a struct file: the last reference releases it (__fput → fuse_release or
   * fuse_dir_release → fuse_file_release) and drops its dentry.
   */
  @Mirrors(fn = "fput", file = "fs/file_table.c",
      doc = "The last reference releases the file: __fput, fuse_release or fuse_dir_release.")
  public void fput(KFile f) {
    if (f.fCount <= 0) {
      k.finding("fs/file_table.c:fput", "fput on a file with f_count 0");
      return;
    }
    if (--f.fCount > 0) {
      return;
    }
    fuseFileRelease(f.ff, f.fFlags);
    k.dput(f.dentry);
  }

  /**
   * fuse_file_release() → fuse_prepare_release() → fuse_file_put(ff, false): drops the per-open
   * backing file now, takes an inode reference for the asynchronous RELEASE (ra->inode = igrab),
   * and puts the fuse_file.
   */
  @Mirrors(fn = "fuse_file_release", file = "fs/fuse/file.c",
      doc = "fuse_prepare_release: drop the per-open backing file now, RELEASE in the background.")
  void fuseFileRelease(FuseFile ff, int fFlags) {
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
        k.inodes.iput(fi);
      }
    };
    if (!ff.hasArgs) {
      releaseEnd.run(); // server does not implement opendir
    } else if (k.fc.noOpen && !ff.isDir) {
      releaseEnd.run();
    } else if (ff.kernelOpened && k.sem.is(Assumption.V1_KERNEL_OPEN, "no-release")) {
      releaseEnd.run(); // v1: the server never saw the open (A16)
    } else {
      k.dev.sendBackground(ff.isDir ? Opcode.RELEASEDIR : Opcode.RELEASE, ff.nodeid, releaseEnd,
          ff.fh, fFlags);
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
}
