package fusesim.cli;

import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceError;
import fusesim.traces.replay.ModelReplay;
import fusesim.traces.replay.ReplayReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fusesim replay FILE...}: replays traces on the model, step by step. Every file is
 * reported: its replay, or its one error line on stderr. Exit 0 when every trace meets its
 * {@code result:}, 1 when one does not, 2 when a file was malformed or unreadable (the worst wins),
 * or on bad usage. With {@code --itf} the files are ITF traces ({@link ItfReplay}).
 */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Replay traces on the model and check their result: lines.")
final class ReplayCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE", description = "trace files or directories")
  List<Path> files;

  @Option(names = {"-q", "--quiet"}, description = "print only one verdict line per trace")
  boolean quiet;

  @Option(names = "--no-state", description = "do not print the internal state changes")
  boolean noState;

  @Mixin
  FaultOption fault = new FaultOption();

  @Option(names = "--itf", description = "the files are ITF JSON traces (fusesim export --itf): each is checked "
      + "state by state against a new model replay of the trace it carries")
  boolean itf;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Io io = Io.of(spec);
    PrintWriter out = io.out();
    PrintWriter err = io.err();
    if (itf) {
      return ItfReplay.run(files, out, err);
    }
    java.util.Set<fusesim.model.Fault> faults;
    try {
      faults = fault.faults();
    } catch (IllegalArgumentException e) {
      err.println("fusesim: " + e.getMessage());
      return 2;
    }
    Traces.Loaded loaded = Traces.load(files, err);
    int failed = 0;
    int refused = 0;
    int met = 0;
    for (Trace t : loaded.traces()) {
      ModelReplay.Result r;
      try {
        r = new ModelReplay(t, new fusesim.model.Faults(faults), fusesim.invariants.Checker.all()).run();
      } catch (TraceError e) {
        err.println(e.getMessage());
        err.flush();
        refused++;
        continue;
      }
      out.print(quiet ? ReplayReport.verdictLine(r) + "\n" : ReplayReport.print(r, !noState));
      out.flush();
      failed += r.met() ? 0 : 1;
      met += r.met() ? 1 : 0;
    }
    int total = loaded.traces().size() + loaded.bad();
    if (total > 1) {
      int bad = loaded.bad() + refused;
      out.println(met + " of " + total + " traces met their result"
          + (failed == 0 ? "" : ", " + failed + " did not")
          + (bad == 0 ? "" : ", " + bad + " malformed or unreadable (errors on stderr)"));
    }
    int status = failed == 0 ? 0 : 1;
    return refused == 0 ? loaded.worst(status) : Traces.BAD_INPUT;
  }
}
