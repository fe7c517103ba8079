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
 * The SYNC move (issue 12): the base and kernel profiles draw fsync(2) and fdatasync(2), on files
 * and on directories (FSYNCDIR); a fault campaign never does, so its seeds draw as before.
 */
class SyncMoveTest {
  private static String text(Profile p, long seed) {
    Setup setup = Setup.of(Semantics.MAINLINE, Set.of(), ServerMode.WELL_BEHAVED);
    List<Stmt> stmts = new Generator(setup, p, seed).generate().stmts();
    return stmts.stream().map(TracePrinter::print).collect(Collectors.joining("\n"));
  }

  private static String seeds(Profile p) {
    StringBuilder all = new StringBuilder();
    for (long seed = 0; seed < 200; seed++) {
      all.append(text(p, seed)).append('\n');
    }
    return all.toString();
  }

  @Test
  void baseAndKernelProfilesDrawFsyncAndFdatasync() {
    for (Profile p : List.of(Profile.base(ServerMode.WELL_BEHAVED), Profile.forKernel(ServerMode.WELL_BEHAVED))) {
      assertThat(seeds(p)).contains(" fsync(").contains(" fdatasync(");
    }
  }

  @Test
  void faultCampaignsDoNot() {
    for (fusesim.model.Fault f : fusesim.model.Fault.values()) {
      assertThat(Profile.forFault(ServerMode.WELL_BEHAVED, f).weights().get(Profile.Action.SYNC)).isZero();
    }
    assertThat(Profile.base(ServerMode.WELL_BEHAVED).weights().get(Profile.Action.SYNC)).isPositive();
  }
}
