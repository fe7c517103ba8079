package fusesim.properties;

import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.Setup;
import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.Fault;
import fusesim.model.series.Semantics;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.TraceParser;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shrinker deletes a world backing_open whose id is not needed and renumbers the later ids. */
class BackingRenumberTest {
  private static List<Stmt> body(String text) {
    return TraceParser.parse("t.trace", "trace: t\nresult: pass\n\n" + text).body();
  }

  private static final String WORLD = "mount passthrough passthrough_ino\n"
      + "lower file /a ino=10\n"
      + "lower file /c ino=11\n"
      + "server backing_open /a = 1\n"
      + "server backing_open /c = 2\n"
      + "server backing_open /c ops=read,write,getattr,setattr = 3\n"
      + "server lookup /c entry backing=3\n";

  @Test
  void eachUnnamedBackingOpenGoesWithTheLaterIdsRenumbered() {
    List<List<Stmt>> cands = TraceShrinker.backingRenumberings(body(WORLD + "T1 open(\"/c\", O_RDONLY) = ?\n"));
    assertThat(cands).hasSize(2); // the third is named by nothing after it: plain deletion does that
    assertThat(SuiteTest.text(cands.get(0))).doesNotContain("backing_open /a")
        .contains("server lookup /c entry backing=2\n");
    assertThat(SuiteTest.text(cands.get(1))).contains("backing_open /a").doesNotContain("backing_open /c = 2")
        .contains("server lookup /c entry backing=2\n");
  }

  @Test
  void aBackingOpenWhoseIdIsNamedLaterStays() {
    List<List<Stmt>> cands = TraceShrinker.backingRenumberings(body(WORLD + "server open /a passthrough backing=1\n"));
    // dropping /a's id 1 would orphan the open policy; dropping /c = 2 renumbers 3 to 2
    assertThat(cands).hasSize(1);
    assertThat(SuiteTest.text(cands.get(0))).contains("server open /a passthrough backing=1\n",
        "server lookup /c entry backing=2\n");
  }

  @Test
  void aSeriesFaultShrinksToTheLifetimeBackingAlone() {
    Setup setup = Setup.of(Semantics.v2(Semantics.V2_PATCHES), Set.of(Fault.LIFETIME_ALLOWS_CACHED_OPEN),
        ServerMode.WELL_BEHAVED);
    List<Stmt> failing = body(WORLD + "T1 open(\"/c\", O_RDONLY) = ?\n");
    assertThat(Session.run(setup, failing, false).status()).isEqualTo(Session.Status.VIOLATED);
    Shrinker.Result<Stmt> s = TraceShrinker.shrink(setup, failing, "IOMODE-EXCL");
    assertThat(SuiteTest.text(s.items())).isEqualTo("mount passthrough passthrough_ino\n"
        + "lower file /c ino=11\n"
        + "server backing_open /c ops=read,write,getattr,setattr = 1\n"
        + "server lookup /c entry backing=1\n"
        + "T1 open(\"/c\", O_RDONLY) = ?\n");
  }
}
