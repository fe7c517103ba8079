package fusesim.model.vfs;

import fusesim.model.Errno;
import fusesim.model.Kernel;
import fusesim.model.Mirrors;
import fusesim.model.Syscall;
import fusesim.model.UserThread;
import fusesim.model.WaitQueue;

/**
 * fs/file.c: the process's fd table (dup(2)).
 */
public final class Fdtable {
  private final Kernel k;

  public Fdtable(Kernel k) {
    this.k = k;
  }

  /** The lowest free fd, from 3 (0-2 are the standard streams). */
  public int installFd(KFile f) {
    int fd = reserveFd();
    return installFd(fd, f);
  }

  /**
   * get_unused_fd_flags(): the lowest number neither open nor reserved by a call in flight. An
   * open reserves its fd when it starts (do_sys_openat2), so of two opens in flight the first
   * started gets the lower number, whichever returns first (get_unused_fd_flags, then do_filp_open,
   * then fd_install).
   */
  @Mirrors(fn = "get_unused_fd_flags", file = "fs/file.c",
      doc = "An open reserves the lowest free fd when it starts, before the FUSE requests.")
  public int reserveFd() {
    int fd = 3;
    while (k.fds.containsKey(fd) || k.reservedFds.contains(fd)) {
      fd++;
    }
    k.reservedFds.add(fd);
    return fd;
  }

  /** fd_install() of a reserved number. */
  @Mirrors(fn = "fd_install", file = "fs/file.c", doc = "A successful open installs its file at the reserved fd.")
  public int installFd(int fd, KFile f) {
    k.reservedFds.remove(fd);
    k.fds.put(fd, f);
    return fd;
  }

  /** put_unused_fd(): a failed open gives its reserved number back. */
  @Mirrors(fn = "put_unused_fd", file = "fs/file.c", doc = "A failed open gives its reserved fd back.")
  public void unreserveFd(int fd) {
    k.reservedFds.remove(fd);
  }

  /**
   * fdget(): the file behind {@code fd}, pinned until this syscall returns, so a concurrent
   * close() of the fd cannot release it under a blocked call. Null for a bad fd.
   */
  @Mirrors(fn = "fdget", file = "include/linux/file.h",
      doc = "The file behind fd, pinned until the syscall returns.")
  public KFile fdget(Syscall s, int fd) {
    KFile f = k.fds.get(fd);
    if (f != null && s.pinned == null) {
      f.fCount++;
    s.pinned = f;
    }
    return f;
  }

  /**
   * fdget_pos() (fs/file.c): read(2) and write(2) through the file position hold
   * file->f_pos_lock for the whole call when the file is shared (threads of one process share
   * it), so a second read/write of the same open file waits for the first; pread/pwrite and
   * ftruncate do not. Seen on 6.18.44: a truncate waiting for the inode lock goes before a
   * write(2) that waits for the position lock. Returns false (sleeps) while another holds it.
   */
  @Mirrors(fn = "fdget_pos", file = "fs/file.c",
      doc = "read/write through the file position take f_pos_lock for the whole call.")
  public boolean fdgetPos(Syscall s, KFile f) {
    if (s.posLocked == f) {
      return true;
    }
    String me = s.thread.name;
    if (f.posLockOwner == null && (f.posLockWaiters.isEmpty() || f.posLockWaiters.get(0).equals(me))) {
      f.posLockWaiters.remove(me);
      f.posLockOwner = me;
      s.posLocked = f;
      return true;
    }
    if (!f.posLockWaiters.contains(me)) {
      f.posLockWaiters.add(me);
    }
    return s.sleep(new WaitQueue(f, WaitQueue.Kind.F_POS_LOCK));
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
    k.files.fuseFileRelease(f.ff, f.fFlags);
    k.dcache.dput(f.dentry);
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
      KFile f = k.fdtable.fdget(this, fd);
      if (f == null) {
        return done(-Errno.EBADF.value);
      }
      f.fCount++;
      return done(k.fdtable.installFd(f));
    }
  }
}
