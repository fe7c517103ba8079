package fusesim.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.series.Semantics;
import fusesim.properties.KnownFindings;
import org.junit.jupiter.api.Test;

/**
 * The fixed-seed check of suites (a) and (b): {@code fusesim check --seed 1 --runs N} under
 * mainline and under v2 (MAINLINE-EQUIV included), every invariant after every step, no violation
 * the known-findings registry does not explain (CheckLoop).
 */
class ChecksCheckSuiteTest {
  static final long SEED = 1;
  static final long RUNS = 300;
  private static final KnownFindings KNOWN = Corpus.findings();

  @Test
  void mainlineCheckHasNoUnknownViolation() {
    CheckLoop.Verdict v = CheckLoop.run(Semantics.MAINLINE, SEED, RUNS, KNOWN);
    assertThat(v.failure()).isNull();
    assertThat(v.sequences()).isEqualTo(RUNS);
  }

  @Test
  void v2CheckHasNoUnknownViolation() {
    CheckLoop.Verdict v = CheckLoop.run(Semantics.parse("v2"), SEED, RUNS, KNOWN);
    assertThat(v.failure()).isNull();
    assertThat(v.sequences()).isEqualTo(RUNS);
  }
}
