package fusesim.model.vfs;

import fusesim.model.NotModelled;
import fusesim.model.Syscall;
import fusesim.model.UserThread;
import fusesim.model.fuse.Dir;
import fusesim.model.fuse.File;
import fusesim.model.fuse.Readdir;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The syscalls the model executes, the one list of them (the role of
 * arch/x86/entry/syscalls/syscall_64.tbl): one {@link Entry} per syscall, with its argument kinds
 * and the state machine it starts. A state machine lives in the home of the kernel function its
 * {@code run} mirrors (model/README.md), so read(2) is {@link fusesim.model.fuse.File.Read} and
 * open(2) {@link Open.DoSysOpen}.
 *
 * <p>The trace language's signatures ({@code fusesim.traces.lang.Syscall}) and the kernel
 * oracle's driver are checked against this table by tests; adding a syscall is an entry here, its
 * state machine, and the parser's signature.
 */
public final class SyscallTable {
  private SyscallTable() {}

  /** An argument as the model takes it: a path, target or mapping name, or a number. */
  public enum Arg {
    STR, NUM
  }

  /** Builds a syscall's state machine from its checked arguments. */
  @FunctionalInterface
  public interface Factory {
    Syscall make(UserThread t, Args a);
  }

  /**
   * One syscall: its name as strace writes it, its argument kinds (the first {@code required}
   * must be given, the rest are optional) and its state machine.
   */
  public record Entry(String name, int required, List<Arg> args, Factory factory) {}

  private static final Map<String, Entry> TABLE = new LinkedHashMap<>();

  private static void def(String name, String kinds, Factory f) {
    def(name, kinds.length(), kinds, f);
  }

  private static void def(String name, int required, String kinds, Factory f) {
    List<Arg> args = kinds.chars().mapToObj(c -> c == 's' ? Arg.STR : Arg.NUM).toList();
    TABLE.put(name, new Entry(name, required, args, f));
  }

  static {
    def("open", 2, "snn", (t, a) -> new Open.DoSysOpen(t, a.str(0), (int) a.num(1),
        a.size() > 2 ? (int) a.num(2) : 0));
    def("creat", "sn", (t, a) -> new Open.DoSysOpen(t, a.str(0),
        Uapi.O_CREAT | Uapi.O_WRONLY | Uapi.O_TRUNC, (int) a.num(1)));
    def("close", "n", (t, a) -> new Open.Close(t, (int) a.num(0)));
    def("dup", "n", (t, a) -> new Fdtable.Dup(t, (int) a.num(0)));
    def("read", "nn", (t, a) -> new File.Read(t, (int) a.num(0), a.num(1), -1));
    def("write", "nn", (t, a) -> new File.Write(t, (int) a.num(0), a.num(1), -1));
    def("pread", "nnn", (t, a) -> new File.Read(t, (int) a.num(0), a.num(1), a.num(2)));
    def("pwrite", "nnn", (t, a) -> new File.Write(t, (int) a.num(0), a.num(1), a.num(2)));
    def("lseek", "nnn", (t, a) -> new File.Lseek(t, (int) a.num(0), a.num(1), (int) a.num(2)));
    def("mmap", "nnn", (t, a) -> new File.Mmap(t, (int) a.num(0), (int) a.num(1), (int) a.num(2)));
    def("munmap", "s", (t, a) -> new Mmap.Munmap(t, a.str(0)));
    def("mread", "snn", (t, a) -> new File.MemAccess(t, a.str(0), a.num(1), a.num(2), false));
    def("mwrite", "snn", (t, a) -> new File.MemAccess(t, a.str(0), a.num(1), a.num(2), true));
    def("fstat", "n", (t, a) -> new Stat.VfsStatx(t, null, (int) a.num(0), true));
    def("stat", "s", (t, a) -> new Stat.VfsStatx(t, a.str(0), -1, true));
    def("lstat", "s", (t, a) -> new Stat.VfsStatx(t, a.str(0), -1, false));
    def("truncate", "sn", (t, a) -> Attr.Setattr.truncate(t, a.str(0), -1, a.num(1)));
    def("ftruncate", "nn", (t, a) -> Attr.Setattr.truncate(t, null, (int) a.num(0), a.num(1)));
    def("chmod", "sn", (t, a) -> Attr.Setattr.chmod(t, a.str(0), -1, (int) a.num(1)));
    def("fchmod", "nn", (t, a) -> Attr.Setattr.chmod(t, null, (int) a.num(0), (int) a.num(1)));
    def("chown", "snn", (t, a) -> Attr.Setattr.chown(t, a.str(0), -1, (int) a.num(1),
        (int) a.num(2)));
    def("fchown", "nnn", (t, a) -> Attr.Setattr.chown(t, null, (int) a.num(0), (int) a.num(1),
        (int) a.num(2)));
    def("fallocate", "nnnn", (t, a) -> new File.Fallocate(t, (int) a.num(0), (int) a.num(1),
        a.num(2), a.num(3)));
    def("fsync", "n", (t, a) -> new File.Fsync(t, (int) a.num(0), false));
    def("fdatasync", "n", (t, a) -> new File.Fsync(t, (int) a.num(0), true));
    // the trace's iovec list reaches the model as its summed length (what read_iter is asked for)
    def("preadv", "nnn", (t, a) -> File.Read.preadv(t, (int) a.num(0), a.num(1), a.num(2)));
    def("pwritev", "nnn", (t, a) -> File.Write.pwritev(t, (int) a.num(0), a.num(1), a.num(2)));
    // utimensat's times reach the model in their shared encoding (null, or A,M: now, omit, S:N)
    def("utimensat", "ssn", (t, a) -> Utimes.utimensat(t, a.str(0), a.str(1), (int) a.num(2)));
    def("futimens", "ns", (t, a) -> Utimes.futimens(t, (int) a.num(0), a.str(1)));
    def("getdents", "n", (t, a) -> new Readdir.Getdents(t, (int) a.num(0)));
    def("mkdir", "sn", (t, a) -> new Dir.Mkdir(t, a.str(0), (int) a.num(1)));
    def("unlink", "s", (t, a) -> new Dir.Unlink(t, a.str(0), false));
    def("rmdir", "s", (t, a) -> new Dir.Unlink(t, a.str(0), true));
    def("access", "sn", (t, a) -> new Dir.Access(t, a.str(0), (int) a.num(1)));
    def("mknod", "sn", (t, a) -> new Dir.Mknod(t, a.str(0), (int) a.num(1)));
    def("symlink", "ss", (t, a) -> new Dir.Symlink(t, a.str(0), a.str(1)));
    def("link", "ss", (t, a) -> new Dir.Link(t, a.str(0), a.str(1)));
    def("readlink", "s", (t, a) -> new Dir.Readlink(t, a.str(0)));
    def("rename", "ss", (t, a) -> new Dir.Rename(t, a.str(0), a.str(1), 0));
    def("renameat2", "ssn", (t, a) -> new Dir.Rename(t, a.str(0), a.str(1), (int) a.num(2)));
    def("getxattr", "ssn", (t, a) -> Xattr.get(t, a.str(0), -1, a.str(1), a.num(2)));
    def("setxattr", "ssnn", (t, a) -> Xattr.set(t, a.str(0), -1, a.str(1), a.num(2), (int) a.num(3)));
    def("listxattr", "sn", (t, a) -> Xattr.list(t, a.str(0), -1, a.num(1)));
    def("removexattr", "ss", (t, a) -> Xattr.remove(t, a.str(0), -1, a.str(1)));
    def("fgetxattr", "nsn", (t, a) -> Xattr.get(t, null, (int) a.num(0), a.str(1), a.num(2)));
    def("fsetxattr", "nsnn", (t, a) -> Xattr.set(t, null, (int) a.num(0), a.str(1), a.num(2),
        (int) a.num(3)));
    def("flistxattr", "nn", (t, a) -> Xattr.list(t, null, (int) a.num(0), a.num(1)));
    def("fremovexattr", "ns", (t, a) -> Xattr.remove(t, null, (int) a.num(0), a.str(1)));
  }

  /** Every entry, in table order. */
  public static List<Entry> entries() {
    return List.copyOf(TABLE.values());
  }

  /**
   * The syscalls whose default_permissions checks the model does not make: the owner checks
   * setattr_prepare() makes once fuse_do_setattr() no longer adds ATTR_FORCE (chmod, chown), and
   * may_linkat()'s inode_permission(MAY_READ | MAY_WRITE) of link(2)'s source
   * (safe_hardlink_source(), which may send GETATTR even for root).
   */
  public static final java.util.Set<String> UNCHECKED_PERMISSIONS = java.util.Set.of("chmod",
      "fchmod", "chown", "fchown", "link");

  /** Refuses, on a default_permissions mount, a syscall whose permission checks are not modelled. */
  public static void checkDefaultPermissions(String name) {
    if (UNCHECKED_PERMISSIONS.contains(name)) {
      throw new NotModelled(name + "() on a default_permissions mount (its setattr_prepare/"
          + "may_linkat permission checks)");
    }
  }

  /** The entry for {@code name}, or null if the model does not execute it. */
  public static Entry entry(String name) {
    return TABLE.get(name);
  }

  /**
   * Builds the state machine for {@code name(args)}; args are String or Long. Throws
   * {@link NotModelled} for a syscall the table lacks, {@link IllegalArgumentException} for an
   * argument of the wrong kind.
   */
  public static Syscall make(UserThread t, String name, List<Object> args) {
    Entry e = TABLE.get(name);
    if (e == null) {
      throw new NotModelled("the syscall " + name + "()");
    }
    return e.factory().make(t, new Args(args.toArray()));
  }

  /** A call's arguments, each checked for its kind when the state machine reads it. */
  public static final class Args {
    private final Object[] a;

    Args(Object[] a) {
      this.a = a;
    }

    public int size() {
      return a.length;
    }

    public String str(int i) {
      if (i >= a.length || !(a[i] instanceof String)) {
        throw new IllegalArgumentException("argument " + (i + 1) + " must be a path or a mapping name");
      }
      return (String) a[i];
    }

    public long num(int i) {
      if (i >= a.length || !(a[i] instanceof Long)) {
        throw new IllegalArgumentException("argument " + (i + 1) + " must be a number");
      }
      return (Long) a[i];
    }
  }
}
