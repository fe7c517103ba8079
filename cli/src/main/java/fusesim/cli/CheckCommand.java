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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fusesim check}: the main job. Replays the corpus (traces/corpus) on the model and reports;
 * exit 1 if any trace does not meet its result.
 */
@Command(name = "check", mixinStandardHelpOptions = true, description = {"Run the checks: replay the trace corpus on the model, then the "
    + "property suite (random sequences, every invariant after every step, shrunk counterexamples "
    + "written under out/).", "Exit 0: nothing broke; 1: an invariant broke or a corpus trace failed; "
    + "2: bad input."})
final class CheckCommand implements Callable<Integer> {
  @Option(names = "--corpus", paramLabel = "DIR", description = "trace corpus (default: traces/corpus)")
  Path corpus;

  @Option(names = "--seed", paramLabel = "N", description = "seed for random runs (default: random; always printed)")
  String seedText;

  @Option(names = "--semantics", paramLabel = "S", description = "v2 (default: the newest modelled), v2@K, v1 or "
      + "mainline")
  String semanticsText = "v2";

  @Option(names = "--assume", paramLabel = "ID=CHOICE", description = "answer an open question of the assumption "
      + "registry (repeatable), e.g. --assume A5=degrade; see fusesim spec or model/Assumption.java")
  List<String> assumes = new java.util.ArrayList<>();

  @Option(names = "--all-assumptions", description = "run the suite once per choice of every assumption (a "
      + "covering set: each non-default choice alone, the others at their default) and report which "
      + "invariants hold under which choices")
  boolean allAssumptions;

  @Option(names = "--budget", paramLabel = "TIME", description = "time for the property suite: 60s (default), 500ms, 2m")
  String budgetText = "60s";

  @Option(names = "--runs", paramLabel = "N", description = "run exactly N sequences per campaign instead of a time "
      + "budget (deterministic counts)")
  Long runs;

  @Option(names = "--server", paramLabel = "MODE", description = "well-behaved, arbitrary or both (default: both, "
      + "alternating)")
  String serverText = "both";

  @Mixin
  FaultOption fault = new FaultOption();

  @Option(names = "--all-faults", description = "check every fault of the catalog, one campaign each")
  boolean allFaults;

  @Option(names = "--out", paramLabel = "DIR", description = "where counterexamples go (default: out)")
  Path outDir = Path.of("out");

  @Option(names = "--json", description = "machine-readable results on stdout, one JSON object a line (corpus "
      + "traces that did not meet their result, one object per invariant and per violation); the tables go to stderr")
  boolean json;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Io io = Io.of(spec);
    PrintWriter stdout = io.out();
    PrintWriter err = io.err();
    PrintWriter out = json ? err : stdout;
    PropertyRun props;
    try {
      props = PropertyRun.parse(seedText, semanticsText, assumes, budgetText, runs, serverText, fault.names,
          allFaults, outDir);
    } catch (IllegalArgumentException e) {
      err.println("fusesim: " + e.getMessage());
      return 2;
    }
    try {
      props.known = fusesim.properties.KnownFindings.load(
          (corpus != null ? corpus : Traces.corpus()).resolve("findings"));
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
    out.println("seed: " + Long.toUnsignedString(props.seed));
    out.flush();
    Path dir = corpus != null ? corpus : Traces.corpus();
    if (!Files.isDirectory(dir)) {
      err.println("fusesim: no trace corpus at " + dir);
      return 2;
    }
    int corpusCode = corpus(dir, out);
    int propsCode = allAssumptions ? AssumptionSweep.run(props, out, err) : props.run(out, err);
    if (json) {
      out.flush();
      CheckJson.write(stdout, props, corpusFailures);
    }
    return Math.max(corpusCode, propsCode);
  }

  private final List<String[]> corpusFailures = new java.util.ArrayList<>();

  private int corpus(Path dir, PrintWriter out) {
    List<Path> paths = new java.util.ArrayList<>();
    int known = 0;
    int listed = 0;
    for (Traces.Entry e : Traces.entries(List.of(dir))) {
      Path p = e.path();
      if (e.problem() != null) {
        out.println("ERROR fusesim: " + e.problem());
        listed++;
      } else if (p.getParent() != null && p.getParent().getFileName().toString().endsWith("-disagreements")) {
        known++; // say what the kernel does where the model does not agree yet
      } else {
        paths.add(p);
      }
    }
    int failed = 0;
    int bad = 0;
    long t0 = System.nanoTime();
    for (Path p : paths) {
      try {
        Trace t = Traces.parse(p);
        ModelReplay.Result r = ModelReplay.run(t);
        if (!r.met()) {
          out.println(ReplayReport.verdictLine(r));
          corpusFailures.add(new String[] {p.toString(), ReplayReport.verdictLine(r)});
          failed++;
        }
      } catch (TraceError e) {
        out.println("ERROR " + e.getMessage());
        corpusFailures.add(new String[] {p.toString(), "ERROR " + e.getMessage()});
        bad++;
      } catch (fusesim.traces.lang.TraceFile.Unreadable e) {
        out.println("ERROR fusesim: " + e.getMessage());
        bad++;
      }
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    out.printf("corpus: %d traces, %d met their result, %d did not%s (%d ms)%s%n",
        paths.size() + listed, paths.size() - failed - bad, failed,
        bad + listed == 0 ? "" : ", " + (bad + listed) + " malformed or unreadable", ms,
        known == 0 ? "" : "; " + known + " known model disagreements not run (see traces/corpus/README.md)");
    if (bad + listed > 0) {
      return Traces.BAD_INPUT; // every file was still reported; the properties still run
    }
    return failed == 0 ? 0 : 1;
  }
}
