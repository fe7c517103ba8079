package fusesim.traces.lang;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parses strace-like thread steps: {@code T1 open("/a", O_RDONLY) = 3},
 * {@code T1 stat("/a" <unfinished ...>} and {@code T1 <... stat resumed>) = 0}, checking each
 * argument against the {@link Syscall} catalog.
 */
final class StepParser {
  private static final String EXPECTED_SYSCALL = "a syscall name (open, close, read, ...)";

  private StepParser() {}

  static Stmt parse(Cursor c) {
    Word thread = c.thread();
    if (c.at(Token.Kind.RESUMED)) {
      return resumed(c, thread);
    }
    Syscall sys = syscall(c);
    c.expect(Token.Kind.LPAREN, "\"(\" after " + sys.word());
    List<Value> args = args(c, sys);
    if (c.at(Token.Kind.UNFINISHED)) {
      c.next();
      c.end();
      return new Stmt.Unfinished(thread.pos(), thread, sys, args);
    }
    c.expect(Token.Kind.RPAREN, "\")\"");
    c.expect(Token.Kind.EQ, "\"=\" and the result");
    Outcome outcome = outcome(c, sys);
    List<Item> checks = checks(c, sys);
    c.end();
    return new Stmt.Call(thread.pos(), thread, sys, args, outcome, checks);
  }

  private static Stmt resumed(Cursor c, Word thread) {
    c.next();
    Syscall sys = syscall(c);
    c.expectWord("resumed>");
    c.expect(Token.Kind.RPAREN, "\")\" after \"resumed>\"");
    c.expect(Token.Kind.EQ, "\"=\" and the result");
    Outcome outcome = outcome(c, sys);
    List<Item> checks = checks(c, sys);
    c.end();
    return new Stmt.Resumed(thread.pos(), thread, sys, outcome, checks);
  }

  private static Syscall syscall(Cursor c) {
    Token t = c.peek();
    Optional<Syscall> sys = t.is(Token.Kind.WORD) ? Syscall.parse(t.text()) : Optional.empty();
    if (sys.isEmpty()) {
      throw c.fail(EXPECTED_SYSCALL);
    }
    c.next();
    return sys.get();
  }

  private static List<Value> args(Cursor c, Syscall sys) {
    List<ArgKind> kinds = sys.args();
    List<Value> args = new ArrayList<>();
    args.add(arg(c, kinds.get(0)));
    while (c.at(Token.Kind.COMMA)) {
      if (args.size() == kinds.size()) {
        throw c.fail("\")\" (" + sys.word() + " takes " + arity(sys) + ")");
      }
      c.next();
      args.add(arg(c, kinds.get(args.size())));
    }
    if (args.size() < sys.requiredArgs()) {
      throw c.fail("\",\" and " + kinds.get(args.size()).description() + " (" + sys.word()
          + " takes " + arity(sys) + ")");
    }
    if (!c.at(Token.Kind.RPAREN) && !c.at(Token.Kind.UNFINISHED)) {
      throw c.fail(args.size() < kinds.size() ? "\",\", \")\" or \"<unfinished ...>\""
          : "\")\" or \"<unfinished ...>\"");
    }
    return args;
  }

  private static String arity(Syscall sys) {
    int max = sys.args().size();
    String n = sys.requiredArgs() == max ? String.valueOf(max) : sys.requiredArgs() + " or " + max;
    return n + (max == 1 ? " argument" : " arguments");
  }

  private static Value arg(Cursor c, ArgKind kind) {
    if (kind.flags().isPresent()) {
      return Values.flags(c, kind.flags().get(), false);
    }
    if (kind.isInteger()) {
      return Values.integer(c, kind.description());
    }
    if (kind == ArgKind.IOV) {
      return Values.iov(c);
    }
    if (kind == ArgKind.TIMES) {
      return Values.times(c);
    }
    Token t = c.peek();
    if ((kind == ArgKind.PATH || kind == ArgKind.TARGET || kind == ArgKind.XNAME) && t.is(Token.Kind.STRING)) {
      if (kind == ArgKind.PATH) {
        TracePaths.check(c.file(), t.pos(), t.value(), t.describe(), true);
      }
      c.next();
      return new Value.Str(t.pos(), t.value());
    }
    if (kind == ArgKind.MAP && t.is(Token.Kind.WORD) && Values.isMapping(t.text())) {
      c.next();
      return new Value.Sym(t.pos(), t.text());
    }
    throw c.fail(kind.description());
  }

  /** The result after {@code =}: an integer, {@code -1 ERRNO}, a mapping (mmap) or {@code ?}. */
  private static Outcome outcome(Cursor c, Syscall sys) {
    Token t = c.peek();
    if (t.isWord("?")) {
      c.next();
      return new Outcome.Any(t.pos());
    }
    if (sys.returnsMapping() && t.is(Token.Kind.WORD) && Values.isMapping(t.text())) {
      c.next();
      return new Outcome.Maps(t.pos(), t.text());
    }
    String expected = sys.returnsMapping() ? "a result (a mapping name like m1, -1 ERRNO or ?)"
        : "a result (an integer, -1 ERRNO or ?)";
    Optional<Long> v = t.is(Token.Kind.WORD) ? Values.parseInteger(t.text()) : Optional.empty();
    if (v.isEmpty() || sys.returnsMapping() && v.get() != -1) {
      throw c.fail(expected);
    }
    Value.Int value = Values.integer(c, expected);
    if (value.value() == -1) {
      return new Outcome.Fails(t.pos(), Values.errno(c));
    }
    return new Outcome.Returns(t.pos(), value, readData(c, sys, value));
  }

  /**
   * The bytes a read returned, after its count: {@code read(3, 4) = 4 "abcd"}; they must be as
   * many as the count says.
   */
  private static Value.Data readData(Cursor c, Syscall sys, Value.Int count) {
    if (!(sys == Syscall.READ || sys == Syscall.PREAD || sys == Syscall.PREADV) || !c.at(Token.Kind.STRING)) {
      return null;
    }
    Value.Data d = Values.data(c);
    if (d.bytes().length() != count.value()) {
      throw new TraceSyntaxError(c.file(), d.pos(), count.value() + " bytes of data (the result)",
          d.bytes().length() + " bytes");
    }
    return d;
  }

  /** The optional {@code {k=v ...}} after the result. */
  private static List<Item> checks(Cursor c, Syscall sys) {
    if (!c.at(Token.Kind.LBRACE)) {
      return List.of();
    }
    Map<String, ValueKind> keys = sys.checkKeys();
    if (keys.isEmpty()) {
      throw c.fail("end of line (" + sys.word() + " returns no struct to check)");
    }
    c.next();
    List<Item> checks = Values.items(c, keys, "a field of " + sys.word());
    c.expect(Token.Kind.RBRACE, "\"}\" or a field " + Values.keyList(keys));
    return checks;
  }
}
