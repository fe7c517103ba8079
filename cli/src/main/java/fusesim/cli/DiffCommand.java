package fusesim.cli;

import fusesim.traces.replay.SemanticsDiff;
import fusesim.model.Fault;
import fusesim.model.Faults;
import fusesim.model.series.Semantics;
import fusesim.traces.lang.Trace;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fusesim diff --from S1 --to S2 FILE...}: replays each trace under both semantics and
 * shows, side by side, the first step where what can be observed differs (syscall and ioctl
 * results, requests sent, expectations, invariants broken, kernel warnings, a step refused), or
 * says the trace is equivalent. The traces' own {@code semantics:} lines are overridden. Exit 0:
 * every trace equivalent; 1: one differs; 2: bad input (every file is still reported, the worst
 * status wins).
 */
@Command(name = "diff", mixinStandardHelpOptions = true, description = {
    "Replay traces under two semantics and show the first step where they differ, side by side.",
    "Exit 0: every trace equivalent; 1: a trace differs; 2: bad input."})
final class DiffCommand implements Callable<Integer> {
  @Option(names = "--from", required = true, paramLabel = "S1", description = "mainline, v1, v2 or v2@K")
  String fromText;

  @Option(names = "--to", required = true, paramLabel = "S2", description = "mainline, v1, v2 or v2@K")
  String toText;

  @Option(names = "--from-fault", paramLabel = "F", description = "a model fault on the --from side (repeatable)")
  List<String> fromFaults = new ArrayList<>();

  @Option(names = "--to-fault", paramLabel = "F", description = "a model fault on the --to side (repeatable)")
  List<String> toFaults = new ArrayList<>();

  @Option(names = "--all", description = "print every line, not only up to the first difference")
  boolean all;

  @Option(names = {"-q", "--quiet"}, description = "print one verdict line per trace")
  boolean quiet;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "trace files or directories")
  List<Path> files;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Io io = Io.of(spec);
    PrintWriter out = io.out();
    PrintWriter err = io.err();
    SemanticsDiff.Side from;
    SemanticsDiff.Side to;
    try {
      from = side("--from", fromText, fromFaults);
      to = side("--to", toText, toFaults);
    } catch (IllegalArgumentException e) {
      err.println("fusesim: " + e.getMessage());
      return 2;
    }
    Traces.Loaded loaded = Traces.load(files, err);
    List<Trace> traces = loaded.traces();
    int differ = 0;
    for (Trace t : traces) {
      SemanticsDiff.Result r = SemanticsDiff.compare(t, from, to);
      differ += r.equivalent() ? 0 : 1;
      if (quiet) {
        String v = SemanticsDiff.render(r, false);
        out.println(v.substring(v.lastIndexOf('\n', v.length() - 2) + 1).stripTrailing());
      } else {
        out.print(SemanticsDiff.render(r, all));
      }
      out.flush();
    }
    int total = traces.size() + loaded.bad();
    if (total > 1) {
      out.printf("%d of %d traces equivalent under %s and %s%s%n", traces.size() - differ, total,
          from.label(), to.label(), loaded.bad() == 0 ? ""
              : ", " + loaded.bad() + " malformed or unreadable (errors on stderr)");
    }
    return loaded.worst(differ == 0 ? 0 : 1);
  }

  /** A side from its semantics text and fault names; IllegalArgumentException with one line. */
  static SemanticsDiff.Side side(String option, String text, List<String> faultNames) {
    Semantics s = Semantics.parse(text);
    if (s == null) {
      throw new IllegalArgumentException(option + ": unknown semantics '" + text + "' (mainline, v1, v2 or v2@K"
          + " with K 0.." + Semantics.V2_PATCHES + ")");
    }
    Set<Fault> faults = FaultOption.parse(faultNames);
    String label = s + (faults.isEmpty() ? "" : "+" + String.join("+", faultNames));
    return new SemanticsDiff.Side(label, s, new Faults(faults));
  }
}
