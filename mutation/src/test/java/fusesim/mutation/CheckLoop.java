package fusesim.mutation;

import fusesim.model.series.Semantics;
import fusesim.properties.Generator;
import fusesim.properties.KnownFindings;
import fusesim.properties.MainlineEquivalence;
import fusesim.properties.Profile;
import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Setup;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code fusesim check --seed S --runs N --semantics SEM} without faults, reduced to its verdict:
 * the same sequences as {@code Engine.run} (one SplittableRandom(seed) draws each sequence's seed,
 * the server modes alternate well-behaved, arbitrary) and the same judgement (a violation the
 * known-findings registry does not explain, a model exception, a MAINLINE-EQUIV difference), but
 * it stops at the first failure and shrinks nothing: a mutant is killed as soon as the check would
 * fail, and shrinking (seconds per violation) is not part of the verdict. {@link
 * CheckLoopMatchesEngineTest} holds it to Engine's counts on the unmutated model.
 */
final class CheckLoop {
  static final List<ServerMode> MODES = List.of(ServerMode.WELL_BEHAVED, ServerMode.ARBITRARY);

  /** The first failure, or null; and the known hits and sequences seen. */
  record Verdict(String failure, long knownHits, long sequences) {}

  private CheckLoop() {}

  static Verdict run(Semantics sem, long seed, long runs, KnownFindings known) {
    List<Setup> setups = MODES.stream().map(m -> Setup.of(sem, Set.of(), m)).toList();
    List<Profile> profiles = MODES.stream().map(m -> Profile.forRun(m, Set.of())).toList();
    SplittableRandom seeds = new SplittableRandom(seed);
    long knownHits = 0;
    for (long i = 0; i < runs; i++) {
      int mi = (int) (i % setups.size());
      Setup setup = setups.get(mi);
      Generator.Run run = new Generator(setup, profiles.get(mi), seeds.nextLong()).generate();
      String where = sem + " seed " + seed + " sequence " + i + " (" + MODES.get(mi).word + "): ";
      if (run.modelError() != null) {
        return new Verdict(where + "model exception: " + run.modelError(), knownHits, i + 1);
      }
      if (MainlineEquivalence.applies(sem, run.stmts())) {
        MainlineEquivalence.Difference d = MainlineEquivalence.firstDifference(setup, run.stmts());
        if (d != null) {
          return new Verdict(where + MainlineEquivalence.ID + ": " + d.detail(), knownHits, i + 1);
        }
      }
      if (run.violation() != null) {
        if (known.match(setup, run.stmts(), run.violation()) == null) {
          return new Verdict(where + run.violation().invariant() + ": " + run.violation().detail(), knownHits, i + 1);
        }
        knownHits++;
      }
    }
    return new Verdict(null, knownHits, runs);
  }
}
