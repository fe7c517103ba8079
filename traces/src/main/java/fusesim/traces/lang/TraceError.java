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

  protected TraceError(String file, Pos pos, String detail) {
    super(file + ":" + pos.line() + ":" + pos.col() + ": " + detail);
    this.file = file;
    this.pos = pos;
    this.detail = detail;
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
