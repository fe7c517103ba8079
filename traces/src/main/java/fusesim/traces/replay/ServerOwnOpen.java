package fusesim.traces.replay;

import fusesim.model.Kernel;
import fusesim.model.NotModelled;
import fusesim.model.SysResult;
import fusesim.model.UserThread;
import fusesim.model.fuse.Request;
import fusesim.model.vfs.SyscallTable;
import java.util.List;

/**
 * The server's own open(2) of a file on its FUSE mount, for {@code server backing_open mount:P}:
 * FUSE_DEV_IOC_BACKING_OPEN takes an fd, so a server that passes a file on its own mount first opens
 * it through the mount (path walk, LOOKUP, OPEN) and closes it after the ioctl (FLUSH, RELEASE), as
 * the kernel oracle's driver does. What that leaves behind is the kernel's like any open's: the
 * dentry and inode stay cached (a later open of P sends no LOOKUP; drop_caches sends FORGET), the
 * open invalidates the page cache, and so on. Its requests are the server's, not the trace's: they
 * are marked {@link Request#serverOwn} and not reported on the line (the oracle drops them too: its
 * copy of the fd adds a FLUSH a server closing its one fd would not send).
 */
final class ServerOwnOpen {
  /** The server's thread: a name no trace thread can have (a trace names threads T1, T2, ...). */
  static final String THREAD = "(server)";

  private final Kernel k;
  private final UserThread t;
  private final long fd;

  private ServerOwnOpen(Kernel k, UserThread t, long fd) {
    this.k = k;
    this.t = t;
    this.fd = fd;
  }

  /** open(P, O_RDONLY) on the server's thread, run to its end; a crashed server opens nothing. */
  static ServerOwnOpen open(Kernel k, String path) {
    UserThread t = k.threads.get(THREAD);
    if (t == null) {
      t = k.addThread(THREAD, 0, 0); // the daemon runs as root (its ioctl needs CAP_SYS_ADMIN)
    }
    if (!k.fc.connected) {
      return new ServerOwnOpen(k, t, Long.MAX_VALUE); // the daemon is gone: the ioctl's own answer
    }
    long fd = run(k, t, "open", List.of(path, 0L));
    return new ServerOwnOpen(k, t, fd);
  }

  boolean failed() {
    return fd < 0;
  }

  /** The open's -errno. */
  int errno() {
    return (int) fd;
  }

  /** close(fd) after the ioctl: FLUSH, then RELEASE at the last fput. */
  void close() {
    if (fd >= 0 && fd != Long.MAX_VALUE) {
      run(k, t, "close", List.of(fd));
    }
  }

  /** Did the server's own open fail with {@code errno} since its last result was {@code before}? */
  static boolean openFailedWith(Kernel k, SysResult before, String errno) {
    UserThread t = k.threads.get(THREAD);
    return t != null && t.lastResult != before && t.lastResult != null && t.lastResult.failed()
        && "open".equals(t.lastCall) && t.lastResult.display().equals("-1 " + errno);
  }

  /** The server thread's last result now (null before its first call). */
  static SysResult lastResult(Kernel k) {
    UserThread t = k.threads.get(THREAD);
    return t == null ? null : t.lastResult;
  }

  private static long run(Kernel k, UserThread t, String call, List<Object> args) {
    int mark = k.log.size();
    k.start(SyscallTable.make(t, call, args));
    for (Request r : k.log.subList(mark, k.log.size())) {
      r.serverOwn = true;
    }
    if (t.task != null) {
      // the harness's open would wait the same way (and time out): a generated trace draws
      // mount:P only with nothing held and nothing in flight (Generator.badBackingOpen)
      throw new NotModelled("server backing_open mount:P while the server's own " + call
          + "() of it waits (" + (t.task.waitReq != null ? t.task.waitReq.observable() : "a lock") + ")");
    }
    return t.lastResult.value();
  }
}
