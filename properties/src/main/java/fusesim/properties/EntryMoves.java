package fusesim.properties;

import fusesim.traces.lang.Catalog;
import fusesim.traces.lang.ReplyKind;
import fusesim.traces.lang.ServerOp;
import fusesim.traces.lang.Syscall;
import java.util.List;

import static fusesim.properties.Generator.FILES;
import static fusesim.properties.Generator.LIFETIME_OPS;

/**
 * The {@link Generator}'s entry-creation moves: mknod, symlink and link, with the server policy
 * each reply gets (under FUSE_PASSTHROUGH_INO the v2 test server's lifetime backings, 14/21).
 * Drawn from the generator's random stream in the order they were drawn when they lived in it,
 * so a seed gives the same sequence.
 */
final class EntryMoves {
  private final Generator g;

  EntryMoves(Generator g) {
    this.g = g;
  }

  /**
   * Names the new syscalls create. No other action walks them, and symlinks are never followed
   * by a walk (the model does not follow symlinks): they are only made, read, linked and listed.
   */
  static final List<String> NODES = List.of("/m0", "/m1", "/d/m0");
  static final List<String> SYMLINKS = List.of("/s0", "/d/s0");
  static final List<String> LINKS = List.of("/l0", "/d/l0");

  /**
   * mknod of a regular file (mostly) or a fifo; the arbitrary server's callers also try a
   * directory (EPERM before the walk) and a device. Under FUSE_PASSTHROUGH_INO the well-behaved
   * server sets up a lifetime backing for a regular file as it replies (v2 14/21, the v2 test
   * server's do_lookup(..., setup_backing = true) for S_ISREG).
   */
  boolean mknod(String t) {
    String p = g.pick(NODES);
    String type = g.chance(75) ? "S_IFREG" : g.chance(70) || g.wellBehaved ? "S_IFIFO"
        : g.pick(List.of("S_IFDIR", "S_IFCHR"));
    g.emit(g.draws.creationPolicy(ServerOp.MKNOD, p, type.equals("S_IFREG") ? LIFETIME_OPS : null, type));
    return g.call(t, Syscall.MKNOD, Ast.str(p), mode(type, 0644));
  }

  boolean symlink(String t) {
    String p = g.pick(SYMLINKS);
    g.emit(g.draws.creationPolicy(ServerOp.SYMLINK, p, null, "S_IFLNK"));
    return g.call(t, Syscall.SYMLINK, Ast.str(g.pick(List.of("a", "/a", "e"))), Ast.str(p));
  }

  /**
   * link of a file (its lifetime backing named in the reply under the series, 14/21), a node or
   * symlink made before, or the directory (EPERM), to a new name.
   */
  boolean link(String t) {
    String old = g.chance(60) ? g.pick(FILES) : g.chance(50) ? g.pick(NODES) : g.chance(50) ? g.pick(SYMLINKS) : "/d";
    String p = g.pick(LINKS);
    Long life = g.lifetime.get(old.equals("/b") ? "/a" : old);
    if (g.wellBehaved && g.ino && life != null) {
      g.emit(Ast.policy(ServerOp.LINK, p, Ast.fields(ReplyKind.ENTRY,
          List.of(Ast.item("backing", Ast.num(life))))));
    } else {
      g.emit(g.draws.creationPolicy(ServerOp.LINK, p, null, null));
    }
    return g.call(t, Syscall.LINK, Ast.str(old), Ast.str(p));
  }

  /** {@code S_IFREG|0644}. */
  static fusesim.traces.lang.Value.Flags mode(String type, int perm) {
    return Ast.flags(Catalog.MKNOD_MODE, type, "0" + Integer.toOctalString(perm));
  }
}
