package fusesim.explore;

import fusesim.model.Kernel;
import fusesim.model.Lower;
import fusesim.model.UserThread;
import fusesim.model.fuse.FuseBacking;
import fusesim.model.fuse.FuseFile;
import fusesim.model.fuse.FuseInode;
import fusesim.model.vfs.KFile;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The independence relation of partial-order reduction (explore/README.md, "Partial-order
 * reduction"): what a move of the alphabet can touch, read off the move and the state it runs in.
 *
 * <p>A move's footprint is the set of lower files whose kernel objects it can read or write: the
 * file a path names (a hard link is its file), the file of an fd (its inode's server node), the
 * file of a held request, and, closed over, the backing files those inodes and their open files
 * pass through to ({@code fi->fb}, the lifetime backing, {@code ff->passthrough}) and the file of a
 * {@code backing=ID} the move's open reply names; and {@link #NO_GETXATTR} for the calls whose
 * suid/sgid kill may set it. Moves that act on the connection or on every
 * inode are <em>global</em> and depend on everything: backing_open/close (the idr), entry-reply
 * policies, {@code server hold write} (the server holds the next WRITE of any file), drop_caches,
 * tick, a replaced lower file, mount and umount, and anything this class does not recognise.
 */
final class Independence {
  private Independence() {}

  /** A move's footprint: the lower files it touches, or global. */
  record Footprint(Set<String> files, boolean global) {
    static final Footprint GLOBAL = new Footprint(Set.of(), true);

    boolean disjoint(Footprint o) {
      if (global || o.global) {
        return false;
      }
      for (String f : files) {
        if (o.files.contains(f)) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Two moves of one state commute when neither is global, their files are disjoint, and they do
   * not both change which calls are in flight ({@code busyA}, {@code busyB}: the move left a call
   * unfinished or resumed one; two such moves would give their threads other names, or order
   * their requests differently, in the two orders).
   */
  static boolean independent(Footprint a, boolean busyA, Footprint b, boolean busyB) {
    return a.disjoint(b) && !(busyA && busyB);
  }

  /** The footprint of {@code move} in state {@code p}. */
  static Footprint of(ModelPath p, List<String> move) {
    Set<String> files = new TreeSet<>();
    Kernel k = p.kernel();
    for (String s : move) {
      if (!statement(k, s, files)) {
        return Footprint.GLOBAL;
      }
      if (killpriv(s) && !k.fc.noGetxattr) {
        files.add(NO_GETXATTR);
      }
    }
    for (String f : List.copyOf(files)) {
      closure(k, f, files);
    }
    return new Footprint(files, false);
  }

  /**
   * The connection's fc->no_getxattr, an object of its own: the suid/sgid kill of a write, a
   * truncate, a chmod or an O_TRUNC open asks GETXATTR security.capability unless it is set, and
   * an ENOSYS answer sets it (KillprivCheck), so two such calls on different files do not commute
   * while it is clear (once set, it is only read).
   */
  static final String NO_GETXATTR = "fc->no_getxattr";

  private static boolean killpriv(String s) {
    return s.contains(" pwrite(") || s.contains(" write(") || s.contains(" truncate(") || s.contains(" chmod(")
        || s.contains("O_TRUNC") || s.startsWith("server reply ");
  }

  /** Adds the files statement {@code s} names; false: the statement is global (or unknown). */
  private static boolean statement(Kernel k, String s, Set<String> files) {
    if (s.startsWith("server open ")) { // the server's open reply policy for one file
      String[] w = s.split(" ");
      return file(k, w[2], files) && backingNamed(k, s, files);
    }
    if (s.startsWith("server reply ")) {
      UserThread u = k.threads.get(s.split(" ")[2]);
      return u != null && u.task != null && u.task.waitReq != null && node(k, u.task.waitReq.nodeid, files);
    }
    if (s.startsWith("lower set ") && s.endsWith(" size=8192")) { // another writer of one lower file
      return file(k, s.split(" ")[2], files);
    }
    int paren = s.indexOf('(');
    int sp = s.indexOf(' ');
    if (s.startsWith("server ") || s.startsWith("lower ") || paren < 0 || sp < 0 || sp > paren) {
      return false; // global: backing_open/close, lookup policies, hold, drop_caches, tick, umount
    }
    String arg = s.substring(paren + 1);
    if (arg.startsWith("\"")) {
      return file(k, arg.substring(1, arg.indexOf('"', 1)), files);
    }
    int end = arg.indexOf(',') < 0 ? arg.indexOf(')') : Math.min(arg.indexOf(','), arg.indexOf(')'));
    KFile f = k.fds.get(Integer.parseInt(arg.substring(0, end).trim()));
    return f != null && f.ff != null && node(k, f.ff.nodeid, files);
  }

  /** The backing id an open reply names ({@code backing=ID}, ID > 0): its backing file. */
  private static boolean backingNamed(Kernel k, String s, Set<String> files) {
    int at = s.indexOf("backing=");
    if (at < 0) {
      return true;
    }
    int id = Integer.parseInt(s.substring(at + "backing=".length()).split("[ ,]")[0]);
    if (id == 0) {
      return true; // the inode's lifetime backing: in the file's closure
    }
    FuseBacking fb = k.fc.backingFilesMap.get(id);
    return fb == null || lowerFile(k, fb.file, files);
  }

  private static boolean file(Kernel k, String path, Set<String> files) {
    Lower.Node n = k.lower.resolve(path);
    return n != null && lowerFile(k, n, files);
  }

  private static boolean node(Kernel k, long nodeid, Set<String> files) {
    Lower.Node n = k.server.nodes.get(nodeid);
    return n != null && lowerFile(k, n, files);
  }

  /** A lower file by its path (one path for a hard-linked file: the lower tree's first). */
  private static boolean lowerFile(Kernel k, Lower.Node n, Set<String> files) {
    String p = k.lower.pathOf(n);
    if (p == null || p.equals("/")) {
      return false; // the root directory: shared by every lookup
    }
    files.add(p);
    return true;
  }

  /** Adds the backing files that file {@code f}'s inodes and open files pass through to. */
  private static void closure(Kernel k, String f, Set<String> files) {
    Lower.Node n = k.lower.resolve(f);
    for (FuseInode fi : k.allInodes) {
      if (k.server.nodes.get(fi.nodeid) == n) {
        backing(k, fi.fb, files);
        backing(k, fi.lifetimeFb, files);
      }
    }
    for (FuseFile ff : k.openFiles) {
      if (k.server.nodes.get(ff.nodeid) == n && ff.passthrough != null) {
        lowerFile(k, ff.passthrough, files);
      }
    }
  }

  private static void backing(Kernel k, FuseBacking fb, Set<String> files) {
    if (fb != null && fb.file != null) {
      lowerFile(k, fb.file, files);
    }
  }
}
