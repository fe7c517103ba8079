package fusesim.traces.lang;

import java.util.Map;
import java.util.Optional;

/**
 * The shapes of a server reply in {@code server OP PATH REPLY} and {@code server reply}, besides an
 * errno and {@code default}. Each kind has a keyword (none for {@link #OPEN}, whose reply starts
 * with its flag list) and the keys it accepts; see {@link ServerOp} for which opcode takes which.
 */
public enum ReplyKind {
  /** fuse_entry_out (and for create also fuse_open_out, through {@code open=} and {@code fh=}). */
  ENTRY("entry", Catalog.keys("ino", ValueKind.INT, "nodeid", ValueKind.INT,
      "generation", ValueKind.INT, "entry_valid", ValueKind.TIME, "attr_valid", ValueKind.TIME,
      "mode", ValueKind.MODE, "size", ValueKind.INT, "uid", ValueKind.INT, "gid", ValueKind.INT,
      "nlink", ValueKind.INT, "backing", ValueKind.INT, "statx_mask", ValueKind.INT,
      "new_backing", ValueKind.OPS)),
  /** A negative entry: nodeid 0, cached for entry_valid. */
  NEGATIVE("negative", Catalog.keys("entry_valid", ValueKind.TIME)),
  /** fuse_open_out: a flag list first, then these keys. */
  OPEN("", Catalog.keys("backing", ValueKind.INT, "fh", ValueKind.INT)),
  /** fuse_attr_out. */
  ATTR("attr", Catalog.keys("ino", ValueKind.INT, "mode", ValueKind.MODE, "size", ValueKind.INT,
      "uid", ValueKind.INT, "gid", ValueKind.INT, "nlink", ValueKind.INT,
      "attr_valid", ValueKind.TIME, "mtime", ValueKind.INT, "ctime", ValueKind.INT)),
  /** An empty success reply. */
  OK("ok", Catalog.keys()),
  /** Read data of {@code size} bytes. */
  DATA("data", Catalog.keys("size", ValueKind.INT)),
  /** fuse_write_out. */
  WRITTEN("written", Catalog.keys("size", ValueKind.INT)),
  /** Directory entries. */
  DIRENTS("dirents", Catalog.keys("names", ValueKind.NAMES)),
  /**
   * GETXATTR/LISTXATTR: a value (or name list) of {@code size} bytes. To a request of size 0 the
   * server answers fuse_getxattr_out with that size, to one at least that big the bytes, else
   * ERANGE, as passthrough_hp does by passing the size to getxattr(2)/listxattr(2).
   */
  XATTR("xattr", Catalog.keys("size", ValueKind.INT)),
  /** LSEEK: fuse_lseek_out, the offset found. */
  SEEK("seek", Catalog.keys("offset", ValueKind.INT)),
  /** SETATTR not applied: the attributes (with these overrides) come back unchanged. */
  IGNORED("ignored", Catalog.keys("ino", ValueKind.INT, "mode", ValueKind.MODE, "size", ValueKind.INT,
      "uid", ValueKind.INT, "gid", ValueKind.INT, "nlink", ValueKind.INT,
      "attr_valid", ValueKind.TIME, "mtime", ValueKind.INT, "ctime", ValueKind.INT));

  /** Extra keys of an {@link #ENTRY} reply to CREATE: the open part of the reply. */
  public static final Map<String, ValueKind> CREATE_EXTRA_KEYS =
      Catalog.keys("open", ValueKind.OPEN_FLAGS, "fh", ValueKind.INT, "open_backing", ValueKind.INT);

  private final String keyword;
  private final Map<String, ValueKind> keys;

  ReplyKind(String keyword, Map<String, ValueKind> keys) {
    this.keyword = keyword;
    this.keys = keys;
  }

  /** The word that starts the reply; empty for {@link #OPEN}. */
  public String keyword() {
    return keyword;
  }

  /** The keys this kind accepts, in GRAMMAR.md order. */
  public Map<String, ValueKind> keys() {
    return keys;
  }

  /** The kind whose keyword is {@code word}. */
  public static Optional<ReplyKind> byKeyword(String word) {
    for (ReplyKind k : values()) {
      if (!k.keyword.isEmpty() && k.keyword.equals(word)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the reply's {@code size} is a number of bytes the server sends (read data, an xattr
   * value), as opposed to an attribute the kernel is told (an entry's or attr's size, a written
   * count): the limits on reply data apply to these kinds only.
   */
  public boolean carriesBytes() {
    return this == DATA || this == XATTR;
  }
}
