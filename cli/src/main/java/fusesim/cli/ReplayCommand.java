package fusesim.cli;

import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceError;
import fusesim.traces.replay.ModelReplay;
import fusesim.traces.replay.ReplayReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fusesim replay FILE...}: replays traces on the model, step by step. Exit 0 when every
 * trace meets its {@code result:}, 1 when one does not, 2 on a malformed trace or bad usage (then
 * nothing else is printed).
 */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Replay traces on the model and check their result: lines.")
final class ReplayCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE", description = "trace files or directories")
  List<Path> files;

  @Option(names = {"-q", "--quiet"}, description = "print only one verdict line per trace")
  boolean quiet;

  @Option(names = "--no-state", description = "do not print the internal state changes")
  boolean noState;

  @Option(names = "--fault", paramLabel = "F", description = "replay with a model fault on (repeatable; "
      + "fusesim faults lists them); counterexamples of fault campaigns say which")
  List<String> faultNames = new ArrayList<>();

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    java.util.Set<fusesim.model.Fault> faults = java.util.EnumSet.noneOf(fusesim.model.Fault.class);
    for (String f : faultNames) {
      fusesim.model.Fault fault = fusesim.model.Fault.byId(f);
      if (fault == null) {
        err.println("fusesim: unknown fault '" + f + "' (fusesim faults lists them)");
        return 2;
      }
      faults.add(fault);
    }
    List<Trace> traces = Traces.parseAll(files, err);
    if (traces == null) {
      return 2;
    }
    List<ModelReplay.Result> results = new ArrayList<>();
    for (Trace t : traces) {
      try {
        results.add(new ModelReplay(t, new fusesim.model.Faults(faults), fusesim.spec.Checker.all()).run());
      } catch (TraceError e) {
        err.println(e.getMessage());
        return 2;
      }
    }
    int failed = 0;
    for (ModelReplay.Result r : results) {
      out.print(quiet ? ReplayReport.verdictLine(r) + "\n" : ReplayReport.print(r, !noState));
      failed += r.met() ? 0 : 1;
    }
    if (results.size() > 1) {
      out.println((results.size() - failed) + " of " + results.size() + " traces met their result");
    }
    return failed == 0 ? 0 : 1;
  }
}
