package fusesim.traces.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.Faults;
import fusesim.model.series.Semantics;
import fusesim.invariants.Checker;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.ModelReplay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Mainline equivalence (issue 4): without FUSE_PASSTHROUGH_INO negotiated, every prefix of the
 * series gives the observables of mainline. Every mainline corpus trace (mainline/; none
 * negotiates passthrough_ino) is replayed under v2@K for every K and under v1, and each step's result, the
 * requests it sent and the invariant verdict must equal mainline's.
 */
class MainlineEquivalenceTest {
  private static final Path MAINLINE = Path.of("corpus", "mainline");

  @TestFactory
  Stream<DynamicTest> everyPrefixOfTheSeriesIsMainlineWithoutPassthroughIno() throws IOException {
    List<Path> traces;
    try (Stream<Path> s = Files.list(MAINLINE)) {
      traces = s.filter(p -> p.toString().endsWith(".trace")).sorted().toList();
    }
    assertThat(traces).hasSizeGreaterThan(50);
    return traces.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
      Trace t = TraceParser.parse(p.toString(), Files.readString(p));
      assertThat(String.join("\n", Files.readAllLines(p))).doesNotContain("passthrough_ino");
      ModelReplay.Result base = new ModelReplay(t, Faults.none(), Checker.all())
          .withSemantics(Semantics.MAINLINE).run();
      for (int k = 0; k <= Semantics.V2_PATCHES + 1; k++) {
        Semantics sem = k > Semantics.V2_PATCHES ? Semantics.v1() : Semantics.v2(k);
        ModelReplay.Result r = new ModelReplay(t, Faults.none(), Checker.all()).withSemantics(sem).run();
        assertThat(r.steps()).as("%s under %s", p, sem).hasSameSizeAs(base.steps());
        for (int i = 0; i < base.steps().size(); i++) {
          var a = base.steps().get(i);
          var b = r.steps().get(i);
          assertThat(b.obs().result()).as("%s line %d under %s", p, a.obs().line(), sem)
              .isEqualTo(a.obs().result());
          assertThat(b.obs().requests()).as("%s line %d requests under %s", p, a.obs().line(), sem)
              .isEqualTo(a.obs().requests());
          assertThat(b.violations()).as("%s line %d verdict under %s", p, a.obs().line(), sem)
              .isEqualTo(a.violations());
        }
      }
    }));
  }
}
