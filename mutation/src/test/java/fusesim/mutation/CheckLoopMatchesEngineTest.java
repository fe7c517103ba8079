package fusesim.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.series.Semantics;
import fusesim.properties.Engine;
import fusesim.properties.KnownFindings;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * CheckLoop stands for Engine in the mutation suites: on the unmutated model it must see the same
 * sequences and the same known hits as {@code Engine.run} (same seed, same count), and it must fail
 * where Engine fails. Not a mutation killer itself (not matched by {@code *Suite*}).
 */
class CheckLoopMatchesEngineTest {
  private static final KnownFindings KNOWN = Corpus.findings();

  @Test
  void sameKnownHitsAsEngineOnMainlineAndV2() {
    for (Semantics sem : new Semantics[] {Semantics.MAINLINE, Semantics.parse("v2")}) {
      Engine.Report rep = new Engine(new Engine.Options(sem, CheckLoop.MODES, Set.of(), 0, 7, 400, null))
          .known(KNOWN).run("", Set.of(), false, 0, null);
      CheckLoop.Verdict v = CheckLoop.run(sem, 7, 400, KNOWN);
      assertThat(rep.violated()).as("%s", sem).isEmpty();
      assertThat(v.failure()).as("%s", sem).isNull();
      assertThat(v.knownHits()).as("%s", sem).isEqualTo(rep.known.total()).isPositive();
    }
  }

  /** Without the registry the known findings are failures: the loop can fail. */
  @Test
  void withoutTheRegistryAKnownFindingFails() {
    CheckLoop.Verdict v = CheckLoop.run(Semantics.MAINLINE, 7, 400, KnownFindings.none());
    assertThat(v.failure()).contains("NLOOKUP-BALANCE");
    assertThat(v.sequences()).isLessThan(400);
  }
}
