package fusesim.traces.lang;

/**
 * One token of a trace line. {@code text} is the source text (for a string, with its quotes);
 * {@code value} is the unescaped content of a string and equals {@code text} otherwise.
 */
record Token(Kind kind, String text, String value, Pos pos) {

  /** Token kinds; see {@link Lexer} for how text splits into them. */
  enum Kind {
    WORD, STRING, LPAREN, RPAREN, COMMA, EQ, LBRACE, RBRACE, PIPE,
    /** {@code [} and {@code ]}: an iovec list ({@code preadv(3, [4, 4], 0)}). */
    LBRACKET, RBRACKET,
    /** {@code <unfinished ...>} */
    UNFINISHED,
    /** {@code <...} */
    RESUMED,
    /** The end of the line (also: a comment). */
    EOL
  }

  boolean is(Kind k) {
    return kind == k;
  }

  boolean isWord(String word) {
    return kind == Kind.WORD && text.equals(word);
  }

  /** How this token appears after "found" in an error message. */
  String describe() {
    switch (kind) {
      case EOL:
        return "end of line";
      case STRING:
        return "string " + text;
      default:
        return "\"" + text + "\"";
    }
  }
}
