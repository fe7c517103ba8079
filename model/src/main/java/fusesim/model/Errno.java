package fusesim.model;

/**
 * Linux errno values (x86_64, include/uapi/asm-generic/errno-base.h and errno.h).
 *
 * <p>The model returns errors as these values, never as exceptions: a syscall result is either a
 * non-negative value or {@code -errno}, as in the kernel.
 */
public enum Errno {
  EPERM(1), ENOENT(2), ESRCH(3), EINTR(4), EIO(5), ENXIO(6), E2BIG(7), EBADF(9), ECHILD(10),
  EAGAIN(11), ENOMEM(12), EACCES(13), EFAULT(14), EBUSY(16), EEXIST(17), EXDEV(18), ENODEV(19),
  ENOTDIR(20), EISDIR(21), EINVAL(22), ENFILE(23), EMFILE(24), ENOTTY(25), ETXTBSY(26), EFBIG(27),
  ENOSPC(28), ESPIPE(29), EROFS(30), EMLINK(31), EPIPE(32), ERANGE(34), ENAMETOOLONG(36),
  ENOSYS(38), ENOTEMPTY(39), ELOOP(40), ENODATA(61), EPROTO(71), EOVERFLOW(75), EOPNOTSUPP(95),
  ECONNABORTED(103), ENOTCONN(107), ECONNREFUSED(111), ESTALE(116), EDQUOT(122);

  public final int value;

  Errno(int value) {
    this.value = value;
  }

  /** The errno for a positive value, or null if the model does not know it. */
  public static Errno of(int value) {
    for (Errno e : values()) {
      if (e.value == value) {
        return e;
      }
    }
    return null;
  }

  /** The errno named {@code name} (any case), or null. */
  public static Errno named(String name) {
    for (Errno e : values()) {
      if (e.name().equalsIgnoreCase(name)) {
        return e;
      }
    }
    return null;
  }

  /** "EIO" for -5; the number itself if unknown. */
  public static String nameOf(int negOrPos) {
    Errno e = of(Math.abs(negOrPos));
    return e == null ? "E" + Math.abs(negOrPos) : e.name();
  }
}
