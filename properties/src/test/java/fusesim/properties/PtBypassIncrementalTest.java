package fusesim.properties;

import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.Setup;
import static org.assertj.core.api.Assertions.assertThat;

import fusesim.invariants.Invariants;
import fusesim.model.Faults;
import fusesim.model.Kernel;
import fusesim.model.Opcode;
import fusesim.model.fuse.Request;
import fusesim.model.series.Semantics;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.StepRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * PT-BYPASS is checked incrementally (each request read once); its verdicts and details must be
 * those of the former whole-log scan after every step of the corpus and of generated runs, and
 * on states where it fires.
 */
class PtBypassIncrementalTest {
  private static String incremental(Kernel k) {
    return Invariants.PT_BYPASS.check().violation(k);
  }

  @Test
  void sameVerdictsAfterEveryStepOfTheCorpus() throws IOException {
    List<Path> traces;
    try (Stream<Path> s = Files.walk(Path.of("..", "traces", "corpus"))) {
      traces = s.filter(p -> p.toString().endsWith(".trace")).sorted().toList();
    }
    assertThat(traces).hasSizeGreaterThan(40);
    int steps = 0;
    for (Path p : traces) {
      Trace t = TraceParser.parse(p.toString(), Files.readString(p, StandardCharsets.UTF_8));
      Kernel k = StepRunner.newKernel(t.header(), Faults.none());
      StepRunner runner = new StepRunner(t.file(), k);
      for (Stmt st : t.body()) {
        try {
          runner.execute(st);
        } catch (RuntimeException e) {
          break; // a disagreement trace may stop on a model gap: the steps so far were compared
        }
        assertThat(incremental(k)).as("%s line %d", p, st.line()).isEqualTo(Invariants.passthroughBypassFullScan(k));
        steps++;
      }
    }
    assertThat(steps).isGreaterThan(500);
  }

  @Test
  void sameVerdictsAfterEveryStepOfGeneratedRuns() {
    long checked = 0;
    for (ServerMode m : ServerMode.values()) {
      for (Semantics sem : List.of(Semantics.MAINLINE, Semantics.v2(8), Semantics.v2(9), Semantics.v2(Semantics.V2_PATCHES), Semantics.v1())) {
      Setup setup = Setup.of(sem, Set.of(), m);
      for (long seed = 0; seed < 100; seed++) {
        Generator.Run r = new Generator(setup, Profile.base(m), seed).generate();
        Session s = new Session(setup, false);
        for (Stmt st : r.stmts()) {
          s.exec(st);
          assertThat(incremental(s.kernel())).as("%s %s seed %d", m, sem, seed)
              .isEqualTo(Invariants.passthroughBypassFullScan(s.kernel()));
          checked++;
        }
      }
      }
    }
    assertThat(checked).isGreaterThan(20000);
  }

  /** A READ logged for an open passthrough file (as a bug in the read path would send). */
  @Test
  void sameVerdictWhenItFiresAndAfterTheLogIsRewritten() {
    String text = "trace: t\nresult: pass\n\nmount passthrough\nlower file /a ino=10 size=4096\n"
        + "lower file /c ino=11 size=4096\nserver backing_open /a = 1\nserver open /a passthrough backing=1\n"
        + "T1 open(\"/a\", O_RDONLY) = 3\nT1 open(\"/c\", O_RDONLY) = 4\nT1 read(4, 10) = 10\n";
    Trace t = TraceParser.parse("t.trace", text);
    Kernel k = StepRunner.newKernel(t.header(), Faults.none());
    StepRunner runner = new StepRunner(t.file(), k);
    for (Stmt st : t.body()) {
      runner.execute(st);
      assertThat(incremental(k)).isNull();
    }
    long fh = k.fds.get(3).ff.fh;
    k.log.add(new Request(1000, Opcode.READ, 10, null, "T1", 0, 4096, fh));
    assertThat(incremental(k)).isNotNull().isEqualTo(Invariants.passthroughBypassFullScan(k));
    k.log.add(new Request(1002, Opcode.WRITE, 10, null, "T1", 0, 4096, fh));
    assertThat(incremental(k)).startsWith("WRITE").isEqualTo(Invariants.passthroughBypassFullScan(k));
    // a log cleared (or rewritten) under the index is read again from the start
    k.log.clear();
    assertThat(incremental(k)).isNull();
    k.log.add(new Request(1004, Opcode.READ, 10, null, "T1", 0, 4096, fh));
    assertThat(incremental(k)).startsWith("READ").isEqualTo(Invariants.passthroughBypassFullScan(k));
    // another kernel in between does not confuse the index of the first
    Kernel other = StepRunner.newKernel(t.header(), Faults.none());
    assertThat(incremental(other)).isNull();
    assertThat(incremental(k)).startsWith("READ");
  }
}
