package fusesim.traces.lang;

/**
 * An error found after parsing (by replay or another consumer of the AST), reported in the same
 * {@code FILE:LINE:COL: MESSAGE} form as syntax errors, e.g.
 * {@code t.trace:7:10: fd 7 was never opened}.
 */
public final class TraceSemanticError extends TraceError {
  private static final long serialVersionUID = 1L;

  private TraceSemanticError(String file, Pos pos, String message) {
    super(file, pos, message);
  }

  /** An error at {@code pos} of {@code file}; {@code message} has no position prefix. */
  public static TraceSemanticError at(String file, Pos pos, String message) {
    return new TraceSemanticError(file, pos, message);
  }

  /** An error at a node's position in a parsed trace. */
  public static TraceSemanticError at(Trace trace, Pos pos, String message) {
    return new TraceSemanticError(trace.file(), pos, message);
  }
}
