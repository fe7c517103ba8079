package fusesim.model.fuse;

import java.util.TreeMap;

/**
 * struct fuse_conn (fs/fuse/fuse_i.h): the negotiated features, the backing-file idr, and the
 * connection state. Fields keep their kernel names.
 */
public final class FuseConn {
  /** The default_permissions mount option (fuse_permission() -> generic_permission()). */
  public boolean defaultPermissions;
  /** Set by process_init_reply when INIT_EXT + PASSTHROUGH + depth 1..2 + no writeback_cache. */
  public boolean passthrough;
  /** v2 01/21: FUSE_PASSTHROUGH_INO negotiated. */
  public boolean passthroughIno;
  public int maxStackDepth;
  public boolean writebackCache;
  public boolean parallelDirops;
  public boolean directIoAllowMmap;
  public boolean atomicOTrunc;
  public boolean handleKillpriv;
  public boolean handleKillprivV2;
  public boolean autoInvalData;
  public boolean doReaddirplus;
  /** FUSE_READDIRPLUS_AUTO in the INIT reply (only read with do_readdirplus). */
  public boolean readdirplusAuto;
  public boolean noOpen;
  public boolean noOpendir;
  public boolean noFlush;
  public boolean noFsync;
  public boolean noFsyncdir;
  public boolean noFallocate;
  /** An LSEEK answered ENOSYS: SEEK_DATA/SEEK_HOLE use generic_file_llseek after (fuse_lseek). */
  public boolean noLseek;
  public boolean noAccess;
  /** A LINK answered ENOSYS: every later link(2) fails with EPERM without a request. */
  public boolean noLink;
  /** fc->no_rename2: a RENAME2 was answered ENOSYS; flagged renames are EINVAL from then on. */
  public boolean noRename2;
  public boolean noGetxattr;
  /** fc->no_setxattr, no_listxattr, no_removexattr: answered ENOSYS once (fs/fuse/xattr.c). */
  public boolean noSetxattr;
  public boolean noListxattr;
  public boolean noRemovexattr;
  /** An INIT error or a major mismatch: every request fails with ECONNREFUSED. */
  public boolean connError;
  /** Cleared by fuse_abort_conn (server crash, umount). */
  public boolean connected = true;
  public boolean initialized;

  /** fc->backing_files_map: id → fuse_backing (idr_alloc_cyclic(.., 1, 0)). */
  public final TreeMap<Integer, FuseBacking> backingFilesMap = new TreeMap<>();
  /** Next id tried by idr_alloc_cyclic. */
  public int backingNextId = 1;

  /** fc->attr_version, fc->evict_ctr and fc->epoch all start at 1. */
  public long attrVersion = 1;
  public long evictCtr = 1;
  public long epoch = 1;

  /** fc->name_max: FUSE_NAME_MAX with max_pages > 1. */
  public int nameMax = 4095;
}
