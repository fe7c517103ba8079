package fusesim.explore;

import fusesim.model.vfs.KFile;
import fusesim.traces.replay.ServerMode;
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
 *
 * <p>Under a semantics with the series (v2 01/21) the world is FUSE_PASSTHROUGH_INO's, modelled on
 * the v2 passthrough_hp: {@code mount passthrough passthrough_ino}, the last file suid and owned by
 * the non-root thread {@link #USER}; the moves add lifetime backings with an ops mask, entry
 * replies naming them, {@code backing=0} opens, truncate/chmod (setattr passthrough and the suid
 * kill) and another writer of the lower file (explore/README.md, "The FUSE_PASSTHROUGH_INO world").
 */
final class ModelAlphabet {
  private final Bounds b;

  ModelAlphabet(Bounds b) {
    this.b = b;
  }

  static String file(int i) {
    return "/f" + (i + 1);
  }

  /** The series' FUSE_PASSTHROUGH_INO world (v2 01/21): whenever the semantics has patch 1. */
  boolean ino() {
    return b.semantics().has(1);
  }

  /** The non-root thread of the ino world: it owns the suid file and truncates and chmods it. */
  static final String USER = "T9";

  /** The suid file of the ino world (mode 04755, owned by {@link #USER}): the last one. */
  String suidFile() {
    return file(b.inodes() - 1);
  }

  List<String> world() {
    List<String> w = new ArrayList<>();
    w.add(ino() ? "mount passthrough passthrough_ino" : "mount passthrough");
    for (int i = 0; i < b.inodes(); i++) {
      boolean suid = ino() && i == b.inodes() - 1;
      w.add("lower file " + file(i) + " ino=" + (11 + i) + (suid ? " mode=04755 uid=1000 gid=1000" : "")
          + " size=4096" + (i == 0 ? " nlink=2" : ""));
    }
    w.add("lower link /l1 -> /f1");
    if (ino()) {
      w.add("thread " + USER + " uid=1000 gid=1000");
    }
    if (b.ticks() > 0) {
      for (int i = 0; i < b.inodes(); i++) {
        w.add("server lookup " + file(i) + " entry entry_valid=1s");
      }
      if (ino()) {
        w.add("server lookup /l1 entry entry_valid=1s");
      }
    }
    return w;
  }

  /** The paths naming file i: /f1 is also /l1. */
  static List<String> names(int i) {
    return i == 0 ? List.of("/f1", "/l1") : List.of(file(i));
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
        if (ino() && b.semantics().has(16)) { // v2 16/21: id 0 inherits the lifetime backing
          open(out, p, f, "passthrough backing=0", t, "O_RDWR");
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
      if (ino()) {
        for (int i = 0; i < b.inodes(); i++) { // setattr by root (v2 19/21 passes it through)
          out.add(List.of(t + " truncate(\"" + file(i) + "\", 100) = ?"));
        }
      }
    }
    if (ino() && p.idle(USER)) { // setattr by the owner, not root: the suid/sgid kill (v2 20/21)
      out.add(List.of(USER + " truncate(\"" + suidFile() + "\", 100) = ?"));
      out.add(List.of(USER + " chmod(\"" + suidFile() + "\", 04755) = ?"));
    }
    for (Map.Entry<String, String> e : p.heldRequests().entrySet()) {
      out.add(List.of("server reply " + e.getKey() + " " + e.getValue()));
    }
    if (ids.size() < b.backings() && k.fc.connected) {
      out.add(List.of("server backing_open /f1 = ?"));
      if (ino()) { // lifetime backings (v2 02/21 ops mask), one move per file
        for (int i = 0; i < b.inodes(); i++) {
          out.add(List.of("server backing_open " + file(i) + " ops=" + LIFETIME_OPS + " = ?"));
          if (arbitrary) {
            out.add(List.of("server backing_open " + file(i) + " ops=read,write = ?"));
          }
        }
      }
    }
    if (ino()) {
      lookupPolicies(out, p, ids, arbitrary);
    }
    for (int id : ids) {
      out.add(List.of("server backing_close " + id + " = ?"));
    }
    if (arbitrary) {
      out.add(List.of("server backing_close 42 = ?"));
    }
    out.add(List.of("drop_caches"));
    if (ino()) { // another writer of the lower file: ATTR-COHERENCE (v2 06/21) must see it
      for (int i = 0; i < b.inodes(); i++) {
        out.add(List.of("lower set " + file(i) + " size=8192"));
      }
    }
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

  /** The ops mask of the v2 test server's lifetime backings (passthrough_hp, SEEN-libfuse). */
  static final String LIFETIME_OPS = "read,write,getattr,setattr";

  /**
   * The server's entry replies naming a backing id (v2 13/21). Well-behaved: an inode's lifetime
   * backings (an ops mask, opened on that file), named in the reply for every name of the inode
   * at once (one move), as the v2 passthrough_hp does. Arbitrary: those, and each name alone
   * naming any registered id or the unregistered 42 (so its alphabet contains the well-behaved one).
   */
  private void lookupPolicies(List<List<String>> out, ModelPath p, List<Integer> ids, boolean arbitrary) {
    var k = p.kernel();
    for (int i = 0; i < b.inodes(); i++) {
      String f = file(i);
      for (int id : ids) {
        fusesim.model.fuse.FuseBacking fb = k.fc.backingFilesMap.get(id);
        if (!arbitrary && (fb.opsMask == 0 || !f.equals(k.lower.pathOf(fb.file)))) {
          continue;
        }
        if (arbitrary) { // each name alone; every name at once too (the well-behaved move)
          for (String n : names(i)) {
            lookup(out, p, List.of(n), id);
          }
        }
        if (!arbitrary || names(i).size() > 1) {
          lookup(out, p, names(i), id);
        }
      }
      if (arbitrary) {
        lookup(out, p, List.of(f), 42);
      }
    }
  }

  private void lookup(List<List<String>> out, ModelPath p, List<String> paths, int id) {
    String reply = "entry" + (b.ticks() > 0 ? " entry_valid=1s" : "") + " backing=" + id;
    List<String> m = new ArrayList<>();
    for (String n : paths) {
      if (!reply.equals(p.lookup.get(n))) {
        m.add("server lookup " + n + " " + reply);
      }
    }
    if (!m.isEmpty()) {
      out.add(m);
    }
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
