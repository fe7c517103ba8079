package fusesim.model;

import fusesim.model.series.Semantics;

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
      "FORGET is sent with nlookup - 1"),
  PASSTHROUGH_READ_PAST_EOF("fs/fuse/passthrough.c:fuse_passthrough_read_iter",
      "a passthrough read returns one byte past the backing file's end"),

  // The series: the number of the candidate-bug scenario (§5.3 #N, the numbering traces/corpus/v2/README.md
  // keeps), then the patch.
  ATTACH_SAME_BACKING_LEAKS_REF(7, "fs/fuse/passthrough.c:fuse_inode_set_passthrough",
      "§5.3 #1 (non-atomic attach): attaching the inode's own lifetime backing again keeps the "
          + "lookup's extra fb reference"),
  ATTACH_FAILURE_NO_FORGET(13, "fs/fuse/dir.c:fuse_lookup_name",
      "§5.3 #2: a failed attach gives back the lookup count without sending FORGET(nodeid, 1)"),
  CONFLICTING_BACKING_REPLACES(7, "fs/fuse/passthrough.c:fuse_inode_set_passthrough",
      "§5.3 #3: a second, different backing replaces the inode's lifetime backing"),
  LIFETIME_ALLOWS_CACHED_OPEN(5, "fs/fuse/iomode.c:fuse_file_io_open",
      "§5.3 #4: a cached open is accepted on an inode with a lifetime backing"),
  ATTACH_IGNORES_CACHED_OPENS(7, "fs/fuse/iomode.c:fuse_inode_uncached_io_start",
      "§5.3 #5: a lifetime attach ignores cached opens (no ETXTBSY)"),
  ATTACH_TAKES_NO_IO_REF(5, "fs/fuse/passthrough.c:fuse_inode_set_passthrough",
      "§5.3 #7: the lifetime attach takes no uncached-io reference (iocachectr not decremented)"),
  INO_CHECK_SKIPPED(1, "fs/fuse/iomode.c:fuse_inode_uncached_io_start",
      "§5.3 #8: the ino rule is not checked"),
  ATTACH_BORROWS_IDR_REF(7, "fs/fuse/passthrough.c:fuse_inode_set_passthrough",
      "§5.3 #10: the attach stores the idr's fb without taking a reference of its own"),
  GETATTR_SERVES_CACHE_FIRST(6, "fs/fuse/dir.c:fuse_update_get_attr",
      "§5.3 #20: getattr passthrough is tried only when the cached attributes expired"),
  EVICT_KEEPS_LIFETIME_BACKING(5, "fs/fuse/inode.c:fuse_evict_inode",
      "§6 q13: eviction does not release the lifetime backing");

  public final String site;
  public final String description;
  /** The v2 patch whose code the fault breaks (0 = mainline): it needs v2@K with K >= patch. */
  public final int patch;

  Fault(String site, String description) {
    this(0, site, description);
  }

  Fault(int patch, String site, String description) {
    this.patch = patch;
    this.site = site;
    this.description = description;
  }

  /** Whether the fault's code exists in {@code sem} (mainline faults exist everywhere). */
  public boolean appliesTo(Semantics sem) {
    return patch == 0 || sem.has(patch);
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
