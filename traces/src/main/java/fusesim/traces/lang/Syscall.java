package fusesim.traces.lang;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The syscalls a thread step can make, with their argument kinds (strace order) and the struct
 * fields a {@code {k=v ...}} check may name. {@code mread}/{@code mwrite} stand for a load or store
 * through a mapping made by {@code mmap}.
 */
public enum Syscall {
  OPEN(2, ArgKind.PATH, ArgKind.OFLAGS, ArgKind.MODE),
  CREAT(ArgKind.PATH, ArgKind.MODE),
  CLOSE(ArgKind.FD),
  DUP(ArgKind.FD),
  READ(ArgKind.FD, ArgKind.COUNT),
  WRITE(ArgKind.FD, ArgKind.COUNT),
  PREAD(ArgKind.FD, ArgKind.COUNT, ArgKind.OFF),
  PWRITE(ArgKind.FD, ArgKind.COUNT, ArgKind.OFF),
  LSEEK(ArgKind.FD, ArgKind.OFF, ArgKind.WHENCE),
  MMAP(ArgKind.FD, ArgKind.PROT, ArgKind.MFLAGS),
  MUNMAP(ArgKind.MAP),
  MREAD(ArgKind.MAP, ArgKind.OFF, ArgKind.COUNT),
  MWRITE(ArgKind.MAP, ArgKind.OFF, ArgKind.COUNT),
  FSTAT(ArgKind.FD),
  STAT(ArgKind.PATH),
  LSTAT(ArgKind.PATH),
  TRUNCATE(ArgKind.PATH, ArgKind.LEN),
  FTRUNCATE(ArgKind.FD, ArgKind.LEN),
  CHMOD(ArgKind.PATH, ArgKind.MODE),
  FCHMOD(ArgKind.FD, ArgKind.MODE),
  CHOWN(ArgKind.PATH, ArgKind.UID, ArgKind.GID),
  FCHOWN(ArgKind.FD, ArgKind.UID, ArgKind.GID),
  FALLOCATE(ArgKind.FD, ArgKind.FMODE, ArgKind.OFF, ArgKind.LEN),
  FSYNC(ArgKind.FD),
  GETDENTS(ArgKind.FD),
  MKDIR(ArgKind.PATH, ArgKind.MODE),
  UNLINK(ArgKind.PATH),
  RMDIR(ArgKind.PATH),
  LINK(ArgKind.PATH, ArgKind.PATH),
  RENAME(ArgKind.PATH, ArgKind.PATH),
  RENAMEAT2(ArgKind.PATH, ArgKind.PATH, ArgKind.RFLAGS),
  GETXATTR(ArgKind.PATH, ArgKind.XNAME, ArgKind.COUNT),
  SETXATTR(ArgKind.PATH, ArgKind.XNAME, ArgKind.COUNT, ArgKind.XFLAGS),
  LISTXATTR(ArgKind.PATH, ArgKind.COUNT),
  REMOVEXATTR(ArgKind.PATH, ArgKind.XNAME),
  FGETXATTR(ArgKind.FD, ArgKind.XNAME, ArgKind.COUNT),
  FSETXATTR(ArgKind.FD, ArgKind.XNAME, ArgKind.COUNT, ArgKind.XFLAGS),
  FLISTXATTR(ArgKind.FD, ArgKind.COUNT),
  FREMOVEXATTR(ArgKind.FD, ArgKind.XNAME),
  ACCESS(ArgKind.PATH, ArgKind.AMODE),
  READLINK(ArgKind.PATH),
  MKNOD(ArgKind.PATH, ArgKind.NMODE),
  SYMLINK(ArgKind.TARGET, ArgKind.PATH),
  FDATASYNC(ArgKind.FD),
  PREADV(ArgKind.FD, ArgKind.IOV, ArgKind.OFF),
  PWRITEV(ArgKind.FD, ArgKind.IOV, ArgKind.OFF),
  UTIMENSAT(ArgKind.PATH, ArgKind.TIMES, ArgKind.ATFLAGS),
  FUTIMENS(ArgKind.FD, ArgKind.TIMES);

  private final int required;
  private final List<ArgKind> args;

  Syscall(ArgKind... args) {
    this(args.length, args);
  }

  Syscall(int required, ArgKind... args) {
    this.required = required;
    this.args = List.of(args);
  }

  /** The lower-case name used in trace text. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The argument kinds, in order; trailing ones past {@link #requiredArgs()} are optional. */
  public List<ArgKind> args() {
    return args;
  }

  /** How many leading arguments must be given. */
  public int requiredArgs() {
    return required;
  }

  /** The keys a {@code {k=v ...}} check after the result may name; empty if none. */
  public Map<String, ValueKind> checkKeys() {
    if (this == FSTAT || this == STAT || this == LSTAT) {
      return Catalog.STAT_CHECKS;
    }
    return this == GETDENTS ? Catalog.DIRENT_CHECKS : Map.of();
  }

  /** Whether the successful result is a mapping name ({@code = m1}) rather than an integer. */
  public boolean returnsMapping() {
    return this == MMAP;
  }

  /** The syscall spelled exactly {@code word}. */
  public static Optional<Syscall> parse(String word) {
    return Catalog.byWord(values(), Syscall::word, word);
  }
}
