package fusesim.model.vfs;

import fusesim.model.Errno;
import fusesim.model.Kernel;
import fusesim.model.Mirrors;
import fusesim.model.Syscall;

/**
 * fs/read_write.c: what read(2), write(2), pread(2) and pwrite(2) do before the file's
 * ->read_iter / ->write_iter ({@link fusesim.model.fuse.File.Read}, {@link
 * fusesim.model.fuse.File.Write}).
 */
public final class ReadWrite {
  private ReadWrite() {}

  /** {@link #rwPrologue}: the call sleeps on f_pos_lock. */
  public static final int BLOCKED = 1;

  /**
   * ksys_read()/ksys_write() (fdget_pos: the file position is locked for the whole call) or
   * ksys_pread64()/ksys_pwrite64() (fdget), then vfs_read()/vfs_write(): EBADF for a bad fd or a
   * file opened without FMODE_READ / FMODE_WRITE. Returns 0 (the file is {@code s.pinned}),
   * {@link #BLOCKED}, or -errno.
   */
  @Mirrors(fn = "ksys_read", file = "fs/read_write.c",
      doc = "read/write/pread/pwrite: the fd's file (fdget_pos through the position), EBADF "
          + "without FMODE_READ or FMODE_WRITE (vfs_read, vfs_write).")
  public static int rwPrologue(Kernel k, Syscall s, int fd, boolean throughPos, boolean write) {
    KFile f = s.pinned != null ? s.pinned : k.fdtable.fdget(s, fd);
    if (f == null) {
      return -Errno.EBADF.value;
    }
    if (throughPos && !k.fdtable.fdgetPos(s, f)) {
      return BLOCKED; // read(2): ksys_read() → fdget_pos()
    }
    if (write ? !f.writable() : !f.readable()) {
      return -Errno.EBADF.value;
    }
    return 0;
  }

  /** {@link #vectorPrologue}: the iovecs' total is 0, the call returns 0 without ->read_iter/write_iter. */
  public static final int EMPTY = 2;

  /**
   * do_preadv()/do_pwritev(): EINVAL for a negative pos before the fd is looked up, then fdget and
   * vfs_readv()/vfs_writev(): EBADF as vfs_read()/vfs_write() (FMODE_PREAD/PWRITE is set on every
   * fuse file the model opens: no nonseekable_open, so no ESPIPE); import_iovec() gives the summed
   * length, and a total of 0 returns 0 before rw_verify_area() and the file's read_iter/write_iter
   * (so no request). Returns 0 (the file is {@code s.pinned}), {@link #EMPTY}, or -errno.
   */
  @Mirrors(fn = "do_preadv", file = "fs/read_write.c",
      doc = "preadv/pwritev: EINVAL for pos < 0 before fdget; vfs_readv/vfs_writev: EBADF without "
          + "FMODE_READ/WRITE, a zero total returns 0 with no read_iter/write_iter.")
  public static int vectorPrologue(Kernel k, Syscall s, int fd, long pos, long total, boolean write) {
    if (pos < 0) {
      return -Errno.EINVAL.value;
    }
    int e = rwPrologue(k, s, fd, false, write);
    return e != 0 ? e : total == 0 ? EMPTY : 0;
  }
}
