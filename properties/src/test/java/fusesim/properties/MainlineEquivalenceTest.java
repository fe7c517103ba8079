package fusesim.properties;

import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Setup;
import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.series.Assumption;
import fusesim.model.series.Semantics;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.ModelReplay;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * MAINLINE-EQUIV on sequences: the relation holds for the v2 default on a non-ino mount, is not
 * applied to a passthrough_ino mount, and finds the difference A18=passthrough makes (an OPENDIR
 * reply's FOPEN_PASSTHROUGH honoured without FUSE_PASSTHROUGH_INO).
 */
class MainlineEquivalenceTest {
  private static final String OPENDIR = "mount passthrough\n"
      + "lower dir /d ino=20\n"
      + "lower file /d/x ino=21\n"
      + "server backing_open /d/x = 1\n"
      + "server opendir /d passthrough backing=1\n"
      + "T1 open(\"/d\", O_RDONLY|O_DIRECTORY) = ?\n"
      + "T1 getdents(3) = ?\n";

  private static List<Stmt> body(String text) {
    return TraceParser.parse("t.trace", "trace: t\nresult: pass\n\n" + text).body();
  }

  private static Setup v2(Semantics sem) {
    return Setup.of(sem, Set.of(), ServerMode.ARBITRARY);
  }

  @Test
  void theDefaultV2IsMainlineWithoutPassthroughIno() {
    List<Stmt> seq = body(OPENDIR);
    assertThat(MainlineEquivalence.applies(Semantics.v2(21), seq)).isTrue();
    assertThat(MainlineEquivalence.firstDifference(v2(Semantics.v2(21)), seq)).isNull();
    assertThat(MainlineEquivalence.firstDifference(v2(Semantics.v1()), seq)).isNull();
  }

  @Test
  void aDirectoryPassthroughNotGatedByPassthroughInoDiffers() {
    Setup ungated = v2(Semantics.v2(21).assume(Assumption.DIR_PASSTHROUGH_GATE, "passthrough"));
    List<Stmt> seq = body(OPENDIR);
    MainlineEquivalence.Difference d = MainlineEquivalence.firstDifference(ungated, seq);
    assertThat(d).isNotNull();
    assertThat(d.index()).isBetween(4, 6);
    Counterexample c = Counterexample.equivalence(ungated, "equiv", seq.subList(0, d.index() + 1), List.of("by a test"));
    assertThat(c.invariant()).isEqualTo(MainlineEquivalence.ID);
    assertThat(c.text()).contains("assume: A18=passthrough", "fusesim diff --from mainline");
    assertThat(ModelReplay.run(TraceParser.parse("equiv.trace", c.text())).met()).isTrue();
  }

  @Test
  void aPassthroughInoMountOrAMainlineCampaignIsNotCompared() {
    assertThat(MainlineEquivalence.applies(Semantics.v2(21), body("mount passthrough passthrough_ino\n"))).isFalse();
    assertThat(MainlineEquivalence.applies(Semantics.MAINLINE, body(OPENDIR))).isFalse();
  }
}
