package fusesim.traces.lang;

/**
 * An error in a trace file, always reported as {@code FILE:LINE:COL: DETAIL}.
 *
 * <p>Two kinds exist: {@link TraceSyntaxError} (the parser: the text does not follow the grammar
 * of GRAMMAR.md) and {@link TraceSemanticError} (later stages such as replay: the text parses but
 * says something impossible, for example {@code fd 7 was never opened}). Tools print
 * {@link #getMessage()} only, never a stack trace.
 */
public abstract class TraceError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final Pos pos;
  private final String detail;

  /** The longest quoted text a message shows; longer is cut and ends with {@code ...}. */
  public static final int MAX_QUOTED = 80;

  protected TraceError(String file, Pos pos, String detail) {
    super(file + ":" + pos.line() + ":" + pos.col() + ": " + cutQuoted(detail));
    this.file = file;
    this.pos = pos;
    this.detail = cutQuoted(detail);
  }

  /**
   * {@code text} with every double-quoted part ({@code \"} escapes included) whose content is
   * longer than {@link #MAX_QUOTED} characters cut to that many, followed by {@code ...} before the
   * closing quote; an unclosed quote runs to the end and is cut the same way. A trace is untrusted
   * input: a million-character token is not echoed whole.
   */
  public static String cutQuoted(String text) {
    if (text.length() <= MAX_QUOTED) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i++);
      out.append(c);
      if (c != '"') {
        continue;
      }
      int start = i;
      while (i < text.length() && text.charAt(i) != '"') {
        i += text.charAt(i) == '\\' && i + 1 < text.length() ? 2 : 1;
      }
      int end = Math.min(i, text.length());
      if (end - start > MAX_QUOTED) {
        int cut = start + MAX_QUOTED;
        if (text.charAt(cut - 1) == '\\' || Character.isHighSurrogate(text.charAt(cut - 1))) {
          cut--; // not half an escape or half a character
        }
        out.append(text, start, cut).append("...");
      } else {
        out.append(text, start, end);
      }
      if (i < text.length()) {
        out.append('"');
        i++;
      }
    }
    return out.toString();
  }

  /** The file name given to the parser. */
  public String file() {
    return file;
  }

  /** Where the error is. */
  public Pos pos() {
    return pos;
  }

  public int line() {
    return pos.line();
  }

  public int col() {
    return pos.col();
  }

  /** The message without the {@code FILE:LINE:COL: } prefix. */
  public String detail() {
    return detail;
  }
}
