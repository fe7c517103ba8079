package fusesim.model;

import java.util.List;
import java.util.Map;

/**
 * How the server should answer a kind of request: a policy's reply before it is applied to a
 * concrete request. The server first computes the answer a passthrough_hp-like daemon would give
 * from the lower tree, then overrides the fields named here.
 *
 * @param kind what to send
 * @param errno for {@link Kind#ERROR}, the positive errno
 * @param fields overrides: ino, nodeid, generation, entry_valid, attr_valid (nanoseconds), mode,
 *     size, uid, gid, nlink, backing, fh, open_flags, open_backing (create's open part)
 * @param backingAuto the server registers a backing for the inode itself (passthrough_hp:
 *     BACKING_OPEN at first open, BACKING_CLOSE after the last release)
 * @param names for READDIR replies
 */
public record ReplySpec(Kind kind, int errno, Map<String, Long> fields, boolean backingAuto,
    List<String> names) {

  public enum Kind {
    DEFAULT, ERROR, ENTRY, NEGATIVE, OPEN, CREATE, ATTR, OK, DATA, WRITTEN, DIRENTS,
    /** GETXATTR/LISTXATTR: a value of {@code size} bytes (fuse_getxattr_out to a size-0 request). */
    XATTR,
    /** LSEEK: fuse_lseek_out with {@code offset}. */
    SEEK,
    /** SETATTR answered with the attributes but not applied to the lower file. */
    ATTR_IGNORED
  }

  public static final ReplySpec DEFAULT = new ReplySpec(Kind.DEFAULT, 0, Map.of(), false, null);

  public static ReplySpec error(Errno e) {
    return new ReplySpec(Kind.ERROR, e.value, Map.of(), false, null);
  }

  public static ReplySpec of(Kind kind, Map<String, Long> fields) {
    return new ReplySpec(kind, 0, Map.copyOf(fields), false, null);
  }

  public long get(String key, long dflt) {
    Long v = fields.get(key);
    return v == null ? dflt : v;
  }
}
