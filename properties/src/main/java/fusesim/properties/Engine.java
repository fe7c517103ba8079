package fusesim.properties;

import fusesim.invariants.Invariant;
import fusesim.invariants.Invariants;
import fusesim.model.Fault;
import fusesim.model.series.Semantics;
import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.Setup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The property suite: seeded random sequences under a budget, every invariant checked after every
 * step, and each first violation shrunk, printed as a trace, confirmed by replay and written out.
 *
 * <p>Determinism contract: sequence {@code i} of a campaign is generated from the i-th value of
 * {@code SplittableRandom(seed)} (for {@code both} modes, even sequences are well-behaved and odd
 * ones arbitrary), and shrinking is bounded by attempts, not time. So for the same seed, semantics,
 * faults and number of sequences, the violations, counterexample texts and counts are the same
 * byte for byte; only the times differ, and a time budget decides how many sequences run.
 */
public final class Engine {
  /** What to run. {@code maxSequences} 0 means: until the budget is spent. */
  public record Options(Semantics semantics, List<ServerMode> modes, Set<Fault> faults, long budgetMillis,
      long seed, long maxSequences, Path outDir) {}

  /** One invariant's row of the table. */
  public static final class Row {
    public final String invariant;
    public long steps;
    public long sequences;
    public long violations;
    public long firstMillis = -1;
    public long firstSequence = -1;
    public Counterexample counterexample;
    public Shrinker.Stats shrink;
    /** Held calls and threads of the failing sequence and of its shrunk form. */
    public TraceShrinker.Shape shapeBefore;
    public TraceShrinker.Shape shapeAfter;
    public Path path;
    public String error;
    /** How many violations were shrunk; the shortest result is kept. */
    public int candidates;
    long improveUntil;

    Row(String invariant) {
      this.invariant = invariant;
    }
  }

  /** A campaign's results: rows by invariant, totals, model exceptions. */
  public static final class Report {
    public final String label;
    public final Map<String, Row> rows = new LinkedHashMap<>();
    public long sequences;
    public long steps;
    public long millis;
    public long modelExceptions;
    public String firstModelException;
    /** The first model exception's sequence, shrunk (statements as text, the last one throws). */
    public String modelExceptionTrace;
    public boolean interrupted;
    /** Fault campaigns: violations that happen with the faults off too (not the fault's). */
    public long unfaultedFindings;
    public String firstUnfaultedFinding;
    /** Violations explained by a known finding (traces/corpus/findings): counted, not failed. */
    public final KnownFindings.Hits known = new KnownFindings.Hits();

    Report(String label, boolean equivalence) {
      this.label = label;
      for (Invariant inv : Invariants.ALL) {
        rows.put(inv.id(), new Row(inv.id()));
      }
      for (Invariant inv : Session.STATEMENT_CHECKS) {
        rows.put(inv.id(), new Row(inv.id()));
      }
      if (equivalence) {
        rows.put(MainlineEquivalence.ID, new Row(MainlineEquivalence.ID));
      }
    }

    public List<Row> violated() {
      List<Row> r = new ArrayList<>();
      for (Row row : rows.values()) {
        if (row.violations > 0) {
          r.add(row);
        }
      }
      return r;
    }
  }

  /** After the first violation of an invariant, up to this many more are shrunk (shortest kept). */
  static final int IMPROVE_CANDIDATES = 6;
  static final long IMPROVE_NANOS = 1_000_000_000L;

  private final Options o;
  private volatile boolean stop;
  private KnownFindings known = KnownFindings.none();

  public Engine(Options o) {
    this.o = o;
  }

  /**
   * The registry each violation is matched against: a violation it explains is counted in
   * {@link Report#known} and not as a violation (it does not fail the run). Default: none.
   */
  public Engine known(KnownFindings k) {
    this.known = k;
    return this;
  }

  /** Asks a running campaign to stop after the current sequence (Ctrl-C). */
  public void stop() {
    stop = true;
  }

  /**
   * Runs one campaign with the options' faults all on. {@code stopAtFirst}: return at the first
   * violation (fault campaigns). {@code progress} receives the report every ~200 ms.
   */
  public Report run(String label, Set<Fault> faults, boolean stopAtFirst, long budgetMillis,
      Consumer<Report> progress) {
    Report rep = new Report(label, o.semantics().series != fusesim.model.series.Semantics.Series.MAINLINE);
    long t0 = System.nanoTime();
    long deadline = t0 + budgetMillis * 1_000_000L;
    long lastProgress = t0;
    SplittableRandom seeds = new SplittableRandom(o.seed());
    List<Setup> setups = new ArrayList<>();
    List<Profile> profiles = new ArrayList<>();
    for (ServerMode m : o.modes()) {
      setups.add(Setup.of(o.semantics(), faults, m));
      profiles.add(Profile.forRun(m, faults));
    }
    for (long i = 0; !stop; i++) {
      long now = System.nanoTime();
      if ((o.maxSequences() > 0 && i >= o.maxSequences()) || (o.maxSequences() == 0 && now > deadline)) {
        break;
      }
      int mi = (int) (i % setups.size());
      long seqSeed = seeds.nextLong();
      Generator.Run run = new Generator(setups.get(mi), profiles.get(mi), seqSeed).generate();
      rep.sequences++;
      rep.steps += run.steps();
      for (Row row : rep.rows.values()) {
        if (!row.invariant.equals(MainlineEquivalence.ID)) {
          row.sequences++;
          row.steps += run.steps();
        }
      }
      Row equiv = rep.rows.get(MainlineEquivalence.ID);
      if (equiv != null && run.modelError() == null
          && MainlineEquivalence.applies(o.semantics(), run.stmts())) {
        equivalence(equiv, setups.get(mi), run, label, i, t0);
      }
      if (run.modelError() != null) {
        if (rep.modelExceptions++ == 0) {
          rep.firstModelException = "sequence " + i + " (" + o.modes().get(mi).word + "): " + run.modelError();
          rep.modelExceptionTrace = shrinkModelException(setups.get(mi), run);
        }
      }
      KnownFindings.Finding kf = run.violation() == null ? null
          : known.match(setups.get(mi), run.stmts(), run.violation());
      if (kf != null) {
        rep.known.add(kf, i); // a known finding: its own table, not a failure
      } else if (run.violation() != null && !faults.isEmpty()
          && TraceShrinker.violatesWithoutFaults(setups.get(mi), run.stmts(), run.violation().invariant())) {
        // not the fault's doing: a behaviour of the unfaulted model (reported, not counted)
        if (rep.unfaultedFindings++ == 0) {
          rep.firstUnfaultedFinding = "sequence " + i + ": " + run.violation().invariant() + ": "
              + run.violation().detail();
        }
      } else if (run.violation() != null) {
        Row row = rep.rows.get(run.violation().invariant());
        row.violations++;
        if (row.counterexample == null && row.error == null) {
          row.firstMillis = (System.nanoTime() - t0) / 1_000_000;
          row.firstSequence = i;
          row.improveUntil = System.nanoTime() + IMPROVE_NANOS;
          counterexample(row, setups.get(mi), run, label, i, faults);
        } else if (row.candidates < IMPROVE_CANDIDATES && (o.maxSequences() > 0 || System.nanoTime() < row.improveUntil)) {
          // a few more violations of the same invariant, shrunk too: keep the shortest story
          counterexample(row, setups.get(mi), run, label, i, faults);
        }
        if (stopAtFirst && (row.candidates >= IMPROVE_CANDIDATES
            || (o.maxSequences() == 0 && System.nanoTime() >= row.improveUntil))) {
          break;
        }
      }
      if (progress != null && System.nanoTime() - lastProgress > 200_000_000L) {
        lastProgress = System.nanoTime();
        rep.millis = (lastProgress - t0) / 1_000_000;
        progress.accept(rep);
      }
    }
    rep.interrupted = stop;
    rep.millis = (System.nanoTime() - t0) / 1_000_000;
    return rep;
  }

  /** Runs the sequence under mainline too; a difference is counted, shrunk and written out. */
  private void equivalence(Row row, Setup setup, Generator.Run run, String label, long seq, long t0) {
    row.sequences++;
    row.steps += run.steps();
    MainlineEquivalence.Difference d = MainlineEquivalence.firstDifference(setup, run.stmts());
    if (d == null) {
      return;
    }
    row.violations++;
    if (row.counterexample != null || row.error != null) {
      return;
    }
    row.firstMillis = (System.nanoTime() - t0) / 1_000_000;
    row.firstSequence = seq;
    row.candidates++;
    try {
      Shrinker.Result<fusesim.traces.lang.Stmt> s = TraceShrinker.shrink(run.stmts(), cand -> {
        if (!MainlineEquivalence.applies(setup.semantics(), cand)) {
          return null;
        }
        Session.Result r = Session.run(setup, cand, false);
        if (r.status() == Session.Status.INVALID) {
          return null;
        }
        MainlineEquivalence.Difference e = MainlineEquivalence.firstDifference(setup, r.stmts());
        return e == null ? null : List.copyOf(r.stmts().subList(0, Math.min(e.index() + 1, r.stmts().size())));
      }, TraceShrinker.MAX_ATTEMPTS, TraceShrinker.MAX_MILLIS);
      row.shrink = s.stats();
      row.shapeBefore = TraceShrinker.Shape.of(run.stmts());
      row.shapeAfter = TraceShrinker.Shape.of(s.items());
      String name = (label.isEmpty() ? "" : label + "-") + row.invariant + "-" + Long.toUnsignedString(o.seed());
      List<String> how = List.of("found by: fusesim check --seed " + Long.toUnsignedString(o.seed())
          + " --semantics " + setup.semantics() + " (sequence " + seq + ", " + setup.mode().word + " server)",
          "shrunk from " + s.stats().before() + " to " + s.stats().after() + " steps in "
          + s.stats().attempts() + " attempts" + (s.stats().complete() ? ", 1-minimal" : ", cut short"));
      row.counterexample = Counterexample.equivalence(setup, name, s.items(), how);
      if (o.outDir() != null) {
        Files.createDirectories(o.outDir());
        row.path = o.outDir().resolve(name + ".trace");
        Files.writeString(row.path, row.counterexample.text(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      row.error = e.getMessage();
    }
  }

  private static String shrinkModelException(Setup setup, Generator.Run run) {
    String want = "model exception: " + run.modelError();
    Shrinker.Result<fusesim.traces.lang.Stmt> s = new Shrinker<fusesim.traces.lang.Stmt>(cand -> {
      Session.Result r = Session.run(setup, cand, false);
      return want.equals(r.invalid()) ? List.copyOf(r.stmts()) : null;
    }, TraceShrinker::simpler, TraceShrinker::rewrites, TraceShrinker.MAX_ATTEMPTS,
        TraceShrinker.MAX_MILLIS).shrink(run.stmts());
    StringBuilder sb = new StringBuilder();
    for (fusesim.traces.lang.Stmt st : s.items()) {
      sb.append("    ").append(fusesim.traces.lang.TracePrinter.print(st)).append('\n');
    }
    return sb.toString();
  }

  private void counterexample(Row row, Setup setup, Generator.Run run, String label, long seq, Set<Fault> faults) {
    try {
      row.candidates++;
      Shrinker.Result<fusesim.traces.lang.Stmt> s = TraceShrinker.shrink(setup, run.stmts(), row.invariant);
      if (row.counterexample != null && s.items().size() >= row.counterexample.length()) {
        return;
      }
      row.shrink = s.stats();
      String name = (label.isEmpty() ? "" : label + "-") + row.invariant + "-" + Long.toUnsignedString(o.seed());
      List<String> how = new ArrayList<>();
      String faultArgs = "";
      for (Fault f : faults) {
        faultArgs += " --fault " + f.id();
      }
      how.add("found by: fusesim check --seed " + Long.toUnsignedString(o.seed()) + " --semantics "
          + setup.semantics() + faultArgs + " (sequence " + seq + ", " + setup.mode().word + " server)");
      row.shapeBefore = TraceShrinker.Shape.of(run.stmts());
      row.shapeAfter = TraceShrinker.Shape.of(s.items());
      how.add("shrunk from " + s.stats().before() + " to " + s.stats().after() + " steps in "
          + s.stats().attempts() + " attempts" + (s.stats().complete() ? ", 1-minimal" : ", cut short")
          + "; " + row.shapeBefore + " -> " + row.shapeAfter);
      if (!faults.isEmpty()) {
        how.add("model faults on:" + faultArgs.replace(" --fault", "") + " (replay with: fusesim replay"
            + faultArgs + " FILE)");
      }
      row.counterexample = Counterexample.of(setup, name, s.items(), how);
      row.error = null;
      if (o.outDir() != null) {
        Files.createDirectories(o.outDir());
        row.path = o.outDir().resolve(name + ".trace");
        Files.writeString(row.path, row.counterexample.text(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      row.error = e.getMessage();
    }
  }
}
