package fusesim.traces.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.invariants.Checker;
import fusesim.model.Faults;
import fusesim.model.Kernel;
import fusesim.model.ModelAssert;
import fusesim.model.fuse.FuseInode;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceError;
import fusesim.traces.lang.TraceParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The model's own assertions ({@link ModelAssert}) run between steps under {@code -ea} (surefire's
 * argLine): they hold on a real run, and a model state that breaks one is reported at the next
 * statement as a located model error (a {@link TraceError}, printed as FILE:LINE:COL without a
 * stack trace), not as a crash.
 */
class ModelAssertTest {
  static final String TEXT = String.join("\n",
      "trace: t",
      "semantics: mainline",
      "result: pass",
      "",
      "mount passthrough max_stack_depth=1",
      "lower file /a ino=10 mode=0644 size=4096",
      "T1 open(\"/a\", O_RDONLY) = 3",
      "T1 read(3, 10) = 10",
      "T1 close(3) = 0",
      "");

  @Test
  void assertionsAreOnInTests() {
    boolean on = false;
    assert on = true;
    assertThat(on).as("surefire runs with -ea").isTrue();
  }

  @Test
  void aRealRunKeepsEveryAssertion() {
    Trace t = TraceParser.parse("t.trace", TEXT);
    ModelReplay.Result r = new ModelReplay(t, Faults.none(), Checker.all()).run();
    assertThat(r.met()).as(r.why()).isTrue();
  }

  @Test
  void aBrokenModelStateIsALocatedModelError() {
    Trace t = TraceParser.parse("t.trace", TEXT);
    Kernel k = StepRunner.newKernel(t.file(), t.header(), Faults.none());
    StepRunner runner = new StepRunner(t.file(), k);
    List<Stmt> body = t.body();
    for (int i = 0; i < 3; i++) { // mount, lower, open
      runner.execute(body.get(i));
    }
    FuseInode fi = k.allInodes.stream().filter(x -> x.nodeid != 1).findFirst().orElseThrow();
    fi.nlookup = -1; // what a model bug counting FORGETs twice would leave
    Stmt read = body.get(3);
    assertThatThrownBy(() -> runner.execute(read))
        .isInstanceOf(ModelError.class).isInstanceOf(TraceError.class)
        .hasMessage("t.trace:" + read.line() + ":" + read.pos().col() + ": model error: model assertion failed: "
            + "nlookup of nodeid " + fi.nodeid + " is -1 (fs/fuse/inode.c)");
  }

  @Test
  void anEmptyModelStateHolds() {
    Trace t = TraceParser.parse("t.trace", TEXT);
    Kernel k = StepRunner.newKernel(t.file(), t.header(), Faults.none());
    assertThat(ModelAssert.holds(k)).isTrue();
  }

  @Test
  void faultsSwitchOffOnlyTheAssertionsTheyBreakOnPurpose() {
    Trace t = TraceParser.parse("t.trace", TEXT);
    Kernel k = StepRunner.newKernel(t.file(), t.header(), new Faults(java.util.Set.of(
        fusesim.model.Fault.BACKING_CLOSE_DOUBLE_PUT)));
    StepRunner runner = new StepRunner(t.file(), k);
    for (int i = 0; i < 3; i++) {
      runner.execute(t.body().get(i));
    }
    FuseInode fi = k.allInodes.stream().filter(x -> x.nodeid != 1).findFirst().orElseThrow();
    fi.nlookup = -1;
    assertThatThrownBy(() -> ModelAssert.holds(k)).isInstanceOf(ModelAssert.Failed.class)
        .hasMessageContaining("nlookup");
  }
}
