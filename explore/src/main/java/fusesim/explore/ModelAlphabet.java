package fusesim.explore;

import fusesim.model.KFile;
import fusesim.properties.ServerMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The full-model explorer's moves: a bounded enumeration of the property engine's trace
 * statements, computed from the state like the generator does (so every move means something).
 * A move is one user-visible action and may take more than one statement: an open is preceded by
 * the server's open policy for the file when that policy changes, a held write by
 * {@code server hold write}, a reply by nothing but is followed by the {@code <... resumed>} lines
 * of the calls that return (added by the explorer). BFS depth counts moves.
 *
 * <p>World: {@code mount passthrough}, lower files {@code /f1..fN} (ino 11.., 4096 bytes), the hard
 * link {@code /l1} of {@code /f1} (a second dentry of one inode: nlookup 2), and
 * with {@code --ticks} &gt; 0 lookups answered with {@code entry_valid=1s}.
 */
final class ModelAlphabet {
  private final Bounds b;

  ModelAlphabet(Bounds b) {
    this.b = b;
  }

  static String file(int i) {
    return "/f" + (i + 1);
  }

  List<String> world() {
    List<String> w = new ArrayList<>();
    w.add("mount passthrough");
    for (int i = 0; i < b.inodes(); i++) {
      w.add("lower file " + file(i) + " ino=" + (11 + i) + " size=4096" + (i == 0 ? " nlink=2" : ""));
    }
    w.add("lower link /l1 -> /f1");
    if (b.ticks() > 0) {
      for (int i = 0; i < b.inodes(); i++) {
        w.add("server lookup " + file(i) + " entry entry_valid=1s");
      }
    }
    return w;
  }

  /** The moves enabled in the path's state, in a fixed order. */
  List<List<String>> moves(ModelPath p) {
    List<List<String>> out = new ArrayList<>();
    var k = p.kernel();
    if (k.unmounted) {
      return out;
    }
    boolean arbitrary = b.server() == ServerMode.ARBITRARY;
    String t = p.idleThread(b.threads());
    List<Integer> ids = new ArrayList<>(k.fc.backingFilesMap.keySet());
    if (t != null && k.fds.size() < b.opens()) {
      for (int i = 0; i < b.inodes(); i++) {
        String f = file(i);
        open(out, p, f, "cached", t, "O_RDONLY");
        open(out, p, f, "direct_io,parallel_direct_writes", t, "O_RDWR");
        for (int id : ids) {
          open(out, p, f, "passthrough backing=" + id, t, "O_RDWR");
        }
        if (arbitrary) {
          open(out, p, f, "EIO", t, "O_RDONLY");
          open(out, p, f, "passthrough backing=0", t, "O_RDONLY");
          for (int id : ids) {
            open(out, p, f, "keep_cache,passthrough backing=" + id, t, "O_RDONLY");
          }
        }
      }
    }
    if (t != null) {
      for (Map.Entry<Integer, KFile> e : p.freeFds().entrySet()) {
        int fd = e.getKey();
        out.add(List.of(t + " close(" + fd + ") = ?"));
        if (!e.getValue().ff.isDir && (e.getValue().fFlags & 3) != 1) {
          out.add(List.of(t + " read(" + fd + ", 4096) = ?"));
        }
        if (e.getValue().writable()) {
          out.add(List.of(t + " pwrite(" + fd + ", 1, 0) = ?"));
          if (!p.held && b.threads() > 1) {
            out.add(List.of("server hold write", t + " pwrite(" + fd + ", 1, 0) = ?"));
          }
        }
      }
      for (int i = 0; i < b.inodes(); i++) {
        out.add(List.of(t + " stat(\"" + file(i) + "\") = ?"));
      }
      out.add(List.of(t + " stat(\"/l1\") = ?"));
    }
    for (Map.Entry<String, String> e : p.heldRequests().entrySet()) {
      out.add(List.of("server reply " + e.getKey() + " " + e.getValue()));
    }
    if (ids.size() < b.backings() && k.fc.connected) {
      out.add(List.of("server backing_open /f1 = ?"));
    }
    for (int id : ids) {
      out.add(List.of("server backing_close " + id + " = ?"));
    }
    if (arbitrary) {
      out.add(List.of("server backing_close 42 = ?"));
    }
    out.add(List.of("drop_caches"));
    if (p.ticks < b.ticks()) {
      out.add(List.of("tick 2s"));
      for (int i = 0; i < b.inodes(); i++) {
        out.add(List.of("lower set " + file(i) + " ino=" + (31 + i)));
      }
    }
    if (k.fds.isEmpty() && k.vmas.isEmpty() && p.unfinished.isEmpty() && k.mounted) {
      out.add(List.of("umount"));
    }
    return out;
  }

  private static void open(List<List<String>> out, ModelPath p, String f, String policy, String t, String flags) {
    List<String> m = new ArrayList<>(2);
    if (!policy.equals(p.policy.getOrDefault(f, "cached"))) { // the server's default open reply is flags 0
      m.add("server open " + f + " " + policy);
    }
    m.add(t + " open(\"" + f + "\", " + flags + ") = ?");
    out.add(m);
  }
}
