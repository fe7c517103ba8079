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

/** The shrinker turns held calls into sequential ones when the same invariant still breaks. */
class SequentialiseTest {
  private static final Setup FORGET = Setup.of(Semantics.MAINLINE, Set.of(Fault.FORGET_WRONG_NLOOKUP),
      ServerMode.WELL_BEHAVED);

  private static List<Stmt> body(String text) {
    return TraceParser.parse("t.trace", "trace: t\nresult: pass\n\n" + text).body();
  }

  /** A lookup held for no reason: the FORGET bug needs the lookup, not the concurrency. */
  private static final String HELD = "lower file /a ino=10 nlink=2\n"
      + "lower link /b -> /a\n"
      + "server hold lookup\n"
      + "T2 stat(\"/b\" <unfinished ...>\n"
      + "T3 stat(\"/a\" <unfinished ...>\n"
      + "server reply T3 lookup\n"
      + "T3 <... stat resumed>) = ?\n"
      + "server reply T2 lookup\n"
      + "T2 <... stat resumed>) = ?\n"
      + "drop_caches\n";

  @Test
  void heldCallsBecomeSequentialAndThreadsFewer() {
    List<Stmt> failing = body(HELD);
    assertThat(Session.run(FORGET, failing, false).status()).isEqualTo(Session.Status.VIOLATED);
    Shrinker.Result<Stmt> s = TraceShrinker.shrink(FORGET, failing, "NLOOKUP-BALANCE");
    assertThat(s.stats().complete()).isTrue();
    assertThat(SuiteTest.text(s.items())).isEqualTo("lower file /a ino=10\nlower link /b -> /a\nT1 stat(\"/b\") = ?\n"
        + "T1 stat(\"/a\") = ?\ndrop_caches\n");
    assertThat(TraceShrinker.Shape.of(failing)).isEqualTo(new TraceShrinker.Shape(2, 2));
    assertThat(TraceShrinker.Shape.of(s.items())).isEqualTo(new TraceShrinker.Shape(0, 1));
  }

  /** Without the sequentialising rewrites the held call cannot go (a 1-minimal but concurrent trace). */
  @Test
  void withoutThemTheHoldStays() {
    List<Stmt> failing = body(HELD);
    Shrinker.Result<Stmt> s = new Shrinker<Stmt>(cand -> {
      Session.Result r = Session.run(FORGET, cand, false);
      return r.status() == Session.Status.VIOLATED && r.violation().invariant().equals("NLOOKUP-BALANCE")
          ? List.copyOf(r.stmts()) : null;
    }, TraceShrinker::simpler, TraceShrinker::threadRenames, TraceShrinker.MAX_ATTEMPTS,
        TraceShrinker.MAX_MILLIS).shrink(failing);
    assertThat(SuiteTest.text(s.items())).contains("server hold lookup", "<unfinished ...>");
  }

  /** A call whose concurrency matters stays held: the candidates are rejected by the test. */
  @Test
  void aNeededHoldStays() {
    // cache-wait-ignores-dio: the cached open must come while the parallel direct write is in flight
    Setup dio = Setup.of(Semantics.MAINLINE, Set.of(Fault.CACHE_WAIT_IGNORES_DIO), ServerMode.WELL_BEHAVED);
    List<Stmt> failing = body("mount passthrough\nlower file /a ino=10 size=4096\n"
        + "server open /a direct_io,parallel_direct_writes\n"
        + "T1 open(\"/a\", O_RDWR) = ?\n"
        + "server hold write\n"
        + "T1 pwrite(3, 4096, 0 <unfinished ...>\n"
        + "server open /a keep_cache\n"
        + "T2 open(\"/a\", O_RDONLY) = ?\n"
        + "server reply T1 write\n"
        + "T1 <... pwrite resumed>) = ?\n");
    Session.Result r = Session.run(dio, failing, false);
    assertThat(r.status()).as(String.valueOf(r.invalid())).isEqualTo(Session.Status.VIOLATED);
    Shrinker.Result<Stmt> s = TraceShrinker.shrink(dio, failing, r.violation().invariant());
    assertThat(TraceShrinker.Shape.of(s.items()).heldCalls()).isEqualTo(1);
  }

  @Test
  void candidatesPlaceTheCallWhereItStartedOrReturned() {
    List<List<Stmt>> c = TraceShrinker.sequentialisations(body(HELD));
    assertThat(c).isNotEmpty();
    String all = SuiteTest.text(c.get(0));
    assertThat(all).doesNotContain("hold", "unfinished", "resumed", "server reply");
    assertThat(all).contains("T2 stat(\"/b\") = ?\nT3 stat(\"/a\") = ?\ndrop_caches");
    // placed where they returned: T3 first
    assertThat(SuiteTest.text(c.get(1))).contains("T3 stat(\"/a\") = ?\nT2 stat(\"/b\") = ?\ndrop_caches");
    assertThat(TraceShrinker.sequentialisations(body("lower file /a ino=10\nT1 stat(\"/a\") = ?\n"))).isEmpty();
  }
}
