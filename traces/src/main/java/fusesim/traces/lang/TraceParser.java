package fusesim.traces.lang;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses trace text (GRAMMAR.md) into a {@link Trace}. The text is read line by line; the first
 * error stops the parse with a {@link TraceSyntaxError} naming {@code file:line:col}, what the
 * grammar expected there and what the text has.
 *
 * <p>Besides the grammar the parser checks what needs no replay: names against the catalogs
 * (syscalls, flags, errnos, opcodes, options, keys), the header (one {@code trace:} and one
 * {@code result:}, before any statement), one {@code mount} before any thread step, and that
 * {@code result: violates ID at line N} names the line of a statement.
 */
public final class TraceParser {
  private final String file;
  private final HeaderParser header = new HeaderParser();
  private final List<Stmt> body = new ArrayList<>();
  private Header finished;
  private Stmt.Mount mount;
  private Stmt firstThreadStep;

  private TraceParser(String file) {
    this.file = file;
  }

  /**
   * Parses {@code text}; {@code fileName} is only used in error messages and kept in the trace.
   *
   * @throws TraceSyntaxError at the first place the text does not follow the grammar
   */
  public static Trace parse(String fileName, String text) {
    return new TraceParser(fileName).run(text);
  }

  private Trace run(String text) {
    String[] lines = text.split("\r?\n", -1);
    int count = lines.length;
    if (count > 0 && lines[count - 1].isEmpty()) {
      count--;
    }
    for (int n = 0; n < count; n++) {
      line(n + 1, lines[n]);
    }
    if (finished == null) {
      finished = header.finish(file, new Pos(count + 1, 1), "end of file");
    }
    Trace trace = new Trace(file, finished, body);
    checkAtLine(trace);
    return trace;
  }

  private void line(int number, String text) {
    String stripped = text.stripLeading();
    if (stripped.startsWith("doc:")) {
      doc(number, text, stripped);
      return;
    }
    List<Token> tokens = splitHeaderKeyword(Lexer.tokenize(file, number, text));
    Cursor c = new Cursor(file, tokens);
    Token first = c.peek();
    if (first.is(Token.Kind.EOL)) {
      return;
    }
    if (finished == null && HeaderParser.KEYWORDS.contains(first.text())) {
      header.line(c);
      return;
    }
    if (finished == null) {
      finished = header.finish(file, first.pos(), first.describe());
    }
    body.add(statement(c));
  }

  private void doc(int number, String text, String stripped) {
    Pos pos = new Pos(number, text.length() - stripped.length() + 1);
    if (finished != null) {
      throw new TraceSyntaxError(file, pos, "a statement (header lines come before the body)",
          "\"doc:\"");
    }
    header.doc(pos, stripped.substring("doc:".length()));
  }

  /** {@code trace:name} without a space is read as {@code trace: name}. */
  private static List<Token> splitHeaderKeyword(List<Token> tokens) {
    Token first = tokens.get(0);
    for (String k : HeaderParser.KEYWORDS) {
      if (first.is(Token.Kind.WORD) && first.text().startsWith(k) && first.text().length() > k.length()) {
        List<Token> split = new ArrayList<>(tokens);
        String rest = first.text().substring(k.length());
        split.set(0, new Token(Token.Kind.WORD, k, k, first.pos()));
        split.add(1, new Token(Token.Kind.WORD, rest, rest, first.pos().plusCols(k.length())));
        return split;
      }
    }
    return tokens;
  }

  private Stmt statement(Cursor c) {
    Token first = c.peek();
    String word = first.is(Token.Kind.WORD) ? first.text() : "";
    if (Cursor.THREAD.matcher(word).matches()) {
      Stmt step = StepParser.parse(c);
      if (firstThreadStep == null) {
        firstThreadStep = step;
      }
      return step;
    }
    switch (word) {
      case "mount":
        return mount(c);
      case "lower":
        return StmtParser.lower(c);
      case "thread":
        return StmtParser.thread(c);
      case "server":
        return ServerParser.parse(c);
      case "tick":
        return StmtParser.tick(c);
      case "evict":
        return StmtParser.evict(c);
      case "drop_caches":
      case "umount":
        return StmtParser.bare(c);
      case "expect":
        return StmtParser.expect(c);
      default:
        throw c.fail(HeaderParser.KEYWORDS.contains(word)
            ? "a statement (header lines come before the body)"
            : "a statement (mount, lower, thread, server, expect, tick, evict, drop_caches,"
                + " umount, or a thread step like T1 open(...))");
    }
  }

  private Stmt mount(Cursor c) {
    if (mount != null) {
      throw c.fail("at most one mount line (the first is at line " + mount.line() + ")");
    }
    if (firstThreadStep != null) {
      throw c.fail("mount before the first thread step (line " + firstThreadStep.line() + ")");
    }
    mount = (Stmt.Mount) StmtParser.mount(c);
    return mount;
  }

  private void checkAtLine(Trace trace) {
    Header.Verdict verdict = trace.header().verdict();
    if (verdict.atLine().isEmpty()) {
      return;
    }
    Value.Int n = verdict.atLine().get();
    if (trace.stmtAtLine((int) Math.min(n.value(), Integer.MAX_VALUE)).isEmpty()
        || n.value() < 1) {
      throw new TraceSyntaxError(file, n.pos(), "the line number of a statement of this trace",
          "\"" + n.text() + "\"");
    }
  }
}
