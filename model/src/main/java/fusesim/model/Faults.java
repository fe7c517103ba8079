package fusesim.model;

import java.util.EnumSet;
import java.util.Set;

/** The faults switched on for a run. Empty by default. */
public final class Faults {
  private final EnumSet<Fault> on = EnumSet.noneOf(Fault.class);

  public Faults(Set<Fault> faults) {
    on.addAll(faults);
  }

  public static Faults none() {
    return new Faults(Set.of());
  }

  public boolean on(Fault f) {
    return on.contains(f);
  }

  public Set<Fault> all() {
    return EnumSet.copyOf(on);
  }
}
