package fusesim.properties;

import fusesim.model.Errno;
import fusesim.traces.lang.Catalog;
import fusesim.traces.lang.FlagTable;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.MountOption;
import fusesim.traces.lang.Outcome;
import fusesim.traces.lang.Pos;
import fusesim.traces.lang.ReplyClause;
import fusesim.traces.lang.ReplyKind;
import fusesim.traces.lang.ServerOp;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Syscall;
import fusesim.traces.lang.Value;
import fusesim.traces.lang.Word;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Builders for program-made trace statements (every node at {@link Pos#NONE}). The generator and
 * the shrinker speak only in these statements, so a generated sequence is already a trace.
 */
public final class Ast {
  private Ast() {}

  static final Pos P = Pos.NONE;
  static final Outcome ANY = new Outcome.Any(P);

  // ---- values --------------------------------------------------------------------------------

  static Value.Int num(long v) {
    return Value.Int.of(v);
  }

  static Value.Str str(String s) {
    return Value.Str.of(s);
  }

  /**
   * A flag expression of terms from {@code table} or integer literals ({@code S_IFREG|0644});
   * the value is their or.
   */
  static Value.Flags flags(FlagTable table, String... terms) {
    long v = 0;
    for (String t : terms) {
      v |= table.valueOf(t).or(() -> integer(t))
          .orElseThrow(() -> new IllegalArgumentException("no flag " + t));
    }
    return new Value.Flags(P, v, Arrays.asList(terms));
  }

  /** An integer literal term ({@code 0644}, {@code 0x10}, {@code 12}), as Long.decode reads it. */
  private static Optional<Long> integer(String t) {
    try {
      return Optional.of(Long.decode(t));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static Value.Flags flags(FlagTable table, List<String> terms) {
    return flags(table, terms.toArray(new String[0]));
  }

  /** A time in seconds ({@code 1s}), or {@code inf} for a negative argument. */
  static Value.Time seconds(long s) {
    return s < 0 ? new Value.Time(P, Value.Time.INFINITE, "inf")
        : new Value.Time(P, s * 1_000_000_000L, s + "s");
  }

  static Value.Err err(String name) {
    return Value.Err.of(Errno.parse(name).orElseThrow());
  }

  static Item item(String key, Value v) {
    return Item.of(key, v);
  }

  // ---- world ---------------------------------------------------------------------------------

  static Stmt mount(List<Stmt.MountArg> opts) {
    return new Stmt.Mount(P, opts);
  }

  static Stmt.MountArg opt(MountOption o) {
    return new Stmt.MountArg(P, o, Optional.empty());
  }

  static Stmt.MountArg opt(MountOption o, long v) {
    return new Stmt.MountArg(P, o, Optional.of(num(v)));
  }

  static Stmt lowerFile(String path, long ino, long size, long nlink) {
    List<Item> attrs = new ArrayList<>();
    attrs.add(item("ino", num(ino)));
    if (size != 0) {
      attrs.add(item("size", num(size)));
    }
    if (nlink != 1) {
      attrs.add(item("nlink", num(nlink)));
    }
    return new Stmt.LowerNode(P, Stmt.NodeType.FILE, Word.of(path), attrs);
  }

  /** A root-owned file of group {@code gid} with a set-id mode (SUID-SGID-DROP's worlds). */
  static Stmt lowerSetidFile(String path, long ino, long size, int mode, long gid) {
    return new Stmt.LowerNode(P, Stmt.NodeType.FILE, Word.of(path), List.of(item("ino", num(ino)),
        item("size", num(size)), item("mode", Value.Int.octal(mode)), item("uid", num(0)),
        item("gid", num(gid))));
  }

  static Stmt threadDecl(String thread, long uid, long gid) {
    return new Stmt.ThreadDecl(P, Word.of(thread), List.of(item("uid", num(uid)), item("gid", num(gid))));
  }

  static Stmt lowerDir(String path, long ino) {
    return new Stmt.LowerNode(P, Stmt.NodeType.DIR, Word.of(path), List.of(item("ino", num(ino))));
  }

  static Stmt lowerLink(String path, String target) {
    return new Stmt.LowerLink(P, Word.of(path), Word.of(target));
  }

  static Stmt lowerUnlink(String path) {
    return new Stmt.LowerUnlink(P, Word.of(path));
  }

  static Stmt lowerSet(String path, List<Item> attrs) {
    return new Stmt.LowerSet(P, Word.of(path), attrs);
  }

  static Stmt lowerWrite(String path, long offset, String bytes) {
    return new Stmt.LowerWrite(P, Word.of(path), num(offset), Value.Data.of(bytes));
  }

  // ---- server --------------------------------------------------------------------------------

  static Stmt policy(ServerOp op, String path, ReplyClause r) {
    return new Stmt.ServerPolicy(P, op, Word.of(path), r);
  }

  static ReplyClause openReply(List<String> fopen, List<Item> items) {
    return new ReplyClause.Open(P, flags(Catalog.FOPEN, fopen.isEmpty() ? List.of("cached") : fopen), items);
  }

  static ReplyClause fields(ReplyKind kind, List<Item> items) {
    return new ReplyClause.Fields(P, kind, items);
  }

  static ReplyClause fails(String errno) {
    return new ReplyClause.Fails(P, err(errno));
  }

  static Stmt hold(ServerOp op, String path) {
    return new Stmt.ServerHold(P, op, Optional.ofNullable(path).map(Word::of));
  }

  static Stmt unhold(ServerOp op, String path) {
    return new Stmt.ServerUnhold(P, op, Optional.ofNullable(path).map(Word::of));
  }

  static Stmt reply(String thread, ServerOp op, ReplyClause r) {
    return new Stmt.ServerReply(P, Word.of(thread), op, Optional.ofNullable(r));
  }

  static Stmt backingOpen(String path) {
    return new Stmt.BackingOpen(P, new Stmt.LowerTarget(Word.of(path)), List.of(), ANY);
  }

  static Stmt backingOpenOps(String path, Value.Flags ops) {
    return new Stmt.BackingOpen(P, new Stmt.LowerTarget(Word.of(path)), List.of(item("ops", ops)), ANY);
  }

  /** {@code server backing_open PATH KEY=V} (flags= or padding=: fuse_backing_open's EINVAL). */
  static Stmt backingOpenWith(String path, String key, long v) {
    return new Stmt.BackingOpen(P, new Stmt.LowerTarget(Word.of(path)), List.of(item(key, num(v))), ANY);
  }

  /** {@code server backing_open mount:PATH}: a file on the FUSE mount itself (ELOOP). */
  static Stmt backingOpenOnMount(String path) {
    return new Stmt.BackingOpen(P, new Stmt.MountTarget(P, path), List.of(), ANY);
  }

  static Stmt backingOpenFd(long fd) {
    return new Stmt.BackingOpen(P, new Stmt.FdTarget(P, num(fd)), List.of(), ANY);
  }

  static Stmt backingClose(long id) {
    return new Stmt.BackingClose(P, num(id), ANY);
  }

  static Stmt crash() {
    return new Stmt.ServerCrash(P);
  }

  // ---- steps ---------------------------------------------------------------------------------

  static Stmt call(String thread, Syscall sc, Value... args) {
    return new Stmt.Call(P, Word.of(thread), sc, List.of(args), ANY, List.of());
  }

  static Stmt tick(long seconds) {
    return new Stmt.Tick(P, seconds(seconds));
  }

  static Stmt evict(String path) {
    return new Stmt.Evict(P, Word.of(path));
  }

  static Stmt dropCaches() {
    return new Stmt.DropCaches(P);
  }

  static Stmt umount() {
    return new Stmt.Umount(P);
  }

  /** The blocked form of a call: {@code T1 open("/a", O_RDONLY <unfinished ...>}. */
  static Stmt unfinished(Stmt.Call c) {
    return new Stmt.Unfinished(P, c.thread(), c.syscall(), c.args());
  }

  static Stmt resumed(String thread, Syscall sc) {
    return new Stmt.Resumed(P, Word.of(thread), sc, ANY, List.of());
  }

  /** The thread a statement runs on, or null. */
  static String thread(Stmt s) {
    if (s instanceof Stmt.ThreadStep) {
      return ((Stmt.ThreadStep) s).thread().text();
    }
    if (s instanceof Stmt.ServerReply) {
      return ((Stmt.ServerReply) s).thread().text();
    }
    return null;
  }
}
