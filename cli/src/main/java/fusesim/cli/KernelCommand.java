package fusesim.cli;

import fusesim.kernel.replay.Comparison;
import fusesim.kernel.replay.KernelReplay;
import fusesim.kernel.replay.KernelReplayResult;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceError;
import fusesim.traces.replay.ModelReplay;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fusesim kernel ...}: the real-kernel oracle. */
@Command(name = "kernel", mixinStandardHelpOptions = true, description = "Run traces on this machine's real kernel.",
    subcommands = {KernelCommand.Replay.class})
final class KernelCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a kernel subcommand is required");
  }

  /**
   * {@code fusesim kernel replay FILE...}: replays each trace on the kernel and on the model and
   * prints them side by side, marking every disagreement. Exit 0 when the kernel meets every
   * observable expectation and agrees with the model, 1 on any disagreement, 2 on bad input, 3
   * when the kernel cannot be used here.
   */
  @Command(name = "replay", mixinStandardHelpOptions = true, description = "Replay traces on the real kernel, side by side with the model.")
  static final class Replay implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "trace files or directories")
    List<Path> files;

    @Option(names = {"-q", "--quiet"}, description = "print one line per trace")
    boolean quiet;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      List<Trace> traces = Traces.parseAll(files, err);
      if (traces == null) {
        return 2;
      }
      Optional<String> why = KernelReplay.unavailableReason();
      if (why.isPresent()) {
        err.println("fusesim: the kernel cannot be used here: " + why.get());
        return 3;
      }
      int disagree = 0;
      long steps = 0;
      long t0 = System.nanoTime();
      for (Trace t : traces) {
        ModelReplay.Result model;
        KernelReplayResult kernel;
        try {
          model = ModelReplay.run(t);
          kernel = KernelReplay.run(t);
        } catch (TraceError e) {
          err.println(e.getMessage());
          return 2;
        } catch (KernelReplay.Unavailable e) {
          err.println("fusesim: " + t.file() + ": " + e.getMessage());
          return 3;
        }
        List<Comparison.Row> rows = Comparison.rows(
            model.steps().stream().map(ModelReplay.Step::obs).toList(), kernel);
        boolean ok = kernel.allMet() && Comparison.agree(rows);
        steps += kernel.observations().size();
        disagree += ok ? 0 : 1;
        if (quiet) {
          out.println((ok ? "OK    " : "DIFF  ") + t.file()
              + kernel.firstDisagreement().map(d -> ":" + d.line() + ": " + d.message()).orElse(""));
        } else {
          out.println("== " + t.file() + "  (model | kernel)");
          out.print(Comparison.render(rows));
          out.println(ok ? "OK    kernel and model agree" : "DIFF  " + kernel.firstDisagreement()
              .map(d -> "line " + d.line() + ": " + d.message()).orElse("model and kernel differ (rows marked !=)"));
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      out.printf("%d of %d traces agree with the kernel (%d kernel steps, %.1f s)%n",
          traces.size() - disagree, traces.size(), steps, secs);
      return disagree == 0 ? 0 : 1;
    }
  }
}
