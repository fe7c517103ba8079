package fusesim.cli;

import fusesim.invariants.Invariant;
import fusesim.model.Fault;
import fusesim.traces.replay.FaultCatalog;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code fusesim faults}: the fault catalog ({@link FaultCatalog}): per fault its id, kernel site
 * and description, then what the catalog says of it: the invariant it must break, the explorer
 * bound that finds it, the property campaign's lean, and whether the quick test run explores it.
 */
@Command(name = "faults", mixinStandardHelpOptions = true, description = "List the faults that can be switched on "
    + "in the model, with the invariant each must break and how explore and check find it.")
final class FaultsCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    int w = 0;
    for (FaultCatalog.Entry e : FaultCatalog.entries()) {
      w = Math.max(w, e.fault().id().length());
    }
    for (FaultCatalog.Entry e : FaultCatalog.entries()) {
      Fault f = e.fault();
      String pad = " ".repeat(w);
      out.printf("%-" + w + "s  %s%n%s  %s%n", f.id(), f.site, pad, f.description);
      out.printf("%s  breaks %s%s%n", pad, e.breaks().id(), also(e));
      out.printf("%s  explore: %s; check leans to: %s%s%n", pad, bound(e), e.lean().word(),
          e.campaignScale() > 1 ? " (x" + e.campaignScale() + " sequences in FaultsTest)" : "");
      out.printf("%s  %s%n", pad, f.patch == 0 ? "mainline" : "v2 " + f.patch + "/21 (--semantics v2)");
    }
    return 0;
  }

  private static String also(FaultCatalog.Entry e) {
    return e.alsoBreaks().isEmpty() ? "" : " (may also break " + e.alsoBreaks().stream().map(Invariant::id)
        .sorted().collect(Collectors.joining(", ")) + ")";
  }

  /** "depth 3, 2 files, 1 backing, 0 ticks, well-behaved (quick run)". */
  static String bound(FaultCatalog.Entry e) {
    FaultCatalog.Bound b = e.bound();
    return "depth " + b.depth() + ", " + b.inodes() + " files, " + b.backings() + " backings, " + b.ticks()
        + " ticks, " + b.server().word + " server"
        + (e.quick() ? " (mvn verify explores it)" : " (only with -Dfusesim.explore.allFaults=true)");
  }
}
