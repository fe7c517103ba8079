package fusesim.cli;

import fusesim.cli.spec.Effects;
import fusesim.cli.spec.ModelFunctions;
import fusesim.cli.spec.SpecDoc;
import fusesim.traces.lang.TraceError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fusesim spec --out DIR}: writes the review document (Markdown) generated from the model:
 * the modelled kernel functions, the invariants, the assumptions with what each choice changes,
 * the patches with what each changes, and the error table.
 */
@Command(name = "spec", mixinStandardHelpOptions = true, description = {"Write the review document, "
    + "generated from the model, as Markdown pages: DIR/README.md (the index), functions.md, "
    + "invariants.md, assumptions.md, patches.md, errors.md, diagrams.md (with one .dot file per diagram), "
    + "findings.md. What each assumption choice and each "
    + "patch changes is computed by replaying the corpus and a short property run.",
    "The output is the same byte for byte for the same tree, seed and runs.",
    "Exit 0: written; 2: bad input (no --out, DIR not writable, malformed corpus)."})
final class SpecCommand implements Callable<Integer> {
  /** Fixed, so the document is reproducible. */
  static final long DEFAULT_SEED = 20260516L;
  static final int DEFAULT_RUNS = 2000;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "where the pages go")
  Path out;

  @Option(names = "--corpus", paramLabel = "DIR", description = "trace corpus (default: traces/corpus)")
  Path corpus;

  @Option(names = "--seed", paramLabel = "N", description = "seed of the property runs (default: "
      + DEFAULT_SEED + ")")
  long seed = DEFAULT_SEED;

  @Option(names = "--runs", paramLabel = "N", description = "sequences per property run (default: "
      + DEFAULT_RUNS + ")")
  int runs = DEFAULT_RUNS;

  @Option(names = "--format", paramLabel = "md|rst", description = "Markdown pages (default), or "
      + "reStructuredText in the style of Documentation/filesystems/fuse/ (index.rst, DOT figures)")
  String format = "md";

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Io io = Io.of(spec);
    PrintWriter stdout = io.out();
    PrintWriter err = io.err();
    if (runs < 0) {
      err.println("fusesim: --runs must be >= 0, got " + runs);
      return 2;
    }
    if (!format.equals("md") && !format.equals("rst")) {
      err.println("fusesim: --format must be md or rst, got " + format);
      return 2;
    }
    String problem = writable(out);
    if (problem != null) {
      err.println("fusesim: cannot write to " + out + ": " + problem);
      return 2;
    }
    Path dir = corpus != null ? corpus : Traces.corpus();
    if (!Files.isDirectory(dir)) {
      err.println("fusesim: no trace corpus at " + dir);
      return 2;
    }
    long t0 = System.nanoTime();
    List<Effects.Named> traces = new ArrayList<>();
    int bad = 0;
    for (Traces.Entry entry : Traces.entries(List.of(dir))) {
      Path p = entry.path();
      if (entry.problem() != null) {
        err.println("fusesim: " + entry.problem());
        bad++;
        continue;
      }
      try {
        String name = dir.relativize(p).toString().replace('\\', '/');
        traces.add(new Effects.Named(name, fusesim.traces.lang.TraceParser.parse(name,
            fusesim.traces.lang.TraceFile.text(p))));
      } catch (TraceError | fusesim.traces.lang.TraceFile.Unreadable e) {
        err.println((e instanceof TraceError ? "" : "fusesim: ") + e.getMessage());
        bad++;
      }
    }
    if (bad > 0) {
      err.println("fusesim: " + bad + " corpus file(s) malformed or unreadable; nothing written");
      return Traces.BAD_INPUT;
    }
    Effects fx = Effects.compute(traces, seed, runs);
    Map<String, String> pages = new SpecDoc(fx, ModelFunctions.all()).pages();
    if (format.equals("rst")) {
      pages = fusesim.cli.spec.RstDoc.pages(pages);
    }
    try {
      for (Map.Entry<String, String> e : pages.entrySet()) {
        Files.writeString(out.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      err.println("fusesim: cannot write to " + out + ": " + e.getMessage());
      return 2;
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    stdout.printf("spec: wrote %s (%s) from %d corpus traces and %d-sequence property runs "
        + "(seed %s) in %d ms%n", out, String.join(", ", pages.keySet()), traces.size(), runs,
        Long.toUnsignedString(seed), ms);
    return 0;
  }

  /** Creates DIR if needed; null when it can be written, else why not. */
  private static String writable(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      return e.getClass().getSimpleName().replace("Exception", "") + " " + e.getMessage();
    }
    if (!Files.isDirectory(dir)) {
      return "not a directory";
    }
    if (!Files.isWritable(dir)) {
      return "permission denied";
    }
    return null;
  }
}
