package fusesim.model.fuse;

import fusesim.model.Opcode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of each request's in-struct (include/uapi/linux/fuse.h, protocol 7.45; the layouts,
 * as this machine's kernel BTF gives them, are kernel/'s {@code fusesim.kernel.proto} records), by the kernel's names, with the vocabulary of each value: the
 * one catalog that the trace language parses ({@code SETATTR(10,valid=SIZE|LOCKOWNER,size=0)}),
 * the model renders its requests with ({@link Request#observable()}) and the kernel oracle decodes
 * the wire into. A field is rendered as {@code name=value}, after the nodeid and the positional
 * arguments, in struct order; values in a canonical spelling (flag names in bit order, the rest in
 * hex), so two renderings are equal exactly when the values are.
 *
 * <p>Fields a trace cannot know are not stateable and never rendered: {@code lock_owner} (a hash of
 * a kernel pointer, fuse_lock_owner_id), padding, and SETATTR's times (the clock).
 *
 * <p>A field that depends on a flag of another field is rendered only when the flag is set, as
 * the kernel fills it only then: SETATTR's {@code fh size mode uid gid} need {@code valid} FH,
 * SIZE, MODE, UID, GID (iattr_to_fattr, fuse_do_setattr); GETATTR's and STATX's {@code fh} needs
 * {@code getattr_flags=FH} (fuse_do_getattr, fuse_do_statx).
 */
public final class RequestFields {
  private RequestFields() {}

  /** How a value is read and written. */
  public enum Kind {
    /** A number (printed in decimal). */
    INT,
    /** A mode (printed in octal with a leading 0). */
    OCTAL,
    /** A set of named bits (printed as NAME|NAME, unknown bits in hex; 0 when none). */
    FLAGS,
    /** One named value (printed by its name, else in decimal). */
    ENUM,
    /** A string in-arg after the struct (the xattr name; printed quoted). */
    STRING
  }

  /** Named values of a field: bits for FLAGS, values for ENUM. */
  public record Vocab(String what, List<Map.Entry<String, Long>> names, String prefix, boolean accmode) {
    /** The value of a name (with or without {@link #prefix}), if it is one. */
    public Optional<Long> value(String name) {
      for (Map.Entry<String, Long> e : names) {
        if (e.getKey().equals(name) || (!prefix.isEmpty() && (prefix + e.getKey()).equals(name))) {
          return Optional.of(e.getValue());
        }
      }
      return Optional.empty();
    }

    public List<String> spellings() {
      List<String> out = new ArrayList<>();
      names.forEach(e -> out.add(e.getKey()));
      return out;
    }
  }

  /**
   * One stateable field. {@code bits} is its width (32 or 64; values are unsigned);
   * {@code when}/{@code whenBit}: rendered only if that field has that bit.
   */
  public record Field(String name, Kind kind, Vocab vocab, int bits, String when, long whenBit) {
    public long max() {
      return bits == 64 ? -1L : (1L << bits) - 1;
    }

    public boolean inRange(long v) {
      return bits == 64 || (v >= 0 && v <= max());
    }
  }

  /** A request's in-struct: its C name, stateable fields, and the fields a trace cannot state. */
  public record Struct(String cname, List<Field> fields, Map<String, String> unstateable) {
    public Optional<Field> field(String name) {
      return fields.stream().filter(f -> f.name.equals(name)).findFirst();
    }

    public List<String> names() {
      return fields.stream().map(Field::name).toList();
    }
  }

  private static Vocab vocab(String what, String prefix, Object... pairs) {
    return vocabOf(what, prefix, false, pairs);
  }

  private static Vocab vocabOf(String what, String prefix, boolean accmode, Object... pairs) {
    List<Map.Entry<String, Long>> l = new ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      l.add(Map.entry((String) pairs[i], ((Number) pairs[i + 1]).longValue()));
    }
    return new Vocab(what, List.copyOf(l), prefix, accmode);
  }

  /** FATTR_* (fuse_setattr_in.valid). */
  public static final Vocab FATTR = vocab("FATTR bits", "FATTR_", "MODE", 1 << 0, "UID", 1 << 1,
      "GID", 1 << 2, "SIZE", 1 << 3, "ATIME", 1 << 4, "MTIME", 1 << 5, "FH", 1 << 6,
      "ATIME_NOW", 1 << 7, "MTIME_NOW", 1 << 8, "LOCKOWNER", 1 << 9, "CTIME", 1 << 10,
      "KILL_SUIDGID", 1 << 11);
  /** FUSE_GETATTR_FH. */
  public static final Vocab GETATTR_FLAGS = vocab("FUSE_GETATTR bits", "FUSE_GETATTR_", "FH", 1);
  /** open(2) flags as f_flags holds them (x86_64 octal values), access mode first. */
  public static final Vocab OFLAGS = vocabOf("open flags", "", true, "O_RDONLY", 0, "O_WRONLY", 1,
      "O_RDWR", 2, "O_CREAT", 0100, "O_EXCL", 0200, "O_NOCTTY", 0400, "O_TRUNC", 01000,
      "O_APPEND", 02000, "O_NONBLOCK", 04000, "O_DSYNC", 010000, "O_ASYNC", 020000,
      "O_DIRECT", 040000, "O_LARGEFILE", 0100000, "O_DIRECTORY", 0200000, "O_NOFOLLOW", 0400000,
      "O_NOATIME", 01000000, "O_CLOEXEC", 02000000, "__O_SYNC", 04000000, "O_PATH", 010000000,
      "__O_TMPFILE", 020000000, "FMODE_EXEC", 040);
  /** FUSE_OPEN_KILL_SUIDGID (fuse_open_in/fuse_create_in.open_flags). */
  public static final Vocab OPEN_IN_FLAGS = vocab("FUSE_OPEN bits", "FUSE_OPEN_", "KILL_SUIDGID", 1);
  /** FUSE_READ_LOCKOWNER. */
  public static final Vocab READ_FLAGS = vocab("FUSE_READ bits", "FUSE_READ_", "LOCKOWNER", 2);
  /** FUSE_WRITE_*. */
  public static final Vocab WRITE_FLAGS = vocab("FUSE_WRITE bits", "FUSE_WRITE_", "CACHE", 1,
      "LOCKOWNER", 2, "KILL_SUIDGID", 4);
  /** FUSE_RELEASE_*. */
  public static final Vocab RELEASE_FLAGS = vocab("FUSE_RELEASE bits", "FUSE_RELEASE_", "FLUSH", 1,
      "FLOCK_UNLOCK", 2);
  /** FUSE_FSYNC_FDATASYNC. */
  public static final Vocab FSYNC_FLAGS = vocab("FUSE_FSYNC bits", "FUSE_FSYNC_", "FDATASYNC", 1);
  /** lseek whence. */
  public static final Vocab WHENCE = vocab("a whence", "", "SEEK_SET", 0, "SEEK_CUR", 1,
      "SEEK_END", 2, "SEEK_DATA", 3, "SEEK_HOLE", 4);
  /** FALLOC_FL_*. */
  public static final Vocab FALLOC = vocab("FALLOC_FL bits", "FALLOC_FL_", "KEEP_SIZE", 1,
      "PUNCH_HOLE", 2, "COLLAPSE_RANGE", 8, "ZERO_RANGE", 0x10, "INSERT_RANGE", 0x20,
      "UNSHARE_RANGE", 0x40);
  /** access(2) mask. */
  public static final Vocab ACCESS_MASK = vocab("access bits", "", "X_OK", 1, "W_OK", 2, "R_OK", 4);
  /** setxattr(2) flags. */
  public static final Vocab XATTR_FLAGS = vocab("XATTR bits", "", "XATTR_CREATE", 1, "XATTR_REPLACE", 2);
  /** FUSE_SETXATTR_ACL_KILL_SGID. */
  public static final Vocab SETXATTR_FLAGS = vocab("FUSE_SETXATTR bits", "FUSE_SETXATTR_",
      "ACL_KILL_SGID", 1);
  /** renameat2(2) flags. */
  public static final Vocab RENAME_FLAGS = vocab("RENAME bits", "", "RENAME_NOREPLACE", 1,
      "RENAME_EXCHANGE", 2, "RENAME_WHITEOUT", 4);
  /** statx(2) AT_STATX_* sync flags (fuse_statx_in.sx_flags). */
  public static final Vocab STATX_SYNC = vocab("AT_STATX bits", "", "AT_STATX_FORCE_SYNC", 0x2000,
      "AT_STATX_DONT_SYNC", 0x4000);
  /** statx(2) STATX_* mask. */
  public static final Vocab STATX_MASK = vocab("STATX bits", "", "STATX_TYPE", 1, "STATX_MODE", 2,
      "STATX_NLINK", 4, "STATX_UID", 8, "STATX_GID", 0x10, "STATX_ATIME", 0x20, "STATX_MTIME", 0x40,
      "STATX_CTIME", 0x80, "STATX_INO", 0x100, "STATX_SIZE", 0x200, "STATX_BLOCKS", 0x400,
      "STATX_BTIME", 0x800, "STATX_MNT_ID", 0x1000, "STATX_DIOALIGN", 0x2000);

  private static Field f(String name, Kind kind, Vocab v, int bits) {
    return new Field(name, kind, v, bits, null, 0);
  }

  private static Field when(String name, Kind kind, int bits, String ctl, long bit) {
    return new Field(name, kind, null, bits, ctl, bit);
  }

  private static final String LOCK_OWNER = "a hash of the caller's files_struct (fuse_lock_owner_id), "
      + "not known to a trace; FATTR_LOCKOWNER/FUSE_*_LOCKOWNER say whether it is set";

  private static final Map<Opcode, Struct> STRUCTS = new EnumMap<>(Opcode.class);

  static {
    Struct open = new Struct("fuse_open_in", List.of(f("flags", Kind.FLAGS, OFLAGS, 32),
        f("open_flags", Kind.FLAGS, OPEN_IN_FLAGS, 32)), Map.of());
    STRUCTS.put(Opcode.OPEN, open);
    STRUCTS.put(Opcode.OPENDIR, open);
    STRUCTS.put(Opcode.CREATE, new Struct("fuse_create_in", List.of(f("flags", Kind.FLAGS, OFLAGS, 32),
        f("mode", Kind.OCTAL, null, 32), f("umask", Kind.OCTAL, null, 32),
        f("open_flags", Kind.FLAGS, OPEN_IN_FLAGS, 32)), Map.of()));
    STRUCTS.put(Opcode.MKNOD, new Struct("fuse_mknod_in", List.of(f("rdev", Kind.INT, null, 32),
        f("umask", Kind.OCTAL, null, 32)), Map.of("mode", "the mode is MKNOD's third argument: "
            + "MKNOD(NODEID,\"NAME\",MODE)")));
    STRUCTS.put(Opcode.MKDIR, new Struct("fuse_mkdir_in", List.of(f("mode", Kind.OCTAL, null, 32),
        f("umask", Kind.OCTAL, null, 32)), Map.of()));
    Struct read = new Struct("fuse_read_in", List.of(f("fh", Kind.INT, null, 64),
        f("offset", Kind.INT, null, 64), f("size", Kind.INT, null, 32),
        f("read_flags", Kind.FLAGS, READ_FLAGS, 32), f("flags", Kind.FLAGS, OFLAGS, 32)),
        Map.of("lock_owner", LOCK_OWNER));
    STRUCTS.put(Opcode.READ, read);
    STRUCTS.put(Opcode.READDIR, read);
    STRUCTS.put(Opcode.READDIRPLUS, read);
    STRUCTS.put(Opcode.WRITE, new Struct("fuse_write_in", List.of(f("fh", Kind.INT, null, 64),
        f("offset", Kind.INT, null, 64), f("size", Kind.INT, null, 32),
        f("write_flags", Kind.FLAGS, WRITE_FLAGS, 32), f("flags", Kind.FLAGS, OFLAGS, 32)),
        Map.of("lock_owner", LOCK_OWNER)));
    Struct release = new Struct("fuse_release_in", List.of(f("fh", Kind.INT, null, 64),
        f("flags", Kind.FLAGS, OFLAGS, 32), f("release_flags", Kind.FLAGS, RELEASE_FLAGS, 32)),
        Map.of("lock_owner", LOCK_OWNER));
    STRUCTS.put(Opcode.RELEASE, release);
    STRUCTS.put(Opcode.RELEASEDIR, release);
    STRUCTS.put(Opcode.FLUSH, new Struct("fuse_flush_in", List.of(f("fh", Kind.INT, null, 64)),
        Map.of("lock_owner", LOCK_OWNER)));
    Struct fsync = new Struct("fuse_fsync_in", List.of(f("fh", Kind.INT, null, 64),
        f("fsync_flags", Kind.FLAGS, FSYNC_FLAGS, 32)), Map.of());
    STRUCTS.put(Opcode.FSYNC, fsync);
    STRUCTS.put(Opcode.FSYNCDIR, fsync);
    STRUCTS.put(Opcode.GETATTR, new Struct("fuse_getattr_in", List.of(
        f("getattr_flags", Kind.FLAGS, GETATTR_FLAGS, 32),
        when("fh", Kind.INT, 64, "getattr_flags", 1)), Map.of()));
    STRUCTS.put(Opcode.SETATTR, new Struct("fuse_setattr_in", List.of(f("valid", Kind.FLAGS, FATTR, 32),
        when("fh", Kind.INT, 64, "valid", 1 << 6), when("size", Kind.INT, 64, "valid", 1 << 3),
        when("mode", Kind.OCTAL, 32, "valid", 1 << 0), when("uid", Kind.INT, 32, "valid", 1 << 1),
        when("gid", Kind.INT, 32, "valid", 1 << 2)),
        Map.of("lock_owner", LOCK_OWNER, "atime", "a time from the clock", "mtime",
            "a time from the clock", "ctime", "a time from the clock")));
    STRUCTS.put(Opcode.LSEEK, new Struct("fuse_lseek_in", List.of(f("fh", Kind.INT, null, 64),
        f("offset", Kind.INT, null, 64), f("whence", Kind.ENUM, WHENCE, 32)), Map.of()));
    STRUCTS.put(Opcode.FALLOCATE, new Struct("fuse_fallocate_in", List.of(f("fh", Kind.INT, null, 64),
        f("offset", Kind.INT, null, 64), f("length", Kind.INT, null, 64),
        f("mode", Kind.FLAGS, FALLOC, 32)), Map.of()));
    STRUCTS.put(Opcode.ACCESS, new Struct("fuse_access_in", List.of(f("mask", Kind.FLAGS, ACCESS_MASK, 32)),
        Map.of()));
    Field xname = f("name", Kind.STRING, null, 0);
    STRUCTS.put(Opcode.GETXATTR, new Struct("fuse_getxattr_in", List.of(xname, f("size", Kind.INT, null, 32)),
        Map.of()));
    STRUCTS.put(Opcode.REMOVEXATTR, new Struct("the xattr name", List.of(xname), Map.of()));
    STRUCTS.put(Opcode.LISTXATTR, new Struct("fuse_getxattr_in", List.of(f("size", Kind.INT, null, 32)),
        Map.of()));
    STRUCTS.put(Opcode.SETXATTR, new Struct("fuse_setxattr_in", List.of(xname, f("size", Kind.INT, null, 32),
        f("flags", Kind.FLAGS, XATTR_FLAGS, 32)), Map.of("setxattr_flags", "sent only with "
            + "FUSE_SETXATTR_EXT, which neither the model nor the kernel oracle's server grants")));
    STRUCTS.put(Opcode.RENAME, new Struct("fuse_rename_in", List.of(f("newdir", Kind.INT, null, 64)),
        Map.of()));
    STRUCTS.put(Opcode.RENAME2, new Struct("fuse_rename2_in", List.of(f("newdir", Kind.INT, null, 64),
        f("flags", Kind.FLAGS, RENAME_FLAGS, 32)), Map.of()));
    STRUCTS.put(Opcode.STATX, new Struct("fuse_statx_in", List.of(
        f("getattr_flags", Kind.FLAGS, GETATTR_FLAGS, 32), when("fh", Kind.INT, 64, "getattr_flags", 1),
        f("sx_flags", Kind.FLAGS, STATX_SYNC, 32), f("sx_mask", Kind.FLAGS, STATX_MASK, 32)), Map.of()));
  }

  /** The in-struct of an opcode, if it has stateable fields. */
  public static Optional<Struct> of(Opcode op) {
    return Optional.ofNullable(STRUCTS.get(op));
  }

  /**
   * The model's positional {@link Request#args} layout for an opcode: the field each position
   * holds ({@code null}: an argument that is no field here, like MKNOD's mode). A request carries
   * the first {@code args.length} of them; the rest are fields the sending site does not set
   * (not rendered, so never compared).
   */
  private static final Map<Opcode, String[]> LAYOUT = new EnumMap<>(Opcode.class);

  static {
    // null: an argument the model passes but does not hold as the kernel sends it (checked side
    // by side on 6.18.44), so it is not rendered, not compared. OPEN/OPENDIR/CREATE flags and
    // CREATE's mode are the kernel's (DoSysOpen.fFlags), and so are RELEASE's flags (the f_flags
    // do_dentry_open() leaves, KFile.fFlags; a failed open's as fuse_open/fuse_create_open pass them)
    LAYOUT.put(Opcode.OPEN, new String[] {"flags", "open_flags"});
    LAYOUT.put(Opcode.OPENDIR, new String[] {"flags", "open_flags"});
    LAYOUT.put(Opcode.CREATE, new String[] {"flags", "mode", "umask", "open_flags"});
    LAYOUT.put(Opcode.MKNOD, new String[] {null, "rdev", "umask"});
    LAYOUT.put(Opcode.MKDIR, new String[] {"mode", "umask"});
    // "~name": a value the model holds but does not render (not compared with the kernel), still
    // read by the fields that hang on it. Seen side by side on 6.18.44 (kernel replay of the
    // corpus), where the model differs and is not fixed yet:
    // - READ size: a pread(3, 4096, 0) of a 4096-byte file reads 8192 in the model, 4096 there;
    // (GETATTR's getattr_flags/fh and SETATTR's valid were here until the model sent them as the
    // kernel does: no file for fstat's GETATTR nor for the suid kill's (vfs_getattr and
    // __remove_privs pass none), no FATTR_MTIME for O_TRUNC and ftruncate (update_mtime))
    LAYOUT.put(Opcode.READ, new String[] {"offset", null, "fh", "read_flags", "flags"});
    // - READDIR(PLUS) size: 32768 there (fuse_readdir_uncached's buffer), 4096 in the model;
    LAYOUT.put(Opcode.READDIR, new String[] {"offset", null, "fh", "read_flags", "flags"});
    LAYOUT.put(Opcode.READDIRPLUS, new String[] {"offset", null, "fh", "read_flags", "flags"});
    LAYOUT.put(Opcode.WRITE, new String[] {"offset", "size", "fh", "write_flags", "flags"});
    LAYOUT.put(Opcode.RELEASE, new String[] {"fh", "flags", "release_flags"});
    LAYOUT.put(Opcode.RELEASEDIR, new String[] {"fh", "flags", "release_flags"});
    LAYOUT.put(Opcode.FLUSH, new String[] {"fh"});
    LAYOUT.put(Opcode.FSYNC, new String[] {"fh", "fsync_flags"});
    LAYOUT.put(Opcode.FSYNCDIR, new String[] {"fh", "fsync_flags"});
    LAYOUT.put(Opcode.GETATTR, new String[] {"fh", "getattr_flags"});
    LAYOUT.put(Opcode.SETATTR, new String[] {"valid", "mode", "uid", "gid", "size", "fh"});
    LAYOUT.put(Opcode.LSEEK, new String[] {"offset", "whence", "fh"});
    LAYOUT.put(Opcode.FALLOCATE, new String[] {"mode", "offset", "length", "fh"});
    LAYOUT.put(Opcode.ACCESS, new String[] {"mask"});
    LAYOUT.put(Opcode.GETXATTR, new String[] {"size"});
    LAYOUT.put(Opcode.LISTXATTR, new String[] {"size"});
    LAYOUT.put(Opcode.SETXATTR, new String[] {"size", "flags", "setxattr_flags"});
    LAYOUT.put(Opcode.RENAME, new String[] {"newdir"});
    LAYOUT.put(Opcode.RENAME2, new String[] {"newdir", "flags"});
    LAYOUT.put(Opcode.STATX, new String[] {"getattr_flags", "fh", "sx_flags", "sx_mask"});
  }

  /** Whether the request's name is an xattr name (rendered as the field {@code name}). */
  public static boolean namesXattr(Opcode op) {
    return op == Opcode.GETXATTR || op == Opcode.SETXATTR || op == Opcode.REMOVEXATTR;
  }

  /**
   * The model's field values of a request, by name (from its positional args; an xattr op's
   * name as the STRING field {@code name}).
   */
  public static Map<String, Object> ofModel(Opcode op, String name, long[] args) {
    String[] layout = LAYOUT.get(op);
    Map<String, Object> out = new LinkedHashMap<>();
    if (namesXattr(op) && name != null) {
      out.put("name", name);
    }
    if (layout == null) {
      return out;
    }
    for (int i = 0; i < layout.length && i < args.length; i++) {
      if (layout[i] != null) {
        out.put(layout[i], args[i]); // a "~name" stays under its own key: read, never rendered
      }
    }
    return out;
  }

  /** The position of a field in the model's args layout, or -1. */
  public static int position(Opcode op, String field) {
    String[] layout = LAYOUT.get(op);
    for (int i = 0; layout != null && i < layout.length; i++) {
      if (field.equals(layout[i])) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The rendering {@code ,name=value,...} of the given values, in struct order, leaving out
   * those whose controlling bit is clear; empty if none.
   */
  public static String render(Opcode op, Map<String, ?> values) {
    Struct s = STRUCTS.get(op);
    if (s == null || values.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (Field fd : s.fields) {
      Object v = values.get(fd.name);
      if (v == null) {
        continue;
      }
      if (fd.when != null) {
        Object ctl = values.containsKey(fd.when) ? values.get(fd.when) : values.get("~" + fd.when);
        if (!(ctl instanceof Long) || ((Long) ctl & fd.whenBit) == 0) {
          continue;
        }
      }
      out.append(',').append(fd.name).append('=')
          .append(v instanceof String str ? quote(str) : value(fd, (Long) v));
    }
    return out.toString();
  }

  /** A string as the trace language writes it. */
  public static String quote(String v) {
    StringBuilder out = new StringBuilder("\"");
    for (char ch : v.toCharArray()) {
      if (ch == '"' || ch == '\\') {
        out.append('\\').append(ch);
      } else if (ch < 0x20 || ch > 0x7e) {
        out.append(String.format("\\x%02x", (int) ch));
      } else {
        out.append(ch);
      }
    }
    return out.append('"').toString();
  }

  /** A value in its canonical spelling. */
  public static String value(Field fd, long v) {
    switch (fd.kind) {
      case OCTAL:
        return "0" + Long.toOctalString(v);
      case ENUM:
        for (Map.Entry<String, Long> e : fd.vocab.names()) {
          if (e.getValue() == v) {
            return e.getKey();
          }
        }
        return Long.toUnsignedString(v);
      case FLAGS:
        return flags(fd.vocab, v);
      default:
        return Long.toUnsignedString(v);
    }
  }

  private static String flags(Vocab vocab, long v) {
    List<String> terms = new ArrayList<>();
    long rest = v;
    if (vocab.accmode()) {
      long acc = v & 3;
      for (Map.Entry<String, Long> e : vocab.names()) {
        if (e.getValue() == acc) {
          terms.add(e.getKey());
          break;
        }
      }
      rest &= ~3L;
    }
    for (Map.Entry<String, Long> e : vocab.names()) {
      long bit = e.getValue();
      if (vocab.accmode() && bit <= 3) {
        continue;
      }
      if (bit != 0 && (rest & bit) == bit) {
        terms.add(e.getKey());
        rest &= ~bit;
      }
    }
    if (rest != 0) {
      terms.add("0x" + Long.toHexString(rest));
    }
    return terms.isEmpty() ? "0" : String.join("|", terms);
  }
}
