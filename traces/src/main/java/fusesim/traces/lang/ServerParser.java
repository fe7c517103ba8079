package fusesim.traces.lang;

import fusesim.model.Errno;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Parses the lines that start with {@code server}: policies, holds, replies, ioctls, notify. */
final class ServerParser {
  private static final String EXPECTED_ACTION =
      "a server action (like, hold, unhold, reply, backing_open, backing_close, crash, notify, fault)"
          + " or an opcode (lookup, getattr, open, create, ...)";

  private ServerParser() {}

  static Stmt parse(Cursor c) {
    Token server = c.next();
    Pos pos = server.pos();
    Token action = c.peek();
    if (!action.is(Token.Kind.WORD)) {
      throw c.fail(EXPECTED_ACTION);
    }
    switch (action.text()) {
      case "hold":
      case "unhold":
        return hold(c, pos);
      case "reply":
        return reply(c, pos);
      case "backing_open":
        return backingOpen(c, pos);
      case "backing_close":
        return backingClose(c, pos);
      case "crash":
        c.next();
        c.end();
        return new Stmt.ServerCrash(pos);
      case "notify":
        return notify(c, pos);
      case "fault":
        return fault(c, pos);
      case "like": {
        c.next();
        Token t = c.peek();
        Optional<ServerPreset> preset = t.is(Token.Kind.WORD) ? ServerPreset.parse(t.text()) : Optional.empty();
        if (preset.isEmpty()) {
          throw c.fail("a server preset (" + ServerPreset.words() + ")");
        }
        c.next();
        c.end();
        return new Stmt.ServerLike(pos, preset.get());
      }
      default:
        return policy(c, pos);
    }
  }

  private static Stmt policy(Cursor c, Pos pos) {
    if (ServerOp.parse(c.peek().text()).isEmpty()) {
      throw c.fail(EXPECTED_ACTION);
    }
    ServerOp op = op(c);
    Word path = c.path();
    ReplyClause reply = reply(c, op);
    c.end();
    return new Stmt.ServerPolicy(pos, op, path, reply);
  }

  private static ServerOp op(Cursor c) {
    Token t = c.peek();
    Optional<ServerOp> op = t.is(Token.Kind.WORD) ? ServerOp.parse(t.text()) : Optional.empty();
    if (op.isEmpty()) {
      throw c.fail("a FUSE opcode in lower case (lookup, getattr, open, create, read, ...)");
    }
    c.next();
    return op.get();
  }

  private static Stmt hold(Cursor c, Pos pos) {
    boolean hold = c.next().text().equals("hold");
    ServerOp op = op(c);
    Optional<Word> path = c.at(Token.Kind.EOL) ? Optional.empty() : Optional.of(c.path());
    c.end();
    return hold ? new Stmt.ServerHold(pos, op, path) : new Stmt.ServerUnhold(pos, op, path);
  }

  private static Stmt reply(Cursor c, Pos pos) {
    c.next();
    Word thread = c.thread();
    ServerOp op = op(c);
    Optional<ReplyClause> reply = c.at(Token.Kind.EOL) ? Optional.empty() : Optional.of(reply(c, op));
    c.end();
    return new Stmt.ServerReply(pos, thread, op, reply);
  }

  /** A reply to {@code op}: an errno, {@code default}, or one of the op's reply kinds. */
  static ReplyClause reply(Cursor c, ServerOp op) {
    Token t = c.peek();
    if (!t.is(Token.Kind.WORD)) {
      throw c.fail(expectedReply(op));
    }
    if (t.isWord("default")) {
      c.next();
      return new ReplyClause.Default(t.pos());
    }
    if (Errno.parse(t.text()).isPresent()) {
      return new ReplyClause.Fails(t.pos(), Values.errno(c));
    }
    Optional<ReplyKind> kind = ReplyKind.byKeyword(t.text());
    if (kind.isPresent() && op.replies().contains(kind.get())) {
      c.next();
      List<Item> items = Values.items(c, op.replyKeys(kind.get()), "a key of " + t.text());
      return new ReplyClause.Fields(t.pos(), kind.get(), items);
    }
    if (kind.isEmpty() && op.replies().contains(ReplyKind.OPEN)) {
      Value.Flags flags = Values.flags(c, Catalog.FOPEN, true);
      List<Item> items = Values.items(c, ReplyKind.OPEN.keys(), "a key of an open reply");
      return new ReplyClause.Open(t.pos(), flags, items);
    }
    throw c.fail(expectedReply(op));
  }

  private static String expectedReply(ServerOp op) {
    List<String> forms = new ArrayList<>();
    for (ReplyKind k : op.replies()) {
      forms.add(k == ReplyKind.OPEN ? "open flags like keep_cache or passthrough" : k.keyword());
    }
    forms.add("an errno");
    forms.add("default");
    return "a reply to " + op.word() + " (" + String.join(", ", forms) + ")";
  }

  private static Stmt backingOpen(Cursor c, Pos pos) {
    c.next();
    Stmt.BackingTarget target = target(c);
    List<Item> params = Values.items(c, Catalog.BACKING_OPEN_PARAMS, "a backing_open parameter");
    c.expect(Token.Kind.EQ, "\"=\" and the expected result, or a parameter "
        + Values.keyList(Catalog.BACKING_OPEN_PARAMS));
    Outcome outcome = ioctlOutcome(c);
    c.end();
    return new Stmt.BackingOpen(pos, target, params, outcome);
  }

  private static Stmt.BackingTarget target(Cursor c) {
    Token t = c.peek();
    if (t.isWord("fd") && c.peek(1).is(Token.Kind.EQ)) {
      c.next();
      c.next();
      return new Stmt.FdTarget(t.pos(), Values.integer(c, "an fd number"));
    }
    if (t.is(Token.Kind.WORD) && t.text().startsWith("mount:/")) {
      TracePaths.check(c.file(), t.pos().plusCols("mount:".length()), t.text().substring("mount:".length()),
          t.describe(), false);
      c.next();
      return new Stmt.MountTarget(t.pos(), t.text().substring("mount:".length()));
    }
    if (t.is(Token.Kind.WORD) && t.text().startsWith("/")) {
      return new Stmt.LowerTarget(c.path());
    }
    throw c.fail("a backing file (a lower path like /a, fd=N or mount:/a)");
  }

  private static Stmt backingClose(Cursor c, Pos pos) {
    c.next();
    Value.Int id = Values.integer(c, "a backing id");
    c.expect(Token.Kind.EQ, "\"=\" and the expected result");
    Outcome outcome = ioctlOutcome(c);
    c.end();
    return new Stmt.BackingClose(pos, id, outcome);
  }

  /** The result of an ioctl: an integer or {@code -1 ERRNO}. */
  private static Outcome ioctlOutcome(Cursor c) {
    Token t = c.peek();
    Value.Int v = Values.integer(c, "a result (an integer or -1 ERRNO)");
    if (v.value() == -1) {
      return new Outcome.Fails(t.pos(), Values.errno(c));
    }
    return new Outcome.Returns(t.pos(), v);
  }

  /** {@code server fault OP FAULT}: OP any opcode in lower case (the faulted reply is its). */
  private static Stmt fault(Cursor c, Pos pos) {
    c.next();
    Token t = c.peek();
    fusesim.model.Opcode op = t.is(Token.Kind.WORD) && t.text().equals(t.text().toLowerCase(java.util.Locale.ROOT))
        ? fusesim.model.Opcode.named(t.text()) : null;
    if (op == null || op == fusesim.model.Opcode.INIT || op == fusesim.model.Opcode.FORGET
        || op == fusesim.model.Opcode.BATCH_FORGET || op == fusesim.model.Opcode.INTERRUPT) {
      throw c.fail("a FUSE opcode in lower case whose request gets a reply (lookup, getattr, read, ...)");
    }
    c.next();
    Token f = c.peek();
    Optional<fusesim.model.fuse.ReplyFault> fault = f.is(Token.Kind.WORD)
        ? fusesim.model.fuse.ReplyFault.parse(f.text()) : Optional.empty();
    if (fault.isEmpty()) {
      throw c.fail("a wire fault (" + fusesim.model.fuse.ReplyFault.words() + ")");
    }
    c.next();
    c.end();
    return new Stmt.ServerFault(pos, op, fault.get());
  }

  private static Stmt notify(Cursor c, Pos pos) {
    c.next();
    Optional<Stmt.NotifyKind> kind =
        Catalog.byWord(Stmt.NotifyKind.values(), Stmt.NotifyKind::word, c.peek().text());
    if (!c.at(Token.Kind.WORD) || kind.isEmpty()) {
      throw c.fail("a notification (inval_entry, inval_inode, prune)");
    }
    c.next();
    Word path = c.path();
    c.end();
    return new Stmt.ServerNotify(pos, kind.get(), path);
  }
}
