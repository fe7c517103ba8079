package fusesim.cli;

import fusesim.cli.spec.Effects;
import fusesim.cli.spec.Findings;
import fusesim.cli.spec.ModelFunctions;
import fusesim.cli.spec.ReviewMail;
import fusesim.model.series.Semantics;
import fusesim.traces.lang.TraceError;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fusesim review --patch N}: a plain-text reply to patch N/21 (72 columns), from the same
 * computation as {@code fusesim spec} (the corpus and short property runs). Exit 0, 2 bad input.
 */
@Command(name = "review", mixinStandardHelpOptions = true, description = {"Print a mailing-list reply to patch "
    + "N of v2 (72 columns): its subject, the model functions it changes, the model's questions for it with what "
    + "each answer changes, and the findings about it with their shortest traces inline.",
    "The same output for the same tree, seed and runs."})
final class ReviewCommand implements Callable<Integer> {
  @Option(names = "--patch", paramLabel = "N", required = true, description = "the patch, 1..21")
  int patch;

  @Option(names = "--corpus", paramLabel = "DIR", description = "trace corpus (default: traces/corpus)")
  Path corpus;

  @Option(names = "--seed", paramLabel = "N", description = "seed of the property runs (default: as spec)")
  long seed = SpecCommand.DEFAULT_SEED;

  @Option(names = "--runs", paramLabel = "N", description = "sequences per property run (default: as spec)")
  int runs = SpecCommand.DEFAULT_RUNS;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (patch < 1 || patch > Semantics.V2_PATCHES) {
      err.println("fusesim: --patch must be 1.." + Semantics.V2_PATCHES + ", got " + patch);
      return 2;
    }
    if (runs < 0) {
      err.println("fusesim: --runs must be >= 0, got " + runs);
      return 2;
    }
    Path dir = corpus != null ? corpus : Traces.corpus();
    if (!Files.isDirectory(dir)) {
      err.println("fusesim: no trace corpus at " + dir);
      return 2;
    }
    List<Effects.Named> traces = new ArrayList<>();
    for (Path p : Traces.expand(List.of(dir))) {
      try {
        String name = dir.relativize(p).toString().replace('\\', '/');
        traces.add(new Effects.Named(name, fusesim.traces.lang.TraceParser.parse(name,
            Files.readString(p, StandardCharsets.UTF_8))));
      } catch (TraceError e) {
        err.println(e.getMessage());
        return 2;
      }
    }
    Effects fx = Effects.compute(traces, seed, runs);
    PrintWriter out = spec.commandLine().getOut();
    out.print(ReviewMail.write(patch, fx, ModelFunctions.all(), Findings.all(fx)));
    out.flush();
    return 0;
  }
}
