package fusesim.invariants;

import fusesim.model.Kernel;
import java.util.ArrayList;
import java.util.List;

/** Checks a set of invariants after each step; reports the first violation of each. */
public final class Checker {
  /** One invariant broken at one step. */
  public record Violation(Invariant invariant, String detail) {
    @Override
    public String toString() {
      return invariant.id() + ": " + detail;
    }
  }

  private final List<Invariant> invariants;

  public Checker(List<Invariant> invariants) {
    this.invariants = List.copyOf(invariants);
  }

  public static Checker all() {
    return new Checker(Invariants.ALL);
  }

  public List<Invariant> invariants() {
    return invariants;
  }

  /** Every invariant that does not hold now, in report order. */
  public List<Violation> check(Kernel k) {
    List<Violation> out = new ArrayList<>(0);
    for (Invariant inv : invariants) {
      String v = inv.check().violation(k);
      if (v != null) {
        out.add(new Violation(inv, v));
      }
    }
    return out;
  }
}
