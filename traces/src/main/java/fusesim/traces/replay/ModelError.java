package fusesim.traces.replay;

import fusesim.traces.lang.Pos;
import fusesim.traces.lang.TraceError;

/**
 * The model broke one of its own assertions ({@code fusesim.model.ModelAssert}, or an
 * {@code assert} in model code) while running a statement: a model bug, not a fault of the trace,
 * reported at the statement as {@code FILE:LINE:COL: model error: ...} (no stack trace), as every
 * trace error is.
 */
public final class ModelError extends TraceError {
  private static final long serialVersionUID = 1L;

  private ModelError(String file, Pos pos, String message) {
    super(file, pos, message);
  }

  static ModelError at(String file, Pos pos, AssertionError e) {
    return new ModelError(file, pos, "model error: " + e.getMessage());
  }
}
