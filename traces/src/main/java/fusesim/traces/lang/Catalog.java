package fusesim.traces.lang;

import fusesim.model.Errno;
import fusesim.model.Opcode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The data tables of the trace language: flag names with their values and the keys allowed in
 * each {@code key=value} list. The parser, the printer, GRAMMAR.md and replay all read these
 * tables, so a new flag or key is added here and nowhere else. Other tables are the enums
 * {@link Syscall}, {@link ArgKind}, {@link MountOption}, {@link ServerOp}, {@link ReplyKind},
 * {@link Opcode} and {@link Errno}.
 */
public final class Catalog {
  private Catalog() {}

  /** open(2) flags, include/uapi/asm-generic/fcntl.h (x86_64). */
  public static final FlagTable OPEN_FLAGS =
      FlagTable.of(
          "an open flag O_*",
          "O_RDONLY", 0, "O_WRONLY", 1, "O_RDWR", 2, "O_CREAT", 0100, "O_EXCL", 0200,
          "O_TRUNC", 01000, "O_APPEND", 02000, "O_NONBLOCK", 04000, "O_DIRECT", 040000,
          "O_LARGEFILE", 0100000, "O_DIRECTORY", 0200000, "O_NOFOLLOW", 0400000,
          "O_NOATIME", 01000000, "O_CLOEXEC", 02000000, "O_SYNC", 04010000, "O_PATH", 010000000);

  /** mmap(2) protection. */
  public static final FlagTable PROT =
      FlagTable.of(
          "a protection PROT_*", "PROT_NONE", 0, "PROT_READ", 1, "PROT_WRITE", 2, "PROT_EXEC", 4);

  /** mmap(2) flags. */
  public static final FlagTable MAP_FLAGS =
      FlagTable.of("a mapping flag MAP_*", "MAP_SHARED", 1, "MAP_PRIVATE", 2);

  /** lseek(2) whence. */
  public static final FlagTable WHENCE =
      FlagTable.choice(
          "a whence SEEK_*",
          "SEEK_SET", 0, "SEEK_CUR", 1, "SEEK_END", 2, "SEEK_DATA", 3, "SEEK_HOLE", 4);

  /** fallocate(2) mode. */
  public static final FlagTable FALLOC_MODE =
      FlagTable.of(
          "a fallocate mode FALLOC_FL_* or 0",
          "FALLOC_FL_KEEP_SIZE", 1, "FALLOC_FL_PUNCH_HOLE", 2, "FALLOC_FL_ZERO_RANGE", 0x10);

  /** renameat2(2) flags (include/uapi/linux/fs.h). */
  public static final FlagTable RENAME_FLAGS =
      FlagTable.of(
          "renameat2 flags RENAME_* or 0",
          "RENAME_NOREPLACE", 1, "RENAME_EXCHANGE", 2, "RENAME_WHITEOUT", 4);

  /** setxattr(2) flags (include/uapi/linux/xattr.h). */
  public static final FlagTable XATTR_FLAGS =
      FlagTable.of("setxattr flags XATTR_CREATE, XATTR_REPLACE or 0", "XATTR_CREATE", 1,
          "XATTR_REPLACE", 2);

  /** utimensat(2) flags (include/uapi/linux/fcntl.h); do_utimes_path() refuses any other bit. */
  public static final FlagTable UTIMENSAT_FLAGS =
      FlagTable.of("utimensat flags AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH or 0",
          "AT_SYMLINK_NOFOLLOW", 0x100, "AT_EMPTY_PATH", 0x1000);

  /** access(2) mode. */
  public static final FlagTable ACCESS_MODE =
      FlagTable.of("an access mode F_OK, R_OK, W_OK or X_OK", "F_OK", 0, "X_OK", 1, "W_OK", 2,
          "R_OK", 4);

  /** mknod(2) mode: a file type S_IF* or-ed with the permission bits (S_IFREG|0644). */
  public static final FlagTable MKNOD_MODE =
      FlagTable.of("a file type S_IF* or permission bits", "S_IFREG", 0100000, "S_IFCHR", 0020000,
          "S_IFBLK", 0060000, "S_IFIFO", 0010000, "S_IFSOCK", 0140000, "S_IFDIR", 0040000);

  /** {@code fuse_open_out.open_flags} (FOPEN_*), by lower-case short name; cached = none. */
  public static final FlagTable FOPEN =
      FlagTable.of(
          "an open reply flag (cached, keep_cache, direct_io, passthrough, nonseekable, cache_dir,"
              + " stream, noflush, parallel_direct_writes)",
          "cached", 0, "direct_io", 0x1, "keep_cache", 0x2, "nonseekable", 0x4, "cache_dir", 0x8,
          "stream", 0x10, "noflush", 0x20, "parallel_direct_writes", 0x40, "passthrough", 0x80);

  /** {@code fuse_backing_map.ops_mask} bits: FUSE_PASSTHROUGH_OP(opcode) = 1 << (opcode - 1). */
  public static final FlagTable BACKING_OPS =
      FlagTable.of(
          "a backing op (read, write, getattr, setattr, statx, open, readdir)",
          "read", opBit(Opcode.READ), "write", opBit(Opcode.WRITE),
          "getattr", opBit(Opcode.GETATTR), "setattr", opBit(Opcode.SETATTR),
          "statx", opBit(Opcode.STATX), "open", opBit(Opcode.OPEN),
          "readdir", opBit(Opcode.READDIR));

  /** Attributes of {@code lower file|dir|chr|fifo} and {@code lower set}. */
  public static final Map<String, ValueKind> LOWER_ATTRS =
      keys("ino", ValueKind.INT, "mode", ValueKind.MODE, "uid", ValueKind.INT,
          "gid", ValueKind.INT, "size", ValueKind.INT, "nlink", ValueKind.INT,
          "atime", ValueKind.INT, "mtime", ValueKind.INT, "ctime", ValueKind.INT,
          "generation", ValueKind.INT, "stack_depth", ValueKind.INT, "data", ValueKind.DATA);

  /** Credentials of {@code thread}. */
  public static final Map<String, ValueKind> THREAD_CREDS =
      keys("uid", ValueKind.INT, "gid", ValueKind.INT);

  /** Checks of the struct stat returned by fstat, stat and lstat: {@code {k=v ...}}. */
  public static final Map<String, ValueKind> STAT_CHECKS =
      keys("ino", ValueKind.INT, "size", ValueKind.INT, "mode", ValueKind.MODE,
          "nlink", ValueKind.INT, "uid", ValueKind.INT, "gid", ValueKind.INT,
          "blocks", ValueKind.INT, "mtime", ValueKind.INT, "ctime", ValueKind.INT);

  /** Checks of the entries returned by getdents. */
  public static final Map<String, ValueKind> DIRENT_CHECKS = keys("names", ValueKind.NAMES);

  /** Parameters of {@code server backing_open} (fields of struct fuse_backing_map). */
  public static final Map<String, ValueKind> BACKING_OPEN_PARAMS =
      keys("flags", ValueKind.INT, "padding", ValueKind.INT, "ops", ValueKind.OPS);

  /** Keys of {@code expect inode} (model only). */
  public static final Map<String, ValueKind> EXPECT_INODE =
      keys("iocachectr", ValueKind.INT, "backing", ValueKind.INT_OR_NONE,
          "nlookup", ValueKind.INT, "cache_io_mode", ValueKind.BOOL, "bad", ValueKind.BOOL,
          "size", ValueKind.INT, "mode", ValueKind.MODE);

  /** Keys of {@code expect backing} (model only). */
  public static final Map<String, ValueKind> EXPECT_BACKING =
      keys("refcount", ValueKind.INT, "freed", ValueKind.BOOL, "registered", ValueKind.BOOL);

  /** Keys of {@code expect file} (model only). */
  public static final Map<String, ValueKind> EXPECT_FILE =
      keys("iomode", ValueKind.IOMODE, "passthrough", ValueKind.BOOL);

  /** Keys of {@code expect conn} (model only). */
  public static final Map<String, ValueKind> EXPECT_CONN =
      keys("passthrough", ValueKind.BOOL, "max_stack_depth", ValueKind.INT,
          "connected", ValueKind.BOOL);

  /** Highest K of {@code semantics: v2@K}: the v2 series has 21 patches. */
  public static final int V2_PATCHES = 21;

  static Map<String, ValueKind> keys(Object... keyKindPairs) {
    Map<String, ValueKind> map = new LinkedHashMap<>();
    for (int i = 0; i < keyKindPairs.length; i += 2) {
      map.put((String) keyKindPairs[i], (ValueKind) keyKindPairs[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }

  /** The constant of {@code values} whose word (as {@code word} spells it) is exactly {@code text}. */
  static <E extends Enum<E>> Optional<E> byWord(E[] values, Function<E, String> word, String text) {
    for (E e : values) {
      if (word.apply(e).equals(text)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  private static long opBit(Opcode op) {
    return 1L << (op.number() - 1);
  }
}
