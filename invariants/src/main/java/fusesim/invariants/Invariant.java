package fusesim.invariants;

import fusesim.model.Kernel;

/**
 * A named property of the model state that must hold after every step.
 *
 * @param id stable identifier used by traces ({@code result: violates ID at line N})
 * @param title one line, in kernel vocabulary
 * @param source where the rule comes from: kernel file and function, research notes, or patch
 * @param check returns null when the property holds, else what is wrong
 */
public record Invariant(String id, String title, String source, Check check) {
  /** The predicate. */
  @FunctionalInterface
  public interface Check {
    String violation(Kernel k);
  }
}
