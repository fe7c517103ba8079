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
 * The generator's default_permissions worlds: the base profile draws them (with an unprivileged
 * T2, and without chown and link, whose checks on such a mount are NotModelled), and so does the
 * kernel profile (issue 12 item 4), with the INIT-flag mount options too; fault profiles never
 * do, so their seeds generate what they generated before.
 */
class DefaultPermissionsWorldTest {
  private static String text(Profile p, long seed) {
    Setup setup = Setup.of(Semantics.MAINLINE, Set.of(), ServerMode.ARBITRARY);
    List<Stmt> stmts = new Generator(setup, p, seed).generate().stmts();
    return stmts.stream().map(TracePrinter::print).collect(Collectors.joining("\n"));
  }

  @Test
  void baseProfileMountsWithDefaultPermissionsAndAnUnprivilegedThread() {
    int worlds = 0;
    for (long seed = 0; seed < 80; seed++) {
      String t = text(Profile.base(ServerMode.ARBITRARY), seed);
      if (!t.lines().findFirst().orElse("").contains("default_permissions")) {
        continue;
      }
      worlds++;
      assertThat(t).contains("thread T2 uid=1000 gid=1000");
      assertThat(t).doesNotContain("chown(").doesNotContain(" link(");
    }
    assertThat(worlds).isBetween(5, 60);
  }

  @Test
  void kernelProfileDrawsThemTooFaultProfilesNever() {
    int worlds = 0;
    for (long seed = 0; seed < 80; seed++) {
      String first = text(Profile.forKernel(ServerMode.ARBITRARY), seed).lines().findFirst().orElse("");
      worlds += first.contains("default_permissions") ? 1 : 0;
      assertThat(text(Profile.forFault(ServerMode.ARBITRARY, fusesim.model.Fault.values()[0]), seed))
          .doesNotContain("default_permissions");
    }
    assertThat(worlds).isBetween(5, 60); // issue 12 item 4: kernel fuzz mounts with default_permissions
  }

  @Test
  void kernelProfileMountsWithInitFlagsTheBaseProfileNot() {
    StringBuilder kernel = new StringBuilder();
    StringBuilder base = new StringBuilder();
    for (long seed = 0; seed < 80; seed++) {
      kernel.append(text(Profile.forKernel(ServerMode.ARBITRARY), seed).lines().findFirst().orElse("")).append('\n');
      base.append(text(Profile.base(ServerMode.ARBITRARY), seed).lines().findFirst().orElse("")).append('\n');
    }
    assertThat(kernel.toString()).contains("atomic_o_trunc", "handle_killpriv ", "handle_killpriv_v2", "no_flush");
    // check's seeds draw as before the kernel-only options existed
    assertThat(base.toString()).doesNotContain("atomic_o_trunc", "handle_killpriv", "no_flush");
  }
}
