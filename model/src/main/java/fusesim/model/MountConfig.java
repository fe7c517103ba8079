package fusesim.model;

/**
 * What the server's INIT reply accepts, plus the server behaviours a mount line names. Defaults
 * are those of a libfuse daemon that asks for nothing special, with PARALLEL_DIROPS on (libfuse
 * enables it by default).
 */
public final class MountConfig {
  public boolean passthrough;
  public boolean passthroughIno;
  public boolean writebackCache;
  public boolean noInitExt;
  /** max_stack_depth in the INIT reply; passthrough_hp uses 1. */
  public int maxStackDepth = 1;
  public boolean maxStackDepthGiven;
  public int minor = 45;
  public boolean directIoAllowMmap;
  public boolean parallelDirops = true;
  /** The INIT reply has FUSE_DO_READDIRPLUS. */
  public boolean readdirplus;
  /** The INIT reply has FUSE_DO_READDIRPLUS and FUSE_READDIRPLUS_AUTO (as the kernel harness sends). */
  public boolean readdirplusAuto;
  public boolean handleKillpriv;
  public boolean handleKillprivV2;
  public boolean autoInvalData;
  public boolean explicitInvalData;
  public boolean atomicOTrunc;
  public boolean defaultPermissions;
  public boolean allowOther = true;
  /** The server answers OPEN / OPENDIR / FLUSH with ENOSYS. */
  public boolean noOpen;
  public boolean noOpendir;
  public boolean noFlush;
  /** INIT answered with this error (0 = success). */
  public int initError;
  public int maxWrite = 131072;
}
