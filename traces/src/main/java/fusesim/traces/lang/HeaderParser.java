package fusesim.traces.lang;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Collects the header lines ({@code trace:}, {@code semantics:}, {@code assume:}, {@code result:},
 * {@code doc:}) in any order, each of the single ones at most once, and builds the {@link Header}
 * when the first statement (or the end of file) shows the header is over.
 */
final class HeaderParser {
  static final List<String> KEYWORDS = List.of("trace:", "semantics:", "assume:", "result:", "doc:");

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern ASSUMPTION_ID = Pattern.compile("[A-Z]+[0-9]+");
  private static final Pattern CHOICE = Pattern.compile("[a-z0-9._-]+");
  private static final Pattern INVARIANT = Pattern.compile("[A-Z0-9-]+");
  private static final Pattern SEMANTICS = Pattern.compile("mainline|v1|v2(@.*)?");
  private static final String SEMANTICS_EXPECTED = "mainline, v1, v2 or v2@K (K = 0..21)";

  private Token traceKeyword;
  private Word name;
  private Optional<Header.Semantics> semantics = Optional.empty();
  private final List<Header.Assumption> assumptions = new ArrayList<>();
  private Header.Verdict verdict;
  private final List<Header.Doc> docs = new ArrayList<>();

  /** Parses one header line whose first token is a header keyword other than {@code doc:}. */
  void line(Cursor c) {
    Token keyword = c.next();
    switch (keyword.text()) {
      case "trace:":
        trace(c, keyword);
        break;
      case "semantics:":
        semantics(c, keyword);
        break;
      case "assume:":
        assume(c, keyword);
        break;
      default:
        result(c, keyword);
        break;
    }
    c.end();
  }

  /** A {@code doc:} line; {@code text} is everything after the colon. */
  void doc(Pos pos, String text) {
    docs.add(new Header.Doc(pos, text.strip()));
  }

  private void trace(Cursor c, Token keyword) {
    once(c, keyword, traceKeyword == null ? null : traceKeyword.pos());
    traceKeyword = keyword;
    Token t = c.word(NAME, "a trace name ([A-Za-z0-9._-]+)");
    name = new Word(t.pos(), t.text());
  }

  private void semantics(Cursor c, Token keyword) {
    once(c, keyword, semantics.map(Header.Semantics::pos).orElse(null));
    Token t = c.word(SEMANTICS, SEMANTICS_EXPECTED);
    String text = t.text();
    Optional<Integer> patches = Optional.empty();
    if (text.startsWith("v2@")) {
      patches = Optional.of(patchCount(c, t));
    }
    Header.Series series =
        text.equals("mainline") ? Header.Series.MAINLINE
            : text.equals("v1") ? Header.Series.V1 : Header.Series.V2;
    semantics = Optional.of(new Header.Semantics(keyword.pos(), series, patches));
  }

  private static int patchCount(Cursor c, Token t) {
    String k = t.text().substring(3);
    Optional<Long> v = k.matches("[0-9]+") ? Values.parseInteger(k) : Optional.empty();
    if (v.isEmpty() || v.get() > Catalog.V2_PATCHES) {
      String expected = "a patch count 0.." + Catalog.V2_PATCHES + " after v2@";
      throw k.isEmpty() ? c.fail(t, expected)
          : new TraceSyntaxError(c.file(), t.pos().plusCols(3), expected, "\"" + k + "\"");
    }
    return v.get().intValue();
  }

  private void assume(Cursor c, Token keyword) {
    Token id = c.word(ASSUMPTION_ID, "an assumption id like A3");
    c.expect(Token.Kind.EQ, "\"=\" after the assumption id");
    Token choice = c.word(CHOICE, "a choice ([a-z0-9._-]+)");
    assumptions.add(new Header.Assumption(keyword.pos(), new Word(id.pos(), id.text()),
        new Word(choice.pos(), choice.text())));
  }

  private void result(Cursor c, Token keyword) {
    once(c, keyword, verdict == null ? null : verdict.pos());
    if (c.atWord("pass")) {
      c.next();
      verdict = new Header.Verdict(keyword.pos(), Optional.empty(), Optional.empty());
      return;
    }
    if (!c.atWord("violates")) {
      throw c.fail("pass or violates INVARIANT-ID");
    }
    c.next();
    Token inv = c.word(INVARIANT, "an invariant id ([A-Z0-9-]+)");
    Optional<Value.Int> atLine = Optional.empty();
    if (c.atWord("at")) {
      c.next();
      c.expectWord("line");
      atLine = Optional.of(Values.integer(c, "a line number"));
    }
    verdict = new Header.Verdict(keyword.pos(), Optional.of(new Word(inv.pos(), inv.text())),
        atLine);
  }

  private static void once(Cursor c, Token keyword, Pos first) {
    if (first != null) {
      throw c.fail(keyword, "a single \"" + keyword.text() + "\" line (already given at line "
          + first.line() + ")");
    }
  }

  /**
   * The header, once the header lines are over; {@code next} is where the body starts (the first
   * statement's first token, or end of file), where a missing line is reported.
   */
  Header finish(String file, Pos next, String found) {
    if (traceKeyword == null) {
      throw new TraceSyntaxError(file, next, "a \"trace: NAME\" line to start the trace", found);
    }
    if (verdict == null) {
      throw new TraceSyntaxError(file, next,
          "a \"result:\" line in the header (result: pass, or result: violates ID)", found);
    }
    return new Header(traceKeyword.pos(), name, semantics, assumptions, verdict, docs);
  }
}
