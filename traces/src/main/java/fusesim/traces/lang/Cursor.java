package fusesim.traces.lang;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A read position in the tokens of one line, with the helpers every statement parser needs:
 * looking ahead, demanding a token, and failing with an {@code expected ..., found ...} error at
 * the current token.
 */
final class Cursor {
  static final Pattern THREAD = Pattern.compile("T[0-9]+");

  private final String file;
  private final List<Token> tokens;
  private int i;

  Cursor(String file, List<Token> tokens) {
    this.file = file;
    this.tokens = tokens;
  }

  String file() {
    return file;
  }

  Token peek() {
    return tokens.get(i);
  }

  /** The token {@code k} places ahead (the EOL if past the end). */
  Token peek(int k) {
    return tokens.get(Math.min(i + k, tokens.size() - 1));
  }

  Token next() {
    Token t = tokens.get(i);
    if (!t.is(Token.Kind.EOL)) {
      i++;
    }
    return t;
  }

  boolean at(Token.Kind kind) {
    return peek().is(kind);
  }

  boolean atWord(String word) {
    return peek().isWord(word);
  }

  /** An error at the current token. */
  TraceSyntaxError fail(String expected) {
    return fail(peek(), expected);
  }

  TraceSyntaxError fail(Token at, String expected) {
    return new TraceSyntaxError(file, at.pos(), expected, at.describe());
  }

  /** The next token, which must be of {@code kind}. */
  Token expect(Token.Kind kind, String expected) {
    if (!at(kind)) {
      throw fail(expected);
    }
    return next();
  }

  /** The next token, which must be the word {@code word}. */
  Token expectWord(String word) {
    if (!atWord(word)) {
      throw fail("\"" + word + "\"");
    }
    return next();
  }

  /** The next token, which must be a word matching {@code pattern}. */
  Token word(Pattern pattern, String expected) {
    if (!at(Token.Kind.WORD) || !pattern.matcher(peek().text()).matches()) {
      throw fail(expected);
    }
    return next();
  }

  /** The line must end here. */
  void end() {
    expect(Token.Kind.EOL, "end of line");
  }

  /** A path of the lower tree or the mount: a word starting with {@code /}. */
  Word path() {
    if (!at(Token.Kind.WORD) || !peek().text().startsWith("/")) {
      throw fail("a path like /a");
    }
    TracePaths.check(file, peek().pos(), peek().text(), peek().describe(), false);
    Token t = next();
    return new Word(t.pos(), t.text());
  }

  /** A thread name: {@code T} and digits. */
  Word thread() {
    Token t = word(THREAD, "a thread name like T1");
    return new Word(t.pos(), t.text());
  }
}
