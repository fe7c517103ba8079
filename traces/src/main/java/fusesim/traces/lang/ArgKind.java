package fusesim.traces.lang;

import java.util.Optional;

/**
 * The kinds of syscall argument in the {@link Syscall} catalog. A flag kind has a
 * {@link FlagTable} (an integer literal is accepted too); the others are a string, an integer or a
 * mapping name.
 */
public enum ArgKind {
  PATH("a path string like \"/a\""),
  OFLAGS(Catalog.OPEN_FLAGS),
  MODE("a mode like 0644"),
  FD("an fd number"),
  COUNT("a byte count"),
  OFF("an offset"),
  LEN("a length"),
  UID("a uid"),
  GID("a gid"),
  WHENCE(Catalog.WHENCE),
  PROT(Catalog.PROT),
  MFLAGS(Catalog.MAP_FLAGS),
  FMODE(Catalog.FALLOC_MODE),
  AMODE(Catalog.ACCESS_MODE),
  MAP("a mapping name like m1"),
  NMODE(Catalog.MKNOD_MODE),
  RFLAGS(Catalog.RENAME_FLAGS),
  XNAME("an xattr name string like \"user.a\""),
  XFLAGS(Catalog.XATTR_FLAGS),
  TARGET("a symlink target string like \"a\""),
  /** The iovec lengths of preadv/pwritev, {@code [4, 4]}: {@link Value.Iov}. */
  IOV("an iovec list of lengths like [4, 4]"),
  /** utimensat/futimens times, {@code NULL} or {@code [UTIME_NOW, UTIME_OMIT]}: {@link Value.Times}. */
  TIMES("times: NULL or [ATIME, MTIME], each UTIME_NOW, UTIME_OMIT or {tv_sec=S, tv_nsec=N}"),
  ATFLAGS(Catalog.UTIMENSAT_FLAGS);

  private final String description;
  private final Optional<FlagTable> flags;

  ArgKind(String description) {
    this.description = description;
    this.flags = Optional.empty();
  }

  ArgKind(FlagTable flags) {
    this.description = flags.description();
    this.flags = Optional.of(flags);
  }

  /** What the argument looks like, for error messages. */
  public String description() {
    return description;
  }

  /** The flag names of a flag kind. */
  public Optional<FlagTable> flags() {
    return flags;
  }

  /** Whether the argument is an integer literal ({@link Value.Int}). */
  public boolean isInteger() {
    return this == MODE || this == FD || this == COUNT || this == OFF || this == LEN
        || this == UID || this == GID;
  }
}
