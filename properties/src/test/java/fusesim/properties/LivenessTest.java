package fusesim.properties;

import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.Setup;
import static org.assertj.core.api.Assertions.assertThat;

import fusesim.invariants.Checker;
import fusesim.model.Fault;
import fusesim.model.Faults;
import fusesim.model.series.Semantics;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.Liveness;
import fusesim.traces.replay.ModelReplay;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** LIVENESS-WB: what it excuses, that it fires, and that its counterexamples shrink and replay. */
class LivenessTest {
  /** No state invariant: only LIVENESS-WB can report (the planted fault breaks IOCACHECTR first). */
  private static final Checker NONE = new Checker(List.of());

  private static final String RELEASE_LEAK = "trace: t\nresult: violates LIVENESS-WB at line 11\n\n"
      + "mount passthrough\n"
      + "lower file /a ino=10 size=4096\n"
      + "server backing_open /a = 1\n"
      + "server open /a keep_cache\n"
      + "T1 open(\"/a\", O_RDONLY) = 3\n"
      + "T1 close(3) = 0\n"
      + "server open /a passthrough backing=1\n"
      + "T1 open(\"/a\", O_RDONLY) = -1 EIO\n";

  private static ModelReplay.Result replay(String text, Set<Fault> faults, Checker c) {
    Trace t = TraceParser.parse("t.trace", text);
    return new ModelReplay(t, new Faults(faults), c).run();
  }

  /**
   * With release-skips-io-release the closed cached open leaves iocachectr at 1, so a later
   * passthrough open, in a new open period with a stable policy, fails with EIO: spurious.
   */
  @Test
  void aPlantedFaultMakesItFail() {
    ModelReplay.Result r = replay(RELEASE_LEAK, Set.of(Fault.RELEASE_SKIPS_IO_RELEASE), NONE);
    assertThat(r.met()).as(r.why()).isTrue();
    assertThat(r.violation().invariant().id()).isEqualTo(Liveness.ID);
    assertThat(r.violation().detail()).contains("open() failed with EIO", "passthrough backing=1");
    // without the fault the same open succeeds: the trace no longer breaks anything
    ModelReplay.Result clean = replay(RELEASE_LEAK, Set.of(), Checker.all());
    assertThat(clean.violation()).isNull();
  }

  /** The kernel's documented EIO for a mixed open mode is not spurious (corpus §5.1 row 2). */
  @Test
  void aPolicySwitchWhileOpenIsExcused() {
    String text = "trace: t\nresult: pass\n\nmount passthrough\nlower file /a ino=10 size=4096\n"
        + "server backing_open /a = 1\nserver open /a passthrough backing=1\n"
        + "T1 open(\"/a\", O_RDONLY) = 3\nserver open /a keep_cache\n"
        + "T1 open(\"/a\", O_RDONLY) = -1 EIO\nT1 close(3) = 0\nT1 open(\"/a\", O_RDONLY) = 3\n";
    assertThat(replay(text, Set.of(), Checker.all()).met()).isTrue();
    // a passthrough reply naming a backing id that is not registered is not well-behaved either
    String closed = "trace: t\nresult: pass\n\nmount passthrough\nlower file /a ino=10 size=4096\n"
        + "server backing_open /a = 1\nserver backing_close 1 = 0\nserver open /a passthrough backing=1\n"
        + "T1 open(\"/a\", O_RDONLY) = -1 EIO\n";
    assertThat(replay(closed, Set.of(), Checker.all()).met()).isTrue();
  }

  /** After a crash, an injected error or an explicit reply, nothing is judged any more. */
  @Test
  void theGateSwitchesItOff() {
    String crash = "trace: t\nresult: pass\n\nmount passthrough\nlower file /a ino=10 size=4096\n"
        + "server crash\nT1 open(\"/a\", O_RDONLY) = -1 ENOTCONN\n";
    assertThat(replay(crash, Set.of(), Checker.all()).met()).isTrue();
    String injected = "trace: t\nresult: pass\n\nlower file /a ino=10 size=4096\n"
        + "server open /a EIO\nT1 open(\"/a\", O_RDONLY) = -1 EIO\n";
    assertThat(replay(injected, Set.of(), Checker.all()).met()).isTrue();
    // ... but the same failure with the fault and a stable policy is one (line 11 above)
    assertThat(replay(RELEASE_LEAK.replace("server open /a keep_cache\n", "server open /a keep_cache\nserver crash\n")
        .replace("= 3\nT1 close(3) = 0", "= -1 ENOTCONN").replace("at line 11", "at line 10"),
        Set.of(Fault.RELEASE_SKIPS_IO_RELEASE), NONE).violation()).isNull();
  }

  /** Well-behaved runs break nothing, judge many calls, and excuse failures only for reasons. */
  @Test
  void wellBehavedRunsJudgeManyCallsAndBreakNothing() {
    Setup setup = Setup.of(Semantics.MAINLINE, Set.of(), ServerMode.WELL_BEHAVED);
    long judged = 0;
    Map<String, Long> excused = new TreeMap<>();
    for (long seed = 0; seed < 400; seed++) {
      Generator.Run r = new Generator(setup, Profile.base(ServerMode.WELL_BEHAVED), seed).generate();
      assertThat(r.violation()).as("seed %d", seed).isNull();
      Session s = new Session(setup);
      for (Stmt st : r.stmts()) {
        s.exec(st);
      }
      judged += s.liveness().judged();
      s.liveness().excused().forEach((k, v) -> excused.merge(k, v, Long::sum));
    }
    assertThat(judged).isGreaterThan(4000);
    assertThat(excused).containsKeys("EBADF", "unstable open policy");
    assertThat(excused.keySet()).allMatch(k -> !k.equals("EIO"));
  }

  /** Found by generation with the fault on, shrunk, printed, and replayed to the same line. */
  @Test
  void itsCounterexamplesShrinkAndReplay() {
    Setup setup = new Setup(Semantics.MAINLINE, Set.of(Fault.RELEASE_SKIPS_IO_RELEASE), ServerMode.WELL_BEHAVED, NONE);
    Profile p = Profile.forRun(ServerMode.WELL_BEHAVED, setup.faults());
    Generator.Run found = null;
    for (long seed = 0; seed < 500 && found == null; seed++) {
      Generator.Run r = new Generator(setup, p, seed).generate();
      if (r.violation() != null) {
        found = r;
      }
    }
    assertThat(found).isNotNull();
    assertThat(found.violation().invariant()).isEqualTo(Liveness.ID);
    Shrinker.Result<Stmt> s = TraceShrinker.shrink(setup, found.stmts(), Liveness.ID);
    assertThat(s.stats().complete()).isTrue();
    assertThat(s.items().size()).isLessThanOrEqualTo(10);
    Counterexample cx = Counterexample.of(setup, "liveness", s.items(), List.of("test"));
    assertThat(cx.text()).contains("result: violates LIVENESS-WB at line", "doc: LIVENESS-WB: under a well-behaved");
  }
}
