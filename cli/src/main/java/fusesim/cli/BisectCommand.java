package fusesim.cli;

import fusesim.traces.replay.SemanticsDiff;
import fusesim.model.series.Patch;
import fusesim.model.series.Semantics;
import fusesim.properties.Engine;
import fusesim.traces.lang.Trace;
import fusesim.traces.replay.ServerMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fusesim bisect}: the property checks and the corpus on every prefix of the v2 series,
 * v2@0 .. v2@21. For each prefix K: the invariants that break (every invariant, both server
 * modes, the same seed and number of sequences for every K, each counterexample shrunk and
 * written), and the corpus traces whose observables change from v2@(K-1) to v2@K (every trace
 * under traces/corpus, its own semantics overridden); v2@0 must equal mainline on the corpus.
 * With {@code --runs} (the default) the output is the same byte for byte for the same seed; the
 * time goes to stderr. Exit 0: no prefix breaks anything and v2@0 is mainline; 1: otherwise; 2:
 * bad input.
 */
@Command(name = "bisect", mixinStandardHelpOptions = true, description = {
    "Run the property checks and the corpus on v2@0 .. v2@21: which patch breaks an invariant, which "
        + "patch changes which corpus trace.",
    "Exit 0: no prefix breaks an invariant; 1: one does (or v2@0 differs from mainline); 2: bad input."})
final class BisectCommand implements Callable<Integer> {
  /** Default sequences per prefix: the whole bisect takes one to two minutes on one core. */
  static final long DEFAULT_RUNS = 3000;

  @Option(names = "--seed", paramLabel = "N", description = "seed for random runs (default: random; always printed)")
  String seedText;

  @Option(names = "--runs", paramLabel = "N", description = "sequences per prefix (default " + DEFAULT_RUNS
      + "; deterministic)")
  Long runs;

  @Option(names = "--budget", paramLabel = "TIME", description = "instead of --runs: total time for the property "
      + "checks, shared equally by the 22 prefixes (counts then depend on the machine)")
  String budgetText;

  @Option(names = "--corpus", paramLabel = "DIR", description = "trace corpus (default: traces/corpus)")
  Path corpus;

  @Option(names = "--out", paramLabel = "DIR", description = "where counterexamples go (default: out/bisect)")
  Path outDir = Path.of("out", "bisect");

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  /** One prefix's line of the table. */
  record Line(int k, String title, List<Engine.Row> broken, long modelExceptions, String modelException,
      List<SemanticsDiff.Result> changed, long sequences, long steps, Map<String, Long> known) {
    Line(int k, String title, List<Engine.Row> broken, long modelExceptions, String modelException,
        List<SemanticsDiff.Result> changed, long sequences, long steps) {
      this(k, title, broken, modelExceptions, modelException, changed, sequences, steps, Map.of());
    }
  }

  @Override
  public Integer call() throws IOException {
    Io io = Io.of(spec);
    PrintWriter out = io.out();
    PrintWriter err = io.err();
    PropertyRun props;
    try {
      if (runs != null && budgetText != null) {
        throw new IllegalArgumentException("--runs and --budget exclude each other");
      }
      props = PropertyRun.parse(seedText, "v2", budgetText == null ? "60s" : budgetText,
          budgetText == null ? (runs == null ? DEFAULT_RUNS : runs) : null, "both", List.of(), false, outDir);
    } catch (IllegalArgumentException e) {
      err.println("fusesim: " + e.getMessage());
      return 2;
    }
    Path dir = corpus != null ? corpus : Traces.corpus();
    if (!Files.isDirectory(dir)) {
      err.println("fusesim: no trace corpus at " + dir);
      return 2;
    }
    Traces.Loaded loaded = Traces.load(List.of(dir), err);
    if (loaded.bad() > 0) {
      err.println("fusesim: " + loaded.bad() + " corpus file(s) malformed or unreadable; nothing bisected");
      return Traces.BAD_INPUT;
    }
    List<Trace> traces = loaded.traces();
    fusesim.properties.KnownFindings known;
    try {
      known = fusesim.properties.KnownFindings.load(dir.resolve("findings"));
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
    long t0 = System.nanoTime();
    long perK = props.runs == null ? Math.max(1, props.budgetMillis / (Semantics.V2_PATCHES + 1)) : 0;
    out.println("seed: " + Long.toUnsignedString(props.seed));
    out.printf("bisect: v2@0 .. v2@%d; properties: %s per prefix, both servers; corpus: %s (%d traces)%n",
        Semantics.V2_PATCHES, props.runs != null ? props.runs + " sequences" : perK + " ms",
        dir, traces.size());
    out.flush();

    // the corpus under mainline, then each prefix, each compared with the one before
    List<SemanticsDiff.Run> prev = runAll(traces, SemanticsDiff.Side.of(Semantics.MAINLINE));
    List<Line> lines = new ArrayList<>();
    int[] prefix = {0};
    long[] brokenSoFar = {0};
    Progress<Engine.Report> line = Progress.of(err, r -> String.format(
        "bisect v2@%d of v2@0..%d: %d sequences, %.0f steps/s, %d violations so far, %s", prefix[0],
        Semantics.V2_PATCHES, r.sequences, r.millis == 0 ? 0.0 : r.steps * 1000.0 / r.millis,
        brokenSoFar[0] + r.violated().size(), Progress.left((System.nanoTime() - t0) / 1_000_000,
            prefix[0] * 1000L + (props.runs != null ? r.sequences * 1000L / Math.max(1, props.runs)
                : r.millis * 1000L / Math.max(1, perK)), (Semantics.V2_PATCHES + 1) * 1000L)));
    for (int k = 0; k <= Semantics.V2_PATCHES; k++) {
      prefix[0] = k;
      Semantics sem = Semantics.v2(k);
      List<SemanticsDiff.Run> cur = runAll(traces, SemanticsDiff.Side.of(sem));
      List<SemanticsDiff.Result> changed = new ArrayList<>();
      for (int i = 0; i < traces.size(); i++) {
        SemanticsDiff.Result r = SemanticsDiff.compare(traces.get(i), prev.get(i), cur.get(i));
        if (!r.equivalent()) {
          changed.add(r);
        }
      }
      prev = cur;
      Engine engine = new Engine(new Engine.Options(sem, List.of(ServerMode.WELL_BEHAVED, ServerMode.ARBITRARY),
          Set.of(), perK, props.seed, props.runs == null ? 0 : props.runs, props.outDir)).known(known);
      Engine.Report rep = engine.run("v2-" + k, Set.of(), false, perK, line::accept); // a trace name has no @
      brokenSoFar[0] += rep.violated().size();
      lines.add(new Line(k, k == 0 ? "(none: mainline)" : Patch.V2.get(k - 1).title(), rep.violated(),
          rep.modelExceptions, rep.firstModelException, changed, rep.sequences, rep.steps,
          Map.copyOf(rep.known.count)));
    }
    line.clear();
    int code = print(out, lines);
    out.flush();
    err.printf("bisect took %.1f s%n", (System.nanoTime() - t0) / 1e9);
    return code;
  }

  private static List<SemanticsDiff.Run> runAll(List<Trace> traces, SemanticsDiff.Side side) {
    List<SemanticsDiff.Run> out = new ArrayList<>();
    for (Trace t : traces) {
      out.add(SemanticsDiff.run(t, side));
    }
    return out;
  }

  /** The table, then the details (counterexamples, changed traces); returns the exit code. */
  static int print(PrintWriter out, List<Line> lines) {
    int tw = 0;
    for (Line l : lines) {
      tw = Math.max(tw, l.title().length());
    }
    out.printf("%-5s  %-" + tw + "s  %-34s  %s%n", "K", "patch", "invariants broken", "corpus changed");
    int code = 0;
    for (Line l : lines) {
      List<String> ids = new ArrayList<>();
      for (Engine.Row r : l.broken()) {
        ids.add(r.invariant);
      }
      if (l.modelExceptions() > 0) {
        ids.add("MODEL-EXCEPTION");
      }
      code = ids.isEmpty() ? code : 1;
      String corpus = l.k() == 0 ? (l.changed().isEmpty() ? "0 (= mainline)" : l.changed().size() + " (NOT mainline)")
          : Integer.toString(l.changed().size());
      if (l.k() == 0 && !l.changed().isEmpty()) {
        code = 1;
      }
      out.printf("%-5s  %-" + tw + "s  %-34s  %s%n", "v2@" + l.k(), l.title(), ids.isEmpty() ? "-" : String.join(",", ids),
          corpus);
    }
    Line first = null;
    for (Line l : lines) {
      if (first == null && (!l.broken().isEmpty() || l.modelExceptions() > 0)) {
        first = l;
      }
    }
    out.println(lines.get(0).changed().isEmpty()
        ? "v2@0 is mainline: every corpus trace has the same observables under both"
        : "v2@0 is NOT mainline: " + lines.get(0).changed().size() + " corpus trace(s) differ (see below)");
    out.println(first == null ? "every prefix keeps every invariant"
        : "first prefix that breaks an invariant: v2@" + first.k() + " (" + first.title() + ")");
    for (Line l : lines) {
      for (Engine.Row r : l.broken()) {
        out.println("  v2@" + l.k() + " " + r.invariant + ": " + (r.error != null ? "no replayable counterexample: "
            + r.error : (r.path != null ? r.path.toString() : "(not written)") + " (line " + r.counterexample.line()
            + ", " + r.counterexample.length() + " steps): " + r.counterexample.detail()));
      }
      for (Map.Entry<String, Long> e : new java.util.TreeMap<>(l.known()).entrySet()) {
        out.println("  v2@" + l.k() + " known: " + e.getValue() + " hit" + (e.getValue() == 1 ? "" : "s") + " of "
            + e.getKey() + " (a known finding: not counted)");
      }
      if (l.modelExceptions() > 0) {
        out.println("  v2@" + l.k() + " model exception in " + l.modelExceptions() + " sequence(s); first: "
            + l.modelException());
      }
      for (SemanticsDiff.Result r : l.changed()) {
        out.println("  v2@" + l.k() + " corpus " + r.trace().file() + ":" + r.first().line() + ": "
            + SemanticsDiff.what(r.first()) + verdictChange(r));
      }
    }
    return code;
  }

  private static String verdictChange(SemanticsDiff.Result r) {
    Boolean a = r.left().met();
    Boolean b = r.right().met();
    if (a == null || b == null || a.equals(b)) {
      return "";
    }
    return b ? " (now meets its result:)" : " (no longer meets its result:)";
  }
}
