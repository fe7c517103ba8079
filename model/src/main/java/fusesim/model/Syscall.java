package fusesim.model;

import fusesim.model.fuse.FuseInode;
import fusesim.model.fuse.Request;
import fusesim.model.vfs.KFile;

/**
 * A syscall in progress: a resumable state machine (split-phase syscall).
 *
 * <p>A syscall runs until it sends a FUSE request and waits for the reply, or sleeps on a wait
 * queue; {@link #run} then returns false and the thread is blocked. The reply (or the wake-up) is a
 * separate step, after which the scheduler calls {@link #run} again and the syscall resumes at
 * {@link #pc}. Threads interleave only at these points, which is where the real kernel can
 * interleave at FUSE request boundaries.
 *
 * <p>Each subclass keeps the local variables of the kernel functions it mirrors as fields.
 */
public abstract class Syscall {
  public final UserThread thread;
  /** Where to resume. 0 = start. */
  protected int pc;
  /** The request the syscall waits for, if any. */
  public Request waitReq;
  /** The wait queue the syscall sleeps on, if any. */
  public WaitQueue sleepOn;
  /** Set by wake_up() on {@link #sleepOn}. */
  boolean woken;
  public SysResult result;
  /** The file fdget() pinned for this call; fput() when the call returns. */
  public KFile pinned;
  /**
   * Ghost: the inode this write, fallocate or truncate asked dentry_needs_remove_privs() about
   * (fs/inode.c), whatever the answer; recorded on the inode when the call succeeds.
   */
  public FuseInode ghostPrivs;

  protected Syscall(UserThread thread) {
    this.thread = thread;
  }

  /** The strace-like name: "open", "stat", ... */
  public abstract String name();

  /** Runs until done (returns true, {@link #result} set) or blocked (returns false). */
  protected abstract boolean run(Kernel k);

  public boolean runnable() {
    if (waitReq != null) {
      return waitReq.answered();
    }
    return sleepOn == null || woken;
  }

  public boolean blockedOnRequest() {
    return waitReq != null && !waitReq.answered();
  }

  /** The file whose f_pos_lock this syscall holds (fdget_pos), released when it returns. */
  public KFile posLocked;

  /** Finishes with a plain value or -errno. */
  protected final boolean done(long value) {
    result = SysResult.of(value);
    return true;
  }

  protected final boolean done(SysResult r) {
    result = r;
    return true;
  }

  /** Waits for {@code req}: true if it is already answered (sequential mode), else blocks. */
  public final boolean await(Request req) {
    waitReq = req;
    return req.answered();
  }

  /** Sleeps on {@code q} until woken; the caller re-checks its condition when it resumes. */
  public final boolean sleep(WaitQueue q) {
    sleepOn = q;
    woken = false;
    return false;
  }

  /**
   * How many uncached io-mode references this syscall holds on {@code fi} while blocked: a
   * parallel direct write in flight holds one (fuse_dio_lock → fuse_inode_uncached_io_start).
   */
  public int uncachedRefs(FuseInode fi) {
    return 0;
  }

  void clearWait() {
    waitReq = null;
    sleepOn = null;
    woken = false;
  }
}
