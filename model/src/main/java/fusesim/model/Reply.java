package fusesim.model;

import fusesim.model.fuse.FuseAttr;
import java.util.List;

/**
 * What the server writes back for a request: an error, or one of the payloads the kernel decodes.
 * A reply is just data; the kernel function that waits for it interprets it.
 */
public sealed interface Reply {
  /** Timeouts are in nanoseconds; {@link #INF} never expires. */
  long INF = Long.MAX_VALUE;

  /** {@code out.h.error = -errno}. */
  record Error(int errno) implements Reply {}

  /** A bare header: FLUSH, RELEASE, FSYNC, ACCESS, ... */
  record Ok() implements Reply {}

  /**
   * fuse_entry_out (or, under FUSE_PASSTHROUGH_INO, fuse_entry2_out with {@code backingId} and a
   * fuse_statx whose {@code statxMask} says which fields are set: v2 12/21). nodeid 0 is a negative
   * entry cached for entryValid.
   */
  record Entry(long nodeid, long generation, long entryValidNs, long attrValidNs, FuseAttr attr,
      int backingId, int statxMask) implements Reply {
    /** STATX_BASIC_STATS: what fuse_entry_out's fuse_attr always carries. */
    public static final int FULL = 0x7ff;

    public Entry(long nodeid, long generation, long entryValidNs, long attrValidNs, FuseAttr attr,
        int backingId) {
      this(nodeid, generation, entryValidNs, attrValidNs, attr, backingId, FULL);
    }
  }

  /** fuse_open_out. */
  record Open(long fh, int openFlags, int backingId) implements Reply {}

  /** CREATE's reply: fuse_entry_out followed by fuse_open_out. */
  record Create(Entry entry, Open open) implements Reply {}

  /** fuse_attr_out. */
  record AttrOut(FuseAttr attr, long attrValidNs) implements Reply {}

  /**
   * READ: {@code size} bytes of data (shorter than asked means EOF), and the bytes themselves
   * (null for READLINK and GETXATTR, whose data the model does not carry).
   */
  record Data(long size, Bytes bytes) implements Reply {
    public Data(long size) {
      this(size, null);
    }

    /** The reply's bytes; zeros if it carries none. */
    public Bytes data() {
      return bytes != null ? bytes : Bytes.zeros(size);
    }
  }

  /** fuse_write_out. */
  record Written(long size) implements Reply {}

  /** GETXATTR/LISTXATTR of size 0: fuse_getxattr_out, the value's (or list's) length. */
  record XattrSize(long size) implements Reply {}

  /** LSEEK: fuse_lseek_out. */
  record Lseek(long offset) implements Reply {}

  /** READDIR: fuse_dirent records; an empty list means end of directory. */
  record Dirents(List<String> names, long nextOffset) implements Reply {}

  /**
   * READDIRPLUS: fuse_direntplus records, each a name with its fuse_entry_out (nodeid 0: not
   * looked up); an empty list means end of directory.
   */
  record DirentsPlus(List<String> names, List<Entry> entries, long nextOffset) implements Reply {}

  static Reply error(Errno e) {
    return new Error(e.value);
  }
}
