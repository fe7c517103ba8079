package fusesim.cli;

import fusesim.model.Fault;
import fusesim.model.series.Semantics;
import fusesim.properties.Engine;
import fusesim.traces.replay.ServerMode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The property-suite part of {@code fusesim check}: argument checking (one-line errors), the
 * campaigns, a progress line on a terminal, the tables, and Ctrl-C (a shutdown hook that stops
 * the engine and waits for the partial table).
 */
final class PropertyRun {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)?");

  final long seed;
  final Semantics semantics;
  final long budgetMillis;
  final Long runs;
  final List<ServerMode> modes;
  final List<Fault> faults;
  final Path outDir;
  /** The known findings each violation is matched against (traces/corpus/findings). */
  fusesim.properties.KnownFindings known = fusesim.properties.KnownFindings.none();

  private PropertyRun(long seed, Semantics semantics, long budgetMillis, Long runs, List<ServerMode> modes,
      List<Fault> faults, Path outDir) {
    this.seed = seed;
    this.semantics = semantics;
    this.budgetMillis = budgetMillis;
    this.runs = runs;
    this.modes = modes;
    this.faults = faults;
    this.outDir = outDir;
  }

  /** Checks the arguments; throws IllegalArgumentException with a one-line message. */
  static PropertyRun parse(String seedText, String semText, String budgetText, Long runs, String server,
      List<String> faultNames, boolean allFaults, Path outDir) {
    return parse(seedText, semText, List.of(), budgetText, runs, server, faultNames, allFaults, outDir);
  }

  /** As above, with {@code --assume ID=CHOICE} texts applied to the semantics. */
  static PropertyRun parse(String seedText, String semText, List<String> assumes, String budgetText,
      Long runs, String server, List<String> faultNames, boolean allFaults, Path outDir) {
    long seed;
    if (seedText == null) {
      seed = new SecureRandom().nextLong() & Long.MAX_VALUE;
    } else {
      try {
        seed = Long.parseUnsignedLong(seedText);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--seed takes a non-negative integer, got '" + seedText + "'");
      }
    }
    Semantics sem = Semantics.parse(semText);
    if (sem == null) {
      throw new IllegalArgumentException("unknown semantics '" + semText + "' (mainline, v1, v2 or v2@K with K 0.."
          + Semantics.V2_PATCHES + ")");
    }
    try {
      sem = sem.assume(assumes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--assume: " + e.getMessage());
    }
    Matcher m = DURATION.matcher(budgetText);
    if (!m.matches()) {
      throw new IllegalArgumentException("--budget takes a positive duration like 60s, 500ms or 2m, got '"
          + budgetText + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    long ms = unit.equals("ms") ? n : unit.equals("s") ? n * 1000 : n * 60_000;
    if (ms <= 0) {
      throw new IllegalArgumentException("--budget must be positive, got '" + budgetText + "'");
    }
    if (runs != null && runs <= 0) {
      throw new IllegalArgumentException("--runs must be positive, got " + runs);
    }
    List<ServerMode> modes;
    if (server.equals("both")) {
      modes = List.of(ServerMode.WELL_BEHAVED, ServerMode.ARBITRARY);
    } else if (ServerMode.parse(server) != null) {
      modes = List.of(ServerMode.parse(server));
    } else {
      throw new IllegalArgumentException("--server takes well-behaved, arbitrary or both, got '" + server + "'");
    }
    Set<Fault> faults = FaultOption.parse(faultNames);
    for (Fault fault : faults) {
      if (!fault.appliesTo(sem)) {
        throw new IllegalArgumentException("fault '" + fault.id() + "' breaks v2 patch " + fault.patch
            + ", which " + sem + " does not have (use --semantics v2, or v2@K with K >= " + fault.patch + ")");
      }
    }
    if (allFaults) {
      for (Fault f : Fault.values()) {
        if (f.appliesTo(sem)) {
          faults.add(f);
        }
      }
    }
    return new PropertyRun(seed, sem, ms, runs, modes, new ArrayList<>(faults), outDir);
  }

  /** The same run under other semantics, writing counterexamples to {@code dir}. */
  PropertyRun with(Semantics sem, long budget, Path dir) {
    PropertyRun r = new PropertyRun(seed, sem, budget, runs, modes, faults, dir);
    r.known = known;
    return r;
  }

  /** The reports of the last {@link #run}. */
  List<Engine.Report> reports = List.of();

  int run(PrintWriter out, PrintWriter err) {
    Engine engine = new Engine(new Engine.Options(semantics, modes, Set.copyOf(faults), budgetMillis, seed,
        runs == null ? 0 : runs, outDir)).known(known);
    // a fault campaign's second pass (budget mode) runs on a second engine: Ctrl-C stops either
    Engine second = new Engine(new Engine.Options(semantics, modes, Set.copyOf(faults), budgetMillis,
        secondSeed(), 0, outDir)).known(known);
    List<Engine.Report> reports = new ArrayList<>();
    CountDownLatch printed = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      engine.stop();
      second.stop();
      try {
        printed.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Runtime.getRuntime().addShutdownHook(hook);
    Progress<Engine.Report> line = Progress.<Engine.Report>of(err, r -> String.format(
        "%s%d sequences, %.0f steps/s, %d violations so far, %s", r.label.isEmpty() ? "" : r.label + ": ",
        r.sequences, r.millis == 0 ? 0.0 : r.steps * 1000.0 / r.millis, r.violated().size(),
        runs != null ? Math.max(0, runs - r.sequences) + " sequences left"
            : String.format("%.0f s left", Math.max(0, budgetMillis - r.millis) / 1000.0)));
    java.util.function.Consumer<Engine.Report> progress = line::accept;
    this.reports = reports;
    out.printf("properties: semantics %s, server %s, %s%n", semantics.describe(), modes.size() == 2 ? "both"
        : modes.get(0).word, runs != null ? runs + " sequences per campaign" : "budget " + budgetMillis + " ms");
    out.flush();
    try {
      if (faults.isEmpty()) {
        reports.add(engine.run("", Set.of(), false, budgetMillis, progress));
      } else {
        long t0 = System.nanoTime();
        for (int i = 0; i < faults.size(); i++) {
          Fault f = faults.get(i);
          // each fault gets an equal share of what is left: quick finds leave time to the others
          long left = budgetMillis - (System.nanoTime() - t0) / 1_000_000;
          Engine.Report r = engine.run(f.id(), Set.of(f), true, Math.max(left / (faults.size() - i), 0), progress);
          reports.add(r);
          if (r.interrupted) {
            break;
          }
        }
        secondPass(second, reports, t0, progress);
      }
      line.clear();
      return faults.isEmpty() ? invariantTable(out, reports.get(0)) : faultTable(out, reports);
    } finally {
      out.flush();
      printed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running and waits for the table just printed
      }
    }
  }

  /** The seed of the second pass: another stream of sequences, printed in its counterexamples. */
  private long secondSeed() {
    return seed ^ 0x9E3779B97F4A7C15L;
  }

  /**
   * With a time budget, the time the first pass did not use goes to the faults it did not find,
   * in equal shares, on another stream of sequences (a fault the generator reaches rarely, such
   * as passthrough-accepts-keep-cache under v2, needs tens of thousands of sequences). With
   * {@code --runs} there is no second pass: the counts stay fixed.
   */
  private void secondPass(Engine second, List<Engine.Report> reports, long t0,
      java.util.function.Consumer<Engine.Report> progress) {
    if (runs != null) {
      return;
    }
    List<Integer> missed = new ArrayList<>();
    for (int i = 0; i < reports.size(); i++) {
      if (reports.get(i).interrupted) {
        return;
      }
      if (reports.get(i).violated().isEmpty()) {
        missed.add(i);
      }
    }
    for (int j = 0; j < missed.size(); j++) {
      long left = budgetMillis - (System.nanoTime() - t0) / 1_000_000;
      if (left <= 0) {
        return;
      }
      int i = missed.get(j);
      Engine.Report first = reports.get(i);
      Fault f = Fault.byId(first.label);
      Engine.Report r = second.run(f.id(), Set.of(f), true, left / (missed.size() - j), progress);
      r.sequences += first.sequences; // both passes' sequences, for the table
      r.steps += first.steps;
      reports.set(i, r);
      if (r.interrupted) {
        return;
      }
    }
  }

  private int invariantTable(PrintWriter out, Engine.Report r) {
    out.printf("%-18s %14s %10s %11s %17s%n", "invariant", "steps checked", "sequences", "violations", "first found (ms)");
    for (Engine.Row row : r.rows.values()) {
      out.printf("%-18s %14d %10d %11d %17s%n", row.invariant, row.steps, row.sequences, row.violations,
          row.firstMillis < 0 ? "-" : Long.toString(row.firstMillis));
    }
    out.printf("%d sequences, %d steps in %d ms%s%n", r.sequences, r.steps, r.millis,
        r.interrupted ? " (interrupted: partial table)" : "");
    int code = 0;
    for (Engine.Row row : r.violated()) {
      code = 1;
      counterexampleLine(out, row);
    }
    knownTable(out, known, r);
    if (r.modelExceptions > 0) {
      code = 1;
      out.println("MODEL EXCEPTION in " + r.modelExceptions + " sequence(s); first: " + r.firstModelException);
      out.print("  shrunk (the last statement throws; outcomes are the generator's ?):\n" + r.modelExceptionTrace);
    }
    return code;
  }

  private int faultTable(PrintWriter out, List<Engine.Report> reports) {
    out.printf("%-32s %-6s %-18s %17s %10s %6s %s%n", "fault", "found", "invariant", "first found (ms)",
        "sequences", "steps", "counterexample");
    int code = 0;
    for (Engine.Report r : reports) {
      List<Engine.Row> v = r.violated();
      if (v.isEmpty()) {
        out.printf("%-32s %-6s %-18s %17s %10d %6s %s%n", r.label, "NO", "-", "-", r.sequences, "-",
            r.interrupted ? "(interrupted)" : "(not found within the budget)");
        continue;
      }
      code = 1;
      for (Engine.Row row : v) {
      out.printf("%-32s %-6s %-18s %17d %10d %6s %s%n", r.label, "yes", row.invariant, row.firstMillis,
          r.sequences, row.counterexample == null ? "-" : Integer.toString(row.counterexample.length()),
          row.path != null ? row.path : row.error != null ? "ERROR " + row.error : "-");
      }
    }
    for (Engine.Report r : reports) {
      for (Engine.Row row : r.violated()) {
        if (row.shrink != null) {
          out.println("  " + r.label + ": shrunk " + row.shrink + "; " + row.shapeBefore + " -> " + row.shapeAfter);
        }
      }
      for (Map.Entry<String, Long> e : r.known.count.entrySet()) {
        out.println("  " + r.label + ": known: " + e.getValue() + " hit(s) of " + e.getKey() + " (not counted)");
      }
      if (r.unfaultedFindings > 0) {
        out.println("  " + r.label + ": " + r.unfaultedFindings + " violation(s) also happen with the fault off "
            + "(not counted); first: " + r.firstUnfaultedFinding);
      }
      if (r.modelExceptions > 0) {
        out.println("  " + r.label + ": MODEL EXCEPTION in " + r.modelExceptions + " sequence(s); first: "
            + r.firstModelException);
      }
    }
    return code;
  }

  /**
   * The known findings met: one line per finding ({@code known: 3 hits of ID}), with its invariant,
   * kernel function and first sequence, then the corpus trace that pins it. They do not fail the run.
   */
  static void knownTable(PrintWriter out, fusesim.properties.KnownFindings reg, Engine.Report r) {
    for (Map.Entry<String, Long> e : r.known.count.entrySet()) {
      fusesim.properties.KnownFindings.Finding f = reg.byId(e.getKey());
      out.printf("known: %d hit%s of %s (%s; %s; first in sequence %d): %s%n", e.getValue(), e.getValue() == 1 ? "" : "s",
          f.id(), f.invariant(), f.kernel(), r.known.firstSequence.get(f.id()),
          shortPath(f.file().getParent().resolve(f.traces().get(0))));
    }
  }

  /** A path relative to the repository (fusesim.home) when it is inside it. */
  static Path shortPath(Path p) {
    Path home = Path.of(System.getProperty("fusesim.home", ".")).toAbsolutePath().normalize();
    Path a = p.toAbsolutePath().normalize();
    return a.startsWith(home) ? home.relativize(a) : p.normalize();
  }

  private static void counterexampleLine(PrintWriter out, Engine.Row row) {
    if (row.error != null) {
      out.println("ERROR " + row.invariant + ": no replayable counterexample: " + row.error);
      return;
    }
    out.println("counterexample: " + (row.path != null ? row.path : "(not written)") + "  (" + row.invariant
        + " at line " + row.counterexample.line() + ", " + row.counterexample.length() + " steps; shrunk "
        + row.shrink + "; " + row.shapeBefore + " -> " + row.shapeAfter + ")");
  }
}
