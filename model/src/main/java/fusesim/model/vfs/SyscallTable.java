package fusesim.model.vfs;

import fusesim.model.NotModelled;
import fusesim.model.Syscall;
import fusesim.model.UserThread;
import fusesim.model.fuse.Dir;
import fusesim.model.fuse.File;
import fusesim.model.fuse.Readdir;
import java.util.List;

/**
 * The syscalls the model executes (the role of arch/x86/entry/syscalls/syscall_64.tbl): each
 * name with its argument kinds, and the state machine it starts. A state machine lives in the home
 * of the kernel function its {@code run} mirrors (model/README.md), so read(2) is
 * {@link fusesim.model.fuse.File.Read} and open(2) {@link Open.DoSysOpen}.
 *
 * <p>{@link #make} turns a call (name and arguments, as a trace or the generator writes it) into
 * its state machine, or throws {@link IllegalArgumentException} with what was wrong.
 */
public final class SyscallTable {
  private SyscallTable() {}

  /** The syscalls the model executes, with their argument kinds: s = string, n = number. */
  public static final List<String> SIGNATURES = List.of(
      "open:sn", "open:snn", "creat:sn", "close:n", "dup:n", "read:nn", "write:nn", "pread:nnn",
      "pwrite:nnn", "lseek:nnn", "mmap:nnn", "munmap:s", "mread:snn", "mwrite:snn", "fstat:n",
      "stat:s", "lstat:s", "truncate:sn", "ftruncate:nn", "chmod:sn", "fchmod:nn", "chown:snn",
      "fchown:nnn", "fallocate:nnnn", "fsync:n", "getdents:n", "mkdir:sn", "unlink:s", "rmdir:s",
      "access:sn", "mknod:sn", "symlink:ss", "link:ss", "readlink:s");

  /** Builds the state machine for {@code name(args)}; args are String or Long. */
  public static Syscall make(UserThread t, String name, List<Object> args) {
    Object[] a = args.toArray();
    switch (name) {
      case "open":
        return new Open.DoSysOpen(t, str(a, 0), (int) num(a, 1), a.length > 2 ? (int) num(a, 2) : 0);
      case "creat":
        return new Open.DoSysOpen(t, str(a, 0), Uapi.O_CREAT | Uapi.O_WRONLY | Uapi.O_TRUNC, (int) num(a, 1));
      case "close":
        return new Open.Close(t, (int) num(a, 0));
      case "dup":
        return new Fdtable.Dup(t, (int) num(a, 0));
      case "read":
        return new File.Read(t, (int) num(a, 0), num(a, 1), -1);
      case "pread":
        return new File.Read(t, (int) num(a, 0), num(a, 1), num(a, 2));
      case "write":
        return new File.Write(t, (int) num(a, 0), num(a, 1), -1);
      case "pwrite":
        return new File.Write(t, (int) num(a, 0), num(a, 1), num(a, 2));
      case "lseek":
        return new File.Lseek(t, (int) num(a, 0), num(a, 1), (int) num(a, 2));
      case "mmap":
        return new File.Mmap(t, (int) num(a, 0), (int) num(a, 1), (int) num(a, 2));
      case "munmap":
        return new Mmap.Munmap(t, str(a, 0));
      case "mread":
        return new File.MemAccess(t, str(a, 0), num(a, 1), num(a, 2), false);
      case "mwrite":
        return new File.MemAccess(t, str(a, 0), num(a, 1), num(a, 2), true);
      case "fstat":
        return new Stat.VfsStatx(t, null, (int) num(a, 0), true);
      case "stat":
        return new Stat.VfsStatx(t, str(a, 0), -1, true);
      case "lstat":
        return new Stat.VfsStatx(t, str(a, 0), -1, false);
      case "truncate":
        return Attr.Setattr.truncate(t, str(a, 0), -1, num(a, 1));
      case "ftruncate":
        return Attr.Setattr.truncate(t, null, (int) num(a, 0), num(a, 1));
      case "chmod":
        return Attr.Setattr.chmod(t, str(a, 0), -1, (int) num(a, 1));
      case "fchmod":
        return Attr.Setattr.chmod(t, null, (int) num(a, 0), (int) num(a, 1));
      case "chown":
        return Attr.Setattr.chown(t, str(a, 0), -1, (int) num(a, 1), (int) num(a, 2));
      case "fchown":
        return Attr.Setattr.chown(t, null, (int) num(a, 0), (int) num(a, 1), (int) num(a, 2));
      case "fallocate":
        return new File.Fallocate(t, (int) num(a, 0), (int) num(a, 1), num(a, 2), num(a, 3));
      case "fsync":
        return new File.Fsync(t, (int) num(a, 0));
      case "getdents":
        return new Readdir.Getdents(t, (int) num(a, 0));
      case "mkdir":
        return new Dir.Mkdir(t, str(a, 0), (int) num(a, 1));
      case "unlink":
        return new Dir.Unlink(t, str(a, 0), false);
      case "rmdir":
        return new Dir.Unlink(t, str(a, 0), true);
      case "access":
        return new Dir.Access(t, str(a, 0), (int) num(a, 1));
      case "mknod":
        return new Dir.Mknod(t, str(a, 0), (int) num(a, 1));
      case "symlink":
        return new Dir.Symlink(t, str(a, 0), str(a, 1));
      case "link":
        return new Dir.Link(t, str(a, 0), str(a, 1));
      case "readlink":
        return new Dir.Readlink(t, str(a, 0));
      default:
        throw new NotModelled("the syscall " + name + "()");
    }
  }

  private static String str(Object[] a, int i) {
    if (i >= a.length || !(a[i] instanceof String)) {
      throw new IllegalArgumentException("argument " + (i + 1) + " must be a path or a mapping name");
    }
    return (String) a[i];
  }

  private static long num(Object[] a, int i) {
    if (i >= a.length || !(a[i] instanceof Long)) {
      throw new IllegalArgumentException("argument " + (i + 1) + " must be a number");
    }
    return (Long) a[i];
  }
}
