package fusesim.model.vfs;

import fusesim.model.Errno;
import fusesim.model.Kernel;
import fusesim.model.Mirrors;
import fusesim.model.Syscall;
import fusesim.model.UserThread;

/**
 * fs/file.c: the process's fd table (dup(2)).
 */
public final class Fdtable {
  private Fdtable() {}

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
}
