package fusesim.traces.lang;

/**
 * The first place where a trace text does not follow the grammar. The message is exactly
 * {@code FILE:LINE:COL: expected EXPECTED, found FOUND}, where FOUND is a quoted token
 * ({@code "opne"}), a quoted string literal ({@code string "/a"}), {@code end of line} or
 * {@code end of file}.
 */
public final class TraceSyntaxError extends TraceError {
  private static final long serialVersionUID = 1L;

  private final String expected;
  private final String found;

  public TraceSyntaxError(String file, Pos pos, String expected, String found) {
    super(file, pos, "expected " + expected + ", found " + found);
    this.expected = cutQuoted(expected);
    this.found = cutQuoted(found);
  }

  /** What the grammar allows at this place, e.g. {@code an open flag O_*}. */
  public String expected() {
    return expected;
  }

  /** What the text has there, e.g. {@code "O_RDONLYX"} (with the quotes) or {@code end of line}. */
  public String found() {
    return found;
  }
}
