package fusesim.traces.replay;

/**
 * What one statement gave on a backend: its observable result ("3", "-1 EIO", "m1",
 * "unfinished", "" for a line with none) and whether it met what the trace states. Replaces the
 * step runner's {@code String[]} out-parameter, where a null return meant "met".
 *
 * @param result the result as {@link Observation#result()} prints it
 * @param verdict null when the statement met its stated outcome, else "expected X, found Y"
 */
public record StepOutcome(String result, String verdict) {
  private static final StepOutcome NOTHING = new StepOutcome("", null);

  public StepOutcome {
    java.util.Objects.requireNonNull(result);
  }

  /** A line with no result that met what it states (world and server statements). */
  public static StepOutcome met() {
    return NOTHING;
  }

  /** A result that met the trace's outcome. */
  public static StepOutcome met(String result) {
    return new StepOutcome(result, null);
  }

  /** A result that did not: {@code verdict} says what was expected and found. */
  public static StepOutcome unmet(String result, String verdict) {
    return new StepOutcome(result, java.util.Objects.requireNonNull(verdict));
  }

  public boolean isMet() {
    return verdict == null;
  }
}
