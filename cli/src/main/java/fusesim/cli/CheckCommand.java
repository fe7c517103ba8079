package fusesim.cli;

import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceError;
import fusesim.traces.replay.ModelReplay;
import fusesim.traces.replay.ReplayReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fusesim check}: the main job. Replays the corpus (traces/corpus) on the model and reports;
 * exit 1 if any trace does not meet its result.
 */
@Command(name = "check", description = "Run the checks: replay the trace corpus on the model.")
final class CheckCommand implements Callable<Integer> {
  @Option(names = "--corpus", paramLabel = "DIR", description = "trace corpus (default: traces/corpus)")
  Path corpus;

  @Option(names = "--seed", paramLabel = "N", description = "seed for random runs (printed)")
  Long seed;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = corpus != null ? corpus : Traces.corpus();
    if (!Files.isDirectory(dir)) {
      err.println("fusesim: no trace corpus at " + dir);
      return 2;
    }
    List<Path> paths = new java.util.ArrayList<>();
    int known = 0;
    for (Path p : Traces.expand(List.of(dir))) {
      if (p.getParent() != null && p.getParent().getFileName().toString().endsWith("-disagreements")) {
        known++; // say what the kernel does where the model does not agree yet
      } else {
        paths.add(p);
      }
    }
    int failed = 0;
    long t0 = System.nanoTime();
    for (Path p : paths) {
      try {
        Trace t = Traces.parse(p);
        ModelReplay.Result r = ModelReplay.run(t);
        if (!r.met()) {
          out.println(ReplayReport.verdictLine(r));
          failed++;
        }
      } catch (TraceError e) {
        out.println("ERROR " + e.getMessage());
        failed++;
      }
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    out.printf("corpus: %d traces, %d met their result, %d did not (%d ms)%s%n",
        paths.size(), paths.size() - failed, failed, ms,
        known == 0 ? "" : "; " + known + " known model disagreements not run (see traces/corpus/README.md)");
    return failed == 0 ? 0 : 1;
  }
}
