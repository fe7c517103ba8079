package fusesim.cli;

import fusesim.model.Fault;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * {@code --fault F} (repeatable), the one option check, explore and replay share (a picocli
 * {@code @Mixin}); diff's {@code --from-fault}/{@code --to-fault} go through {@link #parse} too, so
 * an unknown fault is the same one-line error everywhere.
 */
final class FaultOption {
  @Option(names = "--fault", paramLabel = "F", description = "switch on a planted fault (repeatable; fusesim faults "
      + "lists them, with the invariant each must break; check: one campaign per fault; explore: with no bound "
      + "option the fault's own bound, which finds it)")
  List<String> names = new ArrayList<>();

  /** The faults named, in the catalog's order; IllegalArgumentException (one line) for an unknown one. */
  Set<Fault> faults() {
    return parse(names);
  }

  static Set<Fault> parse(List<String> names) {
    Set<Fault> faults = EnumSet.noneOf(Fault.class);
    for (String f : names) {
      Fault fault = Fault.byId(f);
      if (fault == null) {
        throw new IllegalArgumentException("unknown fault '" + f + "' (fusesim faults lists them)");
      }
      faults.add(fault);
    }
    return faults;
  }
}
