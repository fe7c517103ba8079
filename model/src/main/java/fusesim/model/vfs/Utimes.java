package fusesim.model.vfs;

import fusesim.model.Errno;
import fusesim.model.Kernel;
import fusesim.model.Locks;
import fusesim.model.Mirrors;
import fusesim.model.Syscall;
import fusesim.model.UserThread;
import fusesim.model.fuse.Dir;
import fusesim.model.fuse.FuseInode;

/**
 * fs/utimes.c: utimensat(2) and futimens(2) (glibc's futimens is utimensat(fd, NULL, times, 0),
 * after its own EBADF for a negative fd).
 * vfs_utimes() builds a struct iattr of time bits and calls notify_change() → fuse_setattr()
 * under inode_lock, so the server gets one SETATTR whose {@code valid} says which times and
 * whether "now" (FATTR_ATIME_NOW/FATTR_MTIME_NOW) or a given time.
 *
 * <p>The model's clock is ticks ({@code Kernel.now}), not wall time: a time the caller gives
 * ({@code {tv_sec=S, tv_nsec=N}}) decides the request's bits and the EINVAL check but is not
 * carried as a value (SETATTR's times are not stateable, {@code RequestFields}); where the model
 * applies a time itself (a passthrough SETATTR, v2 19/21) it is the tick of the call.
 */
public final class Utimes {
  private Utimes() {}

  /** AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH (include/uapi/linux/fcntl.h). */
  public static final int AT_SYMLINK_NOFOLLOW = 0x100, AT_EMPTY_PATH = 0x1000;
  /** UTIME_NOW / UTIME_OMIT (include/uapi/linux/stat.h): tv_nsec values. */
  public static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;

  /** The state machine of a path's utimensat(2), dirfd AT_FDCWD as for every path of a trace. */
  public static Syscall utimensat(UserThread t, String path, String times, int flags) {
    return new Vfs(t, "utimensat", path, -1, parse(times), flags);
  }

  /** The state machine of an fd's futimens(3): glibc's EBADF for fd < 0, else do_utimes_fd(). */
  public static Syscall futimens(UserThread t, int fd, String times) {
    return new Vfs(t, "futimens", null, fd, parse(times), 0);
  }

  /**
   * The shared encoding of the trace's times ({@code null}, or {@code A,M} each {@code now},
   * {@code omit} or {@code S:N}) as the two tv_nsec values that matter here (UTIME_NOW, UTIME_OMIT
   * or the given nanoseconds); null for NULL.
   */
  static long[] parse(String times) {
    if (times.equals("null")) {
      return null;
    }
    String[] two = times.split(",");
    if (two.length != 2) {
      throw new IllegalArgumentException("times must be null or A,M: " + times);
    }
    return new long[] {nsec(two[0]), nsec(two[1])};
  }

  private static long nsec(String one) {
    switch (one) {
      case "now":
        return UTIME_NOW;
      case "omit":
        return UTIME_OMIT;
      default:
        int colon = one.indexOf(':');
        if (colon < 0) {
          throw new IllegalArgumentException("a time is now, omit or S:N: " + one);
        }
        return Long.parseLong(one.substring(colon + 1));
    }
  }

  /** nsec_valid() (fs/utimes.c). */
  @Mirrors(fn = "nsec_valid", file = "fs/utimes.c",
      doc = "A tv_nsec is UTIME_NOW, UTIME_OMIT or 0..999999999.")
  static boolean nsecValid(long nsec) {
    return nsec == UTIME_OMIT || nsec == UTIME_NOW || (nsec >= 0 && nsec <= 999_999_999L);
  }

  /**
   * The iattr of vfs_utimes(): ATTR_CTIME | ATTR_MTIME | ATTR_ATIME, minus an omitted time, with
   * ATTR_*_SET for a given one and ATTR_TIMES_SET; NULL times (or both UTIME_NOW, which
   * vfs_utimes turns into NULL) is ATTR_TOUCH instead.
   */
  @Mirrors(fn = "vfs_utimes", file = "fs/utimes.c",
      doc = "ATTR_CTIME, ATTR_MTIME and ATTR_ATIME; UTIME_OMIT drops one, a given time adds "
          + "ATTR_*_SET, explicit times ATTR_TIMES_SET; NULL or both UTIME_NOW is ATTR_TOUCH.")
  static int iaValid(long[] nsec) {
    int valid = Dir.ATTR_CTIME | Dir.ATTR_MTIME | Dir.ATTR_ATIME;
    if (nsec == null || (nsec[0] == UTIME_NOW && nsec[1] == UTIME_NOW)) {
      return valid | Dir.ATTR_TOUCH;
    }
    valid = timeBits(valid, nsec[0], Dir.ATTR_ATIME, Dir.ATTR_ATIME_SET);
    valid = timeBits(valid, nsec[1], Dir.ATTR_MTIME, Dir.ATTR_MTIME_SET);
    return valid | Dir.ATTR_TIMES_SET;
  }

  private static int timeBits(int valid, long nsec, int bit, int setBit) {
    if (nsec == UTIME_OMIT) {
      return valid & ~bit;
    }
    return nsec == UTIME_NOW ? valid : valid | setBit;
  }

  /** sys_utimensat() → do_utimes() → do_utimes_path()/do_utimes_fd() → vfs_utimes(). */
  static final class Vfs extends Syscall {
    private static final int RESOLVE = 0, LOCK = 1, PERM = 2, SETATTR = 3;
    private final String call;
    private final int fd;
    private final long[] nsec;
    private final int flags;
    private final Namei.Walk walk;
    private Dentry d;
    private FuseInode fi;
    private int iaValid;
    private Dir.Permission perm;
    private Dir.SetattrOp op;
    /** setattr_prepare()'s error, when it refused before SETATTR. */
    private int prepareErr;

    Vfs(UserThread t, String call, String path, int fd, long[] nsec, int flags) {
      super(t);
      this.call = call;
      this.fd = fd;
      this.nsec = nsec;
      this.flags = flags;
      Namei.Walk w = path == null ? null : new Namei.Walk(path, false, false, false);
      this.walk = w == null || (flags & AT_SYMLINK_NOFOLLOW) == 0 ? w : w.noFollow();
    }

    @Override
    public String name() {
      return call;
    }

    @Override
    @Mirrors(fn = "do_utimes", file = "fs/utimes.c",
        doc = "Both UTIME_OMIT: 0 before anything; bad flags EINVAL, then the fd or the path, then "
            + "nsec_valid (EINVAL); inode_lock, may_setattr, fuse_setattr's one SETATTR.")
    protected boolean run(Kernel k) {
      while (true) {
        switch (pc) {
          case RESOLVE:
            if (!resolve(k)) {
              return false;
            }
            if (result != null) {
              return true;
            }
            pc = LOCK;
            break;
          case LOCK:
            if (!Locks.downWrite(k, fi, this)) {
              return false; // vfs_utimes(): inode_lock() around notify_change()
            }
            pc = mayTouch(k) ? PERM : SETATTR;
            startSetattr(k);
            break;
          case PERM:
            if (!perm.run(k, this)) {
              return false;
            }
            if (perm.err != 0) {
              return finish(k, perm.err);
            }
            pc = SETATTR;
            startSetattr(k);
            break;
          case SETATTR:
            if (op == null) {
              return finish(k, prepareErr);
            }
            if (!op.run(k, this)) {
              return false;
            }
            return finish(k, op.err);
          default:
            throw new IllegalStateException("utimes pc " + pc);
        }
      }
    }

    /**
     * sys_utimensat(): both times UTIME_OMIT return 0 without looking at the path or fd;
     * do_utimes_fd(): flags must be 0 (EINVAL), then EBADF; do_utimes_path(): flags beyond
     * AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH are EINVAL, then the walk; vfs_utimes(): nsec_valid()
     * (EINVAL) only after the lookup. Sets {@link #result} on an error; false while walking.
     */
    private boolean resolve(Kernel k) {
      if (walk == null && fd < 0) {
        // glibc's futimens(): "if (fd < 0) return EBADF" before the syscall (seen on 6.18.44:
        // futimens(-1, [UTIME_OMIT, UTIME_OMIT]) is EBADF, a closed fd's is 0)
        return done(-Errno.EBADF.value);
      }
      if (nsec != null && nsec[0] == UTIME_OMIT && nsec[1] == UTIME_OMIT) {
        return done(0);
      }
      if ((flags & ~(walk == null ? 0 : AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0) {
        return done(-Errno.EINVAL.value);
      }
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
        KFile f = k.fdtable.fdget(this, fd);
        if (f == null) {
          return done(-Errno.EBADF.value);
        }
        fi = f.ff.inode; // vfs_utimes(&file->f_path): no ATTR_FILE, so no FATTR_FH
      }
      if (nsec != null && (!nsecValid(nsec[0]) || !nsecValid(nsec[1]))) {
        dput(k);
        return done(-Errno.EINVAL.value);
      }
      iaValid = iaValid(nsec);
      return true;
    }

    /** may_setattr()'s permission check, if it needs one ({@link Attr#maySetattrTouch}). */
    private boolean mayTouch(Kernel k) {
      perm = Attr.maySetattrTouch(k, thread, fi, iaValid);
      return perm != null;
    }

    /** notify_change() → fuse_setattr(): the SETATTR, or setattr_prepare()'s EPERM. */
    private void startSetattr(Kernel k) {
      if (pc != SETATTR) {
        return;
      }
      // fuse_setattr() says EIO for a bad inode before fuse_do_setattr()'s setattr_prepare()
      prepareErr = fi.isBad() ? 0 : Attr.setattrPrepareTimes(k, thread, fi, iaValid);
      if (prepareErr == 0) {
        op = new Dir.SetattrOp(fi, null, iaValid, 0, 0, 0, 0);
      }
    }

    private boolean finish(Kernel k, int err) {
      Locks.upWrite(k, fi);
      dput(k);
      return done(err);
    }

    private void dput(Kernel k) {
      if (d != null) {
        k.dcache.dput(d);
        d = null;
      }
    }
  }
}
