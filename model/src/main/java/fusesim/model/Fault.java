package fusesim.model;

/**
 * Named, switchable bugs planted in the model, each shaped like a real bug. They prove that the
 * checks have teeth: with a fault on, some invariant must break.
 */
public enum Fault {
  CACHED_OPEN_IGNORES_BACKING("fs/fuse/iomode.c:fuse_file_cached_io_open",
      "a cached open ignores an attached backing (no ETXTBSY when fi->fb is set)"),
  UNCACHED_IO_END_LEAKS_FB("fs/fuse/iomode.c:fuse_inode_uncached_io_end",
      "uncached_io_end forgets to put the inode's fb"),
  BACKING_CLOSE_DOUBLE_PUT("fs/fuse/backing.c:fuse_backing_close",
      "backing_close drops the id's reference twice"),
  RELEASE_SKIPS_IO_RELEASE("fs/fuse/iomode.c:fuse_file_io_release",
      "release skips the io-mode release"),
  PASSTHROUGH_ACCEPTS_KEEP_CACHE("fs/fuse/iomode.c:fuse_file_passthrough_open",
      "a passthrough open accepts FOPEN_KEEP_CACHE"),
  CACHE_WAIT_IGNORES_DIO("fs/fuse/iomode.c:fuse_is_io_cache_wait",
      "the cached opener does not wait for parallel direct writes"),
  REVALIDATE_KEEPS_CHANGED_NODEID("fs/fuse/dir.c:fuse_dentry_revalidate",
      "a revalidation keeps a dentry whose nodeid changed"),
  FORGET_WRONG_NLOOKUP("fs/fuse/inode.c:fuse_evict_inode",
      "FORGET is sent with nlookup - 1");

  public final String site;
  public final String description;

  Fault(String site, String description) {
    this.site = site;
    this.description = description;
  }

  /** "cached-open-ignores-backing". */
  public String id() {
    return name().toLowerCase().replace('_', '-');
  }

  public static Fault byId(String id) {
    for (Fault f : values()) {
      if (f.id().equals(id)) {
        return f;
      }
    }
    return null;
  }
}
