package fusesim.properties;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.series.Semantics;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.TracePrinter;
import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Setup;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The VECTOR and UTIMES moves (issue 12): check's base profile draws preadv(2)/pwritev(2) and
 * utimensat(2)/futimens(2) with each kind of time; the kernel fuzz profile and fault campaigns
 * never do, so their seeds draw as before the moves existed.
 */
class VectorUtimesMoveTest {
  private static String seeds(Profile p) {
    Setup setup = Setup.of(Semantics.MAINLINE, Set.of(), ServerMode.WELL_BEHAVED);
    StringBuilder all = new StringBuilder();
    for (long seed = 0; seed < 200; seed++) {
      List<Stmt> stmts = new Generator(setup, p, seed).generate().stmts();
      all.append(stmts.stream().map(TracePrinter::print).collect(Collectors.joining("\n"))).append('\n');
    }
    return all.toString();
  }

  @Test
  void baseProfileDrawsThemTheKernelProfileDoesNot() {
    String base = seeds(Profile.base(ServerMode.WELL_BEHAVED));
    assertThat(base).contains(" preadv(", " pwritev(", " utimensat(", " futimens(")
        .contains("NULL", "UTIME_NOW", "UTIME_OMIT", "{tv_sec=5, tv_nsec=0}");
    assertThat(seeds(Profile.forKernel(ServerMode.WELL_BEHAVED)))
        .doesNotContain(" preadv(", " pwritev(", " utimensat(", " futimens(");
  }

  @Test
  void faultCampaignsDoNot() {
    for (fusesim.model.Fault f : fusesim.model.Fault.values()) {
      Profile p = Profile.forFault(ServerMode.WELL_BEHAVED, f);
      assertThat(p.weights().get(Profile.Action.VECTOR)).isZero();
      assertThat(p.weights().get(Profile.Action.UTIMES)).isZero();
    }
    assertThat(Profile.forKernelEntryOps(ServerMode.WELL_BEHAVED).weights().get(Profile.Action.UTIMES)).isZero();
  }
}
