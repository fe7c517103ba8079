package fusesim.traces.lang;

import fusesim.model.Opcode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Parses the world statements, the simple steps and the expectations. */
final class StmtParser {
  private StmtParser() {}

  static Stmt mount(Cursor c) {
    Pos pos = c.next().pos();
    List<Stmt.MountArg> options = new ArrayList<>();
    Set<MountOption> seen = new HashSet<>();
    while (!c.at(Token.Kind.EOL)) {
      Stmt.MountArg arg = mountArg(c);
      if (!seen.add(arg.option())) {
        throw new TraceSyntaxError(c.file(), arg.pos(), "each mount option once",
            "a second \"" + arg.option().word() + "\"");
      }
      options.add(arg);
    }
    return new Stmt.Mount(pos, options);
  }

  private static Stmt.MountArg mountArg(Cursor c) {
    Token t = c.peek();
    Optional<MountOption> opt =
        t.is(Token.Kind.WORD) ? MountOption.parse(t.text()) : Optional.empty();
    if (opt.isEmpty()) {
      throw c.fail("a mount option (passthrough, passthrough_ino, writeback_cache, no_open,"
          + " max_stack_depth=N, ...)");
    }
    c.next();
    Optional<ValueKind> kind = opt.get().valueKind();
    if (kind.isEmpty()) {
      if (c.at(Token.Kind.EQ)) {
        throw c.fail("a space or end of line (" + t.text() + " takes no value)");
      }
      return new Stmt.MountArg(t.pos(), opt.get(), Optional.empty());
    }
    c.expect(Token.Kind.EQ, "\"=\" (" + t.text() + " needs " + kind.get().description() + ")");
    return new Stmt.MountArg(t.pos(), opt.get(), Optional.of(Values.value(c, kind.get())));
  }

  static Stmt lower(Cursor c) {
    Pos pos = c.next().pos();
    Token kind = c.peek();
    for (Stmt.NodeType type : Stmt.NodeType.values()) {
      if (kind.isWord(type.word())) {
        c.next();
        Word path = c.path();
        List<Item> attrs = Values.items(c, Catalog.LOWER_ATTRS, "an attribute");
        c.end();
        return new Stmt.LowerNode(pos, type, path, attrs);
      }
    }
    if (kind.isWord("link")) {
      c.next();
      Word path = c.path();
      c.expectWord("->");
      Word target = c.path();
      c.end();
      return new Stmt.LowerLink(pos, path, target);
    }
    if (kind.isWord("unlink")) {
      c.next();
      Word path = c.path();
      c.end();
      return new Stmt.LowerUnlink(pos, path);
    }
    if (kind.isWord("set")) {
      return lowerSet(c, pos);
    }
    if (kind.isWord("write")) {
      return lowerWrite(c, pos);
    }
    throw c.fail("a lower kind (file, dir, chr, fifo, link, unlink, set, write)");
  }

  /** {@code lower write PATH offset=N "DATA"}. */
  private static Stmt lowerWrite(Cursor c, Pos pos) {
    c.next();
    Word path = c.path();
    c.expectWord("offset");
    c.expect(Token.Kind.EQ, "\"=\" after offset");
    Value.Int off = Values.integer(c, "an offset");
    if (off.value() < 0) {
      throw new TraceSyntaxError(c.file(), off.pos(), "an offset >= 0", off.text());
    }
    Value.Data data = Values.data(c);
    c.end();
    return new Stmt.LowerWrite(pos, path, off, data);
  }

  private static Stmt lowerSet(Cursor c, Pos pos) {
    c.next();
    Word path = c.path();
    List<Item> attrs = Values.items(c, Catalog.LOWER_ATTRS, "an attribute");
    if (attrs.isEmpty()) {
      throw c.fail("an attribute to set " + Values.keyList(Catalog.LOWER_ATTRS));
    }
    c.end();
    return new Stmt.LowerSet(pos, path, attrs);
  }

  static Stmt thread(Cursor c) {
    Pos pos = c.next().pos();
    Word thread = c.thread();
    List<Item> creds = Values.items(c, Catalog.THREAD_CREDS, "a credential");
    c.end();
    return new Stmt.ThreadDecl(pos, thread, creds);
  }

  static Stmt tick(Cursor c) {
    Pos pos = c.next().pos();
    Value.Time duration = Values.time(c, false);
    c.end();
    return new Stmt.Tick(pos, duration);
  }

  static Stmt evict(Cursor c) {
    Pos pos = c.next().pos();
    Word path = c.path();
    c.end();
    return new Stmt.Evict(pos, path);
  }

  /** {@code drop_caches} or {@code umount}. */
  static Stmt bare(Cursor c) {
    Token t = c.next();
    c.end();
    return t.text().equals("umount") ? new Stmt.Umount(t.pos()) : new Stmt.DropCaches(t.pos());
  }

  static Stmt expect(Cursor c) {
    Pos pos = c.next().pos();
    Token what = c.peek();
    Stmt s;
    if (what.isWord("requests")) {
      s = requests(c, pos);
    } else if (what.isWord("no")) {
      c.next();
      s = new Stmt.ExpectNo(pos, opcode(c));
    } else if (what.isWord("inode")) {
      c.next();
      Word path = c.path();
      s = new Stmt.ExpectInode(pos, path, stateItems(c, Catalog.EXPECT_INODE, "an inode key"));
    } else if (what.isWord("backing")) {
      c.next();
      Value.Int id = Values.integer(c, "a backing id");
      s = new Stmt.ExpectBacking(pos, id, stateItems(c, Catalog.EXPECT_BACKING, "a backing key"));
    } else if (what.isWord("file")) {
      c.next();
      Value.Int fd = Values.integer(c, "an fd number");
      s = new Stmt.ExpectFile(pos, fd, stateItems(c, Catalog.EXPECT_FILE, "a file key"));
    } else if (what.isWord("conn")) {
      c.next();
      s = new Stmt.ExpectConn(pos, stateItems(c, Catalog.EXPECT_CONN, "a connection key"));
    } else {
      throw c.fail("an expectation (requests, no, inode, backing, file, conn)");
    }
    c.end();
    return s;
  }

  private static List<Item> stateItems(Cursor c, Map<String, ValueKind> keys,
      String what) {
    List<Item> items = Values.items(c, keys, what);
    if (items.isEmpty()) {
      throw c.fail(what + " " + Values.keyList(keys));
    }
    return items;
  }

  private static Stmt requests(Cursor c, Pos pos) {
    c.next();
    List<Stmt.Request> requests = new ArrayList<>();
    while (!c.at(Token.Kind.EOL)) {
      requests.add(request(c));
    }
    return new Stmt.ExpectRequests(pos, requests);
  }

  private static Stmt.Request request(Cursor c) {
    Pos pos = c.peek().pos();
    Opcode op = opcode(c);
    c.expect(Token.Kind.LPAREN, "\"(\" and the nodeid");
    Value.Int nodeid = Values.integer(c, "a nodeid");
    Optional<Value> arg = Optional.empty();
    if (op == Opcode.FORGET) {
      c.expect(Token.Kind.COMMA, "\",\" and the nlookup count (FORGET(NODEID,NLOOKUP))");
      arg = Optional.of(Values.integer(c, "an nlookup count"));
    } else if (c.at(Token.Kind.COMMA) && c.peek(1).is(Token.Kind.STRING)
        && !fusesim.model.fuse.RequestFields.namesXattr(op)) { // an xattr name is the field name="..."
      c.next();
      Token name = c.next();
      arg = Optional.of(new Value.Str(name.pos(), name.value()));
    }
    Optional<Value> field = Optional.empty();
    if (arg.isPresent() && (op == Opcode.MKNOD || op == Opcode.SYMLINK || op == Opcode.LINK)) {
      field = Optional.of(field(c, op));
    }
    List<Stmt.ReqField> fields = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    while (op != Opcode.FORGET && c.at(Token.Kind.COMMA)) {
      c.next();
      Stmt.ReqField f = RequestFieldParser.field(c, op, arg.isPresent());
      if (!seen.add(f.name())) {
        throw new TraceSyntaxError(c.file(), f.pos(), "each field of " + op + " once",
            "a second \"" + f.name() + "\"");
      }
      fields.add(f);
    }
    c.expect(Token.Kind.RPAREN, RequestFieldParser.closing(op, arg.isPresent()));
    return new Stmt.Request(pos, op, nodeid, arg, field, fields);
  }

  /** The in-arg field of MKNOD (mode), SYMLINK (target) or LINK (old nodeid). */
  private static Value field(Cursor c, Opcode op) {
    if (op == Opcode.SYMLINK) {
      c.expect(Token.Kind.COMMA, "\",\" and the link target (SYMLINK(NODEID,\"NAME\",\"TARGET\"))");
      Token t = c.expect(Token.Kind.STRING, "a link target string like \"a\"");
      return new Value.Str(t.pos(), t.value());
    }
    c.expect(Token.Kind.COMMA, op == Opcode.MKNOD ? "\",\" and the mode (MKNOD(NODEID,\"NAME\",MODE))"
        : "\",\" and the old nodeid (LINK(NODEID,\"NAME\",OLDNODEID))");
    return Values.integer(c, op == Opcode.MKNOD ? "a mode like 0100644" : "a nodeid");
  }

  private static Opcode opcode(Cursor c) {
    Token t = c.peek();
    Optional<Opcode> op = t.is(Token.Kind.WORD) ? Opcode.parse(t.text()) : Optional.empty();
    if (op.isEmpty()) {
      throw c.fail("a FUSE opcode (LOOKUP, GETATTR, OPEN, READ, FLUSH, RELEASE, FORGET, ...)");
    }
    c.next();
    return op.get();
  }
}
