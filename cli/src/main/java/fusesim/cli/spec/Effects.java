package fusesim.cli.spec;

import fusesim.invariants.Checker;
import fusesim.model.Faults;
import fusesim.model.series.Assumption;
import fusesim.model.series.Patch;
import fusesim.model.series.Semantics;
import fusesim.properties.Generator;
import fusesim.properties.Profile;
import fusesim.traces.lang.Trace;
import fusesim.traces.replay.ModelReplay;
import fusesim.traces.replay.Observation;
import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Setup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * What each assumption choice and each patch changes, computed by running the model: the corpus
 * replayed under the baseline and under the alternative (a trace "changes" when its verdict or
 * any step's result or requests differ), and a short deterministic property run (the property
 * engine's generator, sequence i from the i-th value of {@code SplittableRandom(seed)}, servers
 * alternating well-behaved / arbitrary, as {@code fusesim check --seed S --runs N}) reporting the
 * invariants that break.
 */
public final class Effects {
  /** A corpus trace, named by its path under the corpus directory. */
  public record Named(String name, Trace trace) {}

  /** A trace whose outcome differs, and the first difference. */
  public record Change(String trace, String what) {}

  /** An invariant broken in the property run. */
  public record Broken(String invariant, int sequences, long firstSequence, String firstMode,
      String detail) {}

  /** A property run's result: broken invariants by id, sequences run, model exceptions. */
  public record PropRun(String semantics, int runs, Map<String, Broken> broken, int modelErrors,
      String firstModelError) {}

  /** One non-default choice of an assumption. */
  public record ChoiceEffect(Assumption assumption, Assumption.Choice choice, String base,
      List<Change> corpus, PropRun props) {}

  /** One patch: the corpus traces whose outcome changes between v2@(K-1) and v2@K. */
  public record PatchEffect(Patch patch, List<Change> corpus) {}

  public final long seed;
  public final int runs;
  public final List<Named> corpus;
  /** Baseline property runs (every default), by semantics name. */
  public final Map<String, PropRun> baselines = new TreeMap<>();
  public final List<ChoiceEffect> choices = new ArrayList<>();
  public final List<PatchEffect> patches = new ArrayList<>();

  private Effects(long seed, int runs, List<Named> corpus) {
    this.seed = seed;
    this.runs = runs;
    this.corpus = corpus;
  }

  /** Runs everything. */
  public static Effects compute(List<Named> corpus, long seed, int runs) {
    Effects e = new Effects(seed, runs, corpus);
    e.run();
    return e;
  }

  /** The series whose behaviour an assumption is about: v1 for v1-only questions, else v2. */
  public static Semantics baseFor(Assumption a) {
    return a.patches().isEmpty() ? Semantics.v1() : Semantics.v2(Semantics.V2_PATCHES);
  }

  /**
   * The semantics a trace runs under for an assumption: the trace's own series when it is v1 or
   * v2 (the full series), else (a mainline trace) the assumption's series.
   */
  static Semantics traceBase(Trace t, Assumption a) {
    Semantics own = fusesim.traces.replay.StepRunner.semantics(t.file(), t.header());
    if (own.series == Semantics.Series.MAINLINE) {
      return baseFor(a);
    }
    return own.series == Semantics.Series.V1 ? Semantics.v1() : Semantics.v2(own.applied);
  }

  private void run() {
    Map<String, List<String>> cache = new LinkedHashMap<>();
    for (Semantics s : List.of(Semantics.v2(Semantics.V2_PATCHES), Semantics.v1())) {
      baselines.put(s.toString(), props(s));
    }
    for (Assumption a : sortedAssumptions()) {
      for (Assumption.Choice c : a.choices().subList(1, a.choices().size())) {
        List<Change> changes = new ArrayList<>();
        for (Named n : corpus) {
          Semantics base = traceBase(n.trace(), a);
          List<String> before = cache.computeIfAbsent(n.name() + "@" + base.describe(),
              key -> outcome(n.trace(), base));
          List<String> after = outcome(n.trace(), base.assume(a, c.name()));
          String diff = firstDifference(before, after);
          if (diff != null) {
            changes.add(new Change(n.name(), diff));
          }
        }
        Semantics ps = baseFor(a).assume(a, c.name());
        choices.add(new ChoiceEffect(a, c, baseFor(a).toString(), changes, props(ps)));
      }
    }
    List<List<String>> prev = new ArrayList<>();
    for (Named n : corpus) {
      prev.add(outcome(n.trace(), Semantics.v2(0)));
    }
    for (Patch p : Patch.V2) {
      List<Change> changes = new ArrayList<>();
      for (int i = 0; i < corpus.size(); i++) {
        List<String> now = outcome(corpus.get(i).trace(), Semantics.v2(p.number()));
        String diff = firstDifference(prev.get(i), now);
        if (diff != null) {
          changes.add(new Change(corpus.get(i).name(), diff));
        }
        prev.set(i, now);
      }
      patches.add(new PatchEffect(p, changes));
    }
  }

  /** The registry by numeric id (A1, A2, ..., A17). */
  public static List<Assumption> sortedAssumptions() {
    List<Assumption> l = new ArrayList<>(Assumption.ALL);
    l.sort(java.util.Comparator.comparingInt(a -> Integer.parseInt(a.id().substring(1))));
    return l;
  }

  /**
   * A replay's outcome as lines: one per step ({@code line N: = RESULT REQUESTS}, with the
   * expectation's verdict when it was not met), then the violation, then whether the trace met
   * its result. A replay error is one line.
   */
  static List<String> outcome(Trace t, Semantics s) {
    List<String> out = new ArrayList<>();
    try {
      ModelReplay.Result r = new ModelReplay(t, Faults.none(), Checker.all()).withSemantics(s).run();
      for (ModelReplay.Step st : r.steps()) {
        Observation o = st.obs();
        StringBuilder b = new StringBuilder("line " + o.line() + " `" + o.stmt() + "`: ");
        b.append(o.result().isEmpty() ? "(no result)" : "= " + o.result());
        if (!o.requests().isEmpty()) {
          b.append(", requests ").append(String.join(" ", o.requests()));
        }
        out.add(b.toString());
      }
      out.add(r.violation() == null ? "no invariant broke"
          : r.violation().invariant().id() + " broke at line " + r.violationLine());
      out.add(r.met() ? "trace met its result" : "trace did not meet its result: " + r.why());
    } catch (RuntimeException e) {
      out.add("replay error: " + e.getMessage());
    }
    return out;
  }

  /** The first differing line, as "A → B", or null when equal. */
  static String firstDifference(List<String> a, List<String> b) {
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      if (!a.get(i).equals(b.get(i))) {
        String x = a.get(i);
        String y = b.get(i);
        if (y.startsWith("replay error")) {
          return "the replay now stops with a " + y;
        }
        if (x.startsWith("replay error")) {
          return "no longer a " + x + "; now " + y;
        }
        String prefix = commonLinePrefix(x, y);
        return prefix.isEmpty() ? x + " → " + y
            : prefix + x.substring(prefix.length()) + " → " + y.substring(prefix.length());
      }
    }
    if (a.size() != b.size()) {
      return a.size() < b.size() ? "more steps: " + b.get(n) : "fewer steps: " + a.get(n);
    }
    return null;
  }

  /** "line N `stmt`: " when both describe the same step. */
  private static String commonLinePrefix(String x, String y) {
    int c = x.indexOf("`: ");
    if (c > 0 && y.startsWith(x.substring(0, c + 3))) {
      return x.substring(0, c + 3);
    }
    return "";
  }

  /** The property run under {@code s}, with no faults. */
  PropRun props(Semantics s) {
    List<ServerMode> modes = List.of(ServerMode.WELL_BEHAVED, ServerMode.ARBITRARY);
    List<Setup> setups = new ArrayList<>();
    List<Profile> profiles = new ArrayList<>();
    for (ServerMode m : modes) {
      setups.add(Setup.of(s, Set.of(), m));
      profiles.add(Profile.forRun(m, Set.of()));
    }
    SplittableRandom seeds = new SplittableRandom(seed);
    Map<String, Broken> broken = new TreeMap<>();
    int errors = 0;
    String firstError = null;
    for (int i = 0; i < runs; i++) {
      int mi = i % modes.size();
      long seqSeed = seeds.nextLong();
      Generator.Run run;
      try {
        run = new Generator(setups.get(mi), profiles.get(mi), seqSeed).generate();
      } catch (RuntimeException e) {
        if (errors++ == 0) {
          firstError = "sequence " + i + ": " + e.getMessage();
        }
        continue;
      }
      if (run.modelError() != null && errors++ == 0) {
        firstError = "sequence " + i + ": " + run.modelError();
      }
      if (run.violation() != null) {
        String id = run.violation().invariant();
        Broken b = broken.get(id);
        broken.put(id, b == null
            ? new Broken(id, 1, i, modes.get(mi).word, run.violation().detail())
            : new Broken(id, b.sequences() + 1, b.firstSequence(), b.firstMode(), b.detail()));
      }
    }
    return new PropRun(s.describe(), runs, broken, errors, firstError);
  }
}
