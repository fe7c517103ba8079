package fusesim.traces.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.model.Faults;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.lang.TraceSemanticError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The statement protocol: a resumed line pairs with its thread's unfinished call (and nothing
 * else), a call stated {@code = ?} that blocks is recorded as blocked only when accepted, a
 * judge sees the same call object start and return, the fds and mappings a trace names must
 * have been made when the backend asks for it.
 */
class TraceDriverTest {
  private static final String HELD = "mount\nlower file /a ino=10 size=4096\nT1 open(\"/a\", O_RDONLY) = 3\n"
      + "server hold read\n";

  private static List<Stmt> body(String body) {
    Trace t = TraceParser.parse("t", "trace: t\nresult: pass\n\n" + body);
    return t.body();
  }

  private static StepRunner runner() {
    return new StepRunner("t", StepRunner.newKernel(
        TraceParser.parse("t", "trace: t\nresult: pass\n").header(), Faults.none()));
  }

  /** Runs every statement; returns the driver's event after each. */
  private static List<TraceDriver.Event> run(StepRunner r, List<Stmt> stmts) {
    List<TraceDriver.Event> out = new ArrayList<>();
    for (Stmt s : stmts) {
      Observation o = r.execute(s);
      assertThat(o.verdict()).as(o.stmt()).isNull();
      out.add(r.driver().lastEvent());
    }
    return out;
  }

  @Test
  void aResumedLineReturnsTheCallItsUnfinishedLineStarted() {
    StepRunner r = runner();
    List<TraceDriver.Event> ev = run(r, body(HELD + "T1 read(3, 10 <unfinished ...>\nserver reply T1 read\n"
        + "T1 <... read resumed>) = 10\n"));
    TraceDriver.Event started = ev.get(4);
    TraceDriver.Event returned = ev.get(6);
    assertThat(started.returned()).isFalse();
    assertThat(returned.returned()).isTrue();
    assertThat(returned.call()).isSameAs(started.call());
    assertThat(started.call().line()).isInstanceOf(Stmt.Unfinished.class);
    assertThat(ev.get(5)).isNull(); // the server's reply is no call
    assertThat(r.driver().inFlight()).isEmpty();
  }

  @Test
  void whileTheCallIsBlockedItIsInFlightAndNotDue() {
    StepRunner r = runner();
    run(r, body(HELD + "T1 read(3, 10 <unfinished ...>\n"));
    assertThat(r.driver().inFlight()).containsOnlyKeys("T1");
    assertThat(r.driver().returnedInFlight()).isEmpty();
    run(r, body("server reply T1 read\n"));
    assertThat(r.driver().returnedInFlight()).containsExactly("T1");
  }

  @Test
  void aResumedLineWithoutItsUnfinishedOneIsASemanticError() {
    StepRunner r = runner();
    run(r, body(HELD));
    List<Stmt> resumed = body("T1 <... read resumed>) = 10\n");
    assertThatThrownBy(() -> r.execute(resumed.get(0))).isInstanceOf(TraceSemanticError.class)
        .hasMessageContaining("T1 has no unfinished call to resume");
    run(r, body("T1 read(3, 10 <unfinished ...>\n"));
    List<Stmt> other = body("T1 <... pread resumed>) = 10\n");
    assertThatThrownBy(() -> r.execute(other.get(0))).hasMessageContaining("T1 is in read(), not pread()");
  }

  @Test
  void aStillBlockedCallIsNotResumed() {
    StepRunner r = runner();
    run(r, body(HELD + "T1 read(3, 10 <unfinished ...>\n"));
    Observation o = r.execute(body("T1 <... read resumed>) = 10\n").get(0));
    assertThat(o.verdict()).isEqualTo("read() is still blocked waiting for the server's reply to READ(10,fh=1,offset=0)");
    assertThat(r.driver().inFlight()).containsOnlyKeys("T1");
  }

  @Test
  void aBlockingCallOfUnknownOutcomeIsRecordedAsBlockedOnlyWhenAccepted() {
    StepRunner plain = runner();
    run(plain, body(HELD));
    Observation o = plain.execute(body("T1 read(3, 10) = ?\n").get(0));
    assertThat(o.verdict()).contains("read() blocked waiting for").contains("write it as <unfinished ...>");
    assertThat(plain.driver().inFlight()).isEmpty();

    StepRunner accepting = runner();
    run(accepting, body(HELD));
    StepRunner.Step step = accepting.run(body("T1 read(3, 10) = ?\n").get(0));
    assertThat(step.stmt()).isInstanceOf(Stmt.Unfinished.class);
    assertThat(step.observation().stmt()).isEqualTo("T1 read(3, 10 <unfinished ...>");
    assertThat(accepting.inFlight()).containsOnlyKeys("T1");
    assertThat(accepting.driver().lastEvent().returned()).isFalse();
  }

  @Test
  void aCallThatReturnsIsNotRecordedAsBlocked() {
    StepRunner r = runner();
    run(r, body(HELD.replace("server hold read\n", "")));
    StepRunner.Step step = r.run(body("T1 read(3, 10) = ?\n").get(0));
    assertThat(step.stmt()).isInstanceOf(Stmt.Call.class);
    assertThat(r.driver().lastEvent().returned()).isTrue();
    assertThat(r.inFlight()).isEmpty();
  }

  @Test
  void aThreadInACallMakesNoOtherCall() {
    StepRunner r = runner();
    run(r, body(HELD + "T1 read(3, 10 <unfinished ...>\n"));
    assertThatThrownBy(() -> r.execute(body("T1 fstat(3) = 0\n").get(0)))
        .hasMessageContaining("T1 is still blocked in read(); write its <... read resumed> line first");
  }

  @Test
  void fdsAndMappingsMustHaveBeenMadeByTheTrace() {
    StepRunner r = runner();
    run(r, body("mount\nlower file /a ino=10 size=4096\n"));
    assertThatThrownBy(() -> r.execute(body("T1 read(3, 10) = 10\n").get(0)))
        .hasMessageContaining("fd 3 was never opened by this trace");
    run(r, body("T1 open(\"/a\", O_RDONLY) = 3\nT1 read(3, 10) = 10\n"));
    assertThatThrownBy(() -> r.execute(body("T1 munmap(m1) = 0\n").get(0)))
        .hasMessageContaining("mapping m1 was never made by this trace");
    run(r, body("T1 mmap(3, PROT_READ, MAP_SHARED) = m1\nT1 munmap(m1) = 0\n"));
  }

  @Test
  void withoutNameChecksTheDriverLeavesFdsToTheBackend() {
    StepRunner r = runner();
    run(r, body("mount\nlower file /a ino=10 size=4096\n"));
    World model = new World("t", r.kernel(), r);
    TraceDriver unchecked = new TraceDriver("t", model, false);
    StepOutcome o = unchecked.step(body("T1 read(3, 10) = -1 EBADF\n").get(0));
    assertThat(o.isMet()).isTrue();
    assertThat(o.result()).isEqualTo("-1 EBADF");
  }

  @Test
  void aBackendDoesNotRunThreadStepsItself() {
    StepRunner r = runner();
    World model = new World("t", r.kernel(), r);
    Stmt call = body("T1 read(3, 10) = 10\n").get(0);
    assertThatThrownBy(() -> call.accept(model)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the driver's protocol");
  }
}
