package fusesim.cli;

import fusesim.model.Fault;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code fusesim faults}: the catalog of planted faults (id, kernel site, description). */
@Command(name = "faults", mixinStandardHelpOptions = true, description = "List the faults that can be switched on in the model.")
final class FaultsCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    int w = 0;
    for (Fault f : Fault.values()) {
      w = Math.max(w, f.id().length());
    }
    for (Fault f : Fault.values()) {
      out.printf("%-" + w + "s  %s%n%" + w + "s  %s%n", f.id(), f.site, "", f.description);
    }
    return 0;
  }
}
