package fusesim.traces.replay;

import fusesim.model.Fault;
import fusesim.model.Faults;
import fusesim.model.series.Semantics;
import fusesim.invariants.Checker;
import fusesim.traces.lang.Header;
import fusesim.traces.lang.Pos;
import java.util.Optional;
import java.util.Set;

/**
 * What every run of a campaign shares: the semantics, the faults switched on, the server mode and
 * the invariants checked.
 */
public record Setup(Semantics semantics, Set<Fault> faults, ServerMode mode, Checker checker) {
  public Setup {
    faults = Set.copyOf(faults);
  }

  public static Setup of(Semantics sem, Set<Fault> faults, ServerMode mode) {
    return new Setup(sem, faults, mode, Checker.all());
  }

  public Faults faultSet() {
    return new Faults(faults);
  }

  /** The trace header's {@code assume:} lines for the semantics' non-default choices. */
  public java.util.List<Header.Assumption> headerAssumptions() {
    java.util.List<Header.Assumption> r = new java.util.ArrayList<>();
    semantics.choices().forEach((id, c) -> r.add(new Header.Assumption(Pos.NONE,
        fusesim.traces.lang.Word.of(id), fusesim.traces.lang.Word.of(c))));
    return r;
  }

  /** The trace header's {@code semantics:} for this semantics. */
  public Header.Semantics headerSemantics() {
    switch (semantics.series) {
      case MAINLINE:
        return Header.Semantics.MAINLINE;
      case V1:
        return new Header.Semantics(Pos.NONE, Header.Series.V1, Optional.empty());
      default:
        return new Header.Semantics(Pos.NONE, Header.Series.V2,
            semantics.applied == Semantics.V2_PATCHES ? Optional.empty() : Optional.of(semantics.applied));
    }
  }
}
