package fusesim.model;

/** A user thread of the traced process: its credentials and the syscall it is in, if any. */
public final class UserThread {
  public final String name;
  public final int uid;
  public final int gid;
  /** The syscall in progress (blocked or running), or null when idle. */
  public Syscall task;
  /** The result of the last finished syscall, until the trace reads it. */
  public SysResult lastResult;
  public String lastCall;

  public UserThread(String name, int uid, int gid) {
    this.name = name;
    this.uid = uid;
    this.gid = gid;
  }

  /** capable(CAP_FSETID), capable(CAP_SYS_ADMIN): root threads only. */
  @Mirrors(fn = "capable", file = "kernel/capability.c",
      doc = "CAP_FSETID, CAP_SYS_ADMIN: root threads only.")
  public boolean capable() {
    return uid == 0;
  }
}
