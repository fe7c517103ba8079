package fusesim.properties;

import fusesim.traces.lang.Catalog;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.ReplyClause;
import fusesim.traces.lang.ReplyKind;
import fusesim.traces.lang.ServerOp;
import fusesim.traces.lang.Stmt;
import java.util.ArrayList;
import java.util.List;

import static fusesim.properties.Generator.ANY_OPS;
import static fusesim.properties.Generator.INODES;
import static fusesim.properties.Generator.INOS;
import static fusesim.properties.Generator.LOOKUP_PATHS;

/**
 * The server's answers the {@link Generator} draws: open, lookup, creation and other reply
 * policies, for the well-behaved server (passthrough_hp-like; under FUSE_PASSTHROUGH_INO the v2
 * test server's lifetime backings) and the arbitrary one. Drawn from the generator's random
 * stream, in the order the generator asks, so a seed gives the same sequence as when they lived
 * in the generator; they only build statements, the generator emits them.
 */
final class ServerDraws {
  private final Generator g;

  ServerDraws(Generator g) {
    this.g = g;
  }

  ReplyClause openPolicy(String path) {
    Long id = g.ids.get(path.equals("/b") ? "/a" : path);
    Long life = g.lifetime.get(path.equals("/b") ? "/a" : path);
    if (g.wellBehaved && life != null) {
      // v2 server: an inode with a g.lifetime backing is always opened passthrough (16/21: id 0
      // inherits it)
      long b = g.setup.semantics().has(16) && g.chance(40) ? 0 : life;
      return Ast.openReply(g.chance(80) ? List.of("passthrough") : List.of("passthrough", "direct_io"),
          List.of(Ast.item("backing", Ast.num(b))));
    }
    if (g.wellBehaved) {
      int c = g.rnd.nextInt(10);
      if (c < 5 && id != null && g.kernel().fc.backingFilesMap.containsKey(id.intValue())) {
        return Ast.openReply(List.of("passthrough"), List.of(Ast.item("backing", Ast.num(id))));
      }
      if (c < 7) {
        return Ast.openReply(List.of("keep_cache"), List.of());
      }
      if (c < 8) {
        return Ast.openReply(List.of("direct_io"), List.of());
      }
      return Ast.openReply(List.of("direct_io", "parallel_direct_writes"), List.of());
    }
    if (g.chance(10)) {
      return Ast.fails(g.pick(List.of("EIO", "ENOENT", "EACCES")));
    }
    List<String> f = new ArrayList<>();
    List<Item> items = new ArrayList<>();
    boolean pt = g.chance(50);
    if (pt) {
      f.add("passthrough");
      List<Long> known = knownIds();
      long b = !known.isEmpty() && g.chance(80) ? g.pick(known) : g.pick(List.of(0L, 7L));
      items.add(Ast.item("backing", Ast.num(b)));
    }
    if (g.chance(pt ? 10 : 40)) {
      f.add("keep_cache");
    }
    if (g.chance(40)) {
      f.add("direct_io");
      if (g.chance(60)) {
        f.add("parallel_direct_writes");
      }
    }
    if (g.chance(15)) {
      f.add("noflush");
    }
    return Ast.openReply(f, items);
  }

  Stmt lookupPolicy() {
    if (g.ino && g.chance(60)) {
      return lookupPolicyFor(g.pick(List.of("/a", "/b", "/c", "/d/e")));
    }
    String p = g.pick(LOOKUP_PATHS);
    List<Item> items = new ArrayList<>();
    if (g.wellBehaved) {
      items.add(Ast.item("entry_valid", Ast.seconds(g.chance(70) ? 1 : -1)));
      if (g.chance(40)) {
        items.add(Ast.item("attr_valid", Ast.seconds(1)));
      }
      return Ast.policy(ServerOp.LOOKUP, p, Ast.fields(ReplyKind.ENTRY, items));
    }
    int c = g.rnd.nextInt(10);
    if (c == 0) {
      return Ast.policy(ServerOp.LOOKUP, p, Ast.fails(g.chance(50) ? "ENOENT" : "EIO"));
    }
    if (c == 1) {
      return Ast.policy(ServerOp.LOOKUP, p, Ast.fields(ReplyKind.NEGATIVE,
          List.of(Ast.item("entry_valid", Ast.seconds(1)))));
    }
    items.add(Ast.item("entry_valid", Ast.seconds(g.pick(List.of(0L, 1L, -1L)))));
    if (g.chance(40)) {
      items.add(Ast.item("nodeid", Ast.num(g.pick(INOS))));
    }
    if (g.chance(20)) {
      items.add(Ast.item("size", Ast.num(g.pick(List.of(0L, 8192L)))));
    }
    if (g.chance(10)) {
      items.add(Ast.item("generation", Ast.num(5)));
    }
    if (g.profile.invalidAttrs && g.chance(10)) {
      items.add(Ast.item("mode", fusesim.traces.lang.Value.Int.octal(0)));
    }
    return Ast.policy(ServerOp.LOOKUP, p, Ast.fields(ReplyKind.ENTRY, items));
  }

  Stmt otherPolicy() {
    String p = g.pick(INODES);
    switch (g.rnd.nextInt(6)) {
      case 0:
        return Ast.policy(ServerOp.GETATTR, p, Ast.fields(ReplyKind.ATTR, List.of(
            Ast.item("size", Ast.num(g.pick(List.of(0L, 8192L)))), Ast.item("attr_valid", Ast.seconds(0)))));
      case 1:
        return Ast.policy(ServerOp.READ, p, Ast.fields(ReplyKind.DATA, List.of(Ast.item("size", Ast.num(g.pick(List.of(0L, 1L)))))));
      case 2:
        return Ast.policy(ServerOp.WRITE, p, Ast.fields(ReplyKind.WRITTEN, List.of(Ast.item("size", Ast.num(g.pick(List.of(0L, 1L)))))));
      case 3:
        return Ast.policy(ServerOp.FLUSH, p, Ast.fails("EIO"));
      case 4:
        return Ast.policy(ServerOp.SETATTR, p, Ast.fails("EIO"));
      default:
        return Ast.policy(ServerOp.RELEASE, p, Ast.fails("EIO"));
    }
  }

  /** The entry policy of the series' server for a path: its g.lifetime backing id. */
  Stmt lookupPolicyFor(String path) {
    List<Item> items = new ArrayList<>();
    Long id = g.lifetime.get(path.equals("/b") ? "/a" : path);
    long b = id == null ? 0 : id;
    if (!g.wellBehaved && g.chance(30)) {
      List<Long> known = knownIds();
      b = !known.isEmpty() && g.chance(60) ? g.pick(known) : g.pick(List.of(0L, 7L, -1L));
    }
    if (b != 0) {
      items.add(Ast.item("backing", Ast.num(b)));
      if (!g.wellBehaved && g.profile.sharedBackingReplies && g.chance(20)) {
        // another nodeid with this file's attributes and a backing: INO-RULE-ATTR-INO-SHARED-BACKING
        items.add(Ast.item("nodeid", Ast.num(g.pick(INOS))));
      }
    }
    if (g.wellBehaved || g.chance(50)) {
      items.add(Ast.item("entry_valid", Ast.seconds(g.chance(70) ? 1 : -1)));
    }
    return Ast.policy(ServerOp.LOOKUP, path, Ast.fields(ReplyKind.ENTRY, items));
  }

  /**
   * The reply policy for a creation at {@code path}. Well-behaved: the default entry, with a new
   * g.lifetime backing ({@code newBackingOps}) under FUSE_PASSTHROUGH_INO. Arbitrary: sometimes an
   * error, odd but valid fields (another nodeid, nlink, entry_valid 0), a backing id, or (with
   * {@link Profile#invalidAttrs}) a reply of another file type.
   */
  Stmt creationPolicy(ServerOp op, String path, List<String> newBackingOps, String type) {
    if (g.wellBehaved) {
      return g.ino && newBackingOps != null
          ? Ast.policy(op, path, Ast.fields(ReplyKind.ENTRY, List.of(Ast.item("new_backing",
              Ast.flags(Catalog.BACKING_OPS, newBackingOps)))))
          : Ast.policy(op, path, new fusesim.traces.lang.ReplyClause.Default(Ast.P));
    }
    int c = g.rnd.nextInt(10);
    if (c < 4) {
      return Ast.policy(op, path, new fusesim.traces.lang.ReplyClause.Default(Ast.P));
    }
    if (c < 6) {
      return Ast.policy(op, path, Ast.fails(g.pick(op == ServerOp.LINK
          ? List.of("EEXIST", "EACCES", "ENOSYS", "EINTR") : List.of("EEXIST", "EACCES", "EIO"))));
    }
    List<Item> items = new ArrayList<>();
    boolean otherNodeid = g.chance(30);
    if (otherNodeid) {
      items.add(Ast.item("nodeid", Ast.num(g.pick(INOS))));
    }
    if (g.chance(30)) {
      items.add(Ast.item("nlink", Ast.num(g.pick(List.of(0L, 5L)))));
    }
    if (g.chance(30)) {
      items.add(Ast.item("entry_valid", Ast.seconds(0)));
    }
    // With another nodeid, under A1=attr-g.ino two nodeids may share a g.lifetime backing: the known
    // finding INO-RULE-ATTR-INO-SHARED-BACKING (traces/corpus/findings), reported, not failed.
    if (g.ino && (!otherNodeid || g.profile.sharedBackingReplies) && g.chance(40)) {
      List<Long> known = knownIds();
      items.add(Ast.item("backing", Ast.num(!known.isEmpty() && g.chance(70) ? g.pick(known) : 7)));
    }
    if (g.profile.invalidAttrs && g.chance(20)) {
      items.add(Ast.item("mode", fusesim.traces.lang.Value.Int.octal(
          "S_IFREG".equals(type) ? 040755 : 0100644)));
    }
    return Ast.policy(op, path, Ast.fields(ReplyKind.ENTRY, items));
  }

  List<String> randomOps() {
    List<String> ops = new ArrayList<>();
    for (String o : ANY_OPS) {
      if (g.chance(o.equals("open") || o.equals("statx") ? 5 : 50)) {
        ops.add(o);
      }
    }
    return ops.isEmpty() ? List.of("getattr") : ops;
  }

  List<Long> knownIds() {
    List<Long> r = new ArrayList<>();
    for (Integer i : g.kernel().fc.backingFilesMap.keySet()) {
      r.add(i.longValue());
    }
    return r;
  }
}
