package fusesim.properties;

import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.Setup;
import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.series.Semantics;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.TraceParser;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The property suite on mainline, on fixed seeds and a fixed number of sequences; violations the
 * known findings (traces/corpus/findings) explain are counted apart and do not fail.
 */
class SuiteTest {
  private static Engine.Report run(long seed, long sequences) {
    Engine e = new Engine(new Engine.Options(Semantics.MAINLINE,
        List.of(ServerMode.WELL_BEHAVED, ServerMode.ARBITRARY), Set.of(), 0, seed, sequences, null)).known(KnownFindingsTest.REG);
    return e.run("", Set.of(), false, 0, null);
  }

  @Test
  void mainlineBreaksNoInvariant() {
    for (long seed : new long[] {1, 2, 3}) {
      Engine.Report r = run(seed, 1500);
      assertThat(r.sequences).isEqualTo(1500);
      assertThat(r.violated()).as("seed %d: %s", seed, r.violated().isEmpty() ? ""
          : r.violated().get(0).counterexample == null ? r.violated().get(0).error
          : r.violated().get(0).counterexample.text()).isEmpty();
      assertThat(r.steps).isGreaterThan(1500 * 20L);
    }
  }

  @Test
  void sameSeedSameRunByteForByte() {
    Setup setup = Setup.of(Semantics.MAINLINE, Set.of(), ServerMode.ARBITRARY);
    for (long seed = 0; seed < 50; seed++) {
      Generator.Run a = new Generator(setup, Profile.base(ServerMode.ARBITRARY), seed).generate();
      Generator.Run b = new Generator(setup, Profile.base(ServerMode.ARBITRARY), seed).generate();
      assertThat(text(a.stmts())).isEqualTo(text(b.stmts()));
      assertThat(a.steps()).isEqualTo(b.steps());
    }
    Engine.Report x = run(9, 300);
    Engine.Report y = run(9, 300);
    assertThat(x.steps).isEqualTo(y.steps);
    assertThat(x.modelExceptions).isEqualTo(y.modelExceptions);
  }

  @Test
  void differentSeedsDifferentRuns() {
    Setup setup = Setup.of(Semantics.MAINLINE, Set.of(), ServerMode.WELL_BEHAVED);
    Generator.Run a = new Generator(setup, Profile.base(ServerMode.WELL_BEHAVED), 1).generate();
    Generator.Run b = new Generator(setup, Profile.base(ServerMode.WELL_BEHAVED), 2).generate();
    assertThat(text(a.stmts())).isNotEqualTo(text(b.stmts()));
  }

  @Test
  void generatedSequencesReachTheDeepStates() {
    Setup wb = Setup.of(Semantics.MAINLINE, Set.of(), ServerMode.WELL_BEHAVED);
    int backingWithOpen = 0;
    int heldWrites = 0;
    int expired = 0;
    for (long seed = 0; seed < 300; seed++) {
      Generator.Run r = new Generator(wb, Profile.base(ServerMode.WELL_BEHAVED), seed).generate();
      String t = text(r.stmts());
      backingWithOpen += t.contains("passthrough backing=") && t.contains("open(\"/a\"") ? 1 : 0;
      heldWrites += t.contains("write(") && t.contains("<unfinished ...>") && t.contains("hold write") ? 1 : 0;
      expired += t.contains("entry_valid=1s") && t.contains("tick 2s") ? 1 : 0;
    }
    assertThat(backingWithOpen).isGreaterThan(30);
    assertThat(heldWrites).isGreaterThan(5);
    assertThat(expired).isGreaterThan(10);
  }

  @Test
  void everyGeneratedSequencePrintsAsATraceThatParses() {
    Setup setup = Setup.of(Semantics.MAINLINE, Set.of(), ServerMode.ARBITRARY);
    for (long seed = 0; seed < 100; seed++) {
      Generator.Run r = new Generator(setup, Profile.base(ServerMode.ARBITRARY), seed).generate();
      Session.Result run = Session.run(setup, r.stmts(), true);
      StringBuilder sb = new StringBuilder("trace: t\nresult: pass\n\n");
      for (int i = 0; i < run.stmts().size(); i++) {
        sb.append(fusesim.traces.lang.TracePrinter.print(Counterexample.concrete(run.stmts().get(i),
            run.observations().get(i)))).append('\n');
      }
      TraceParser.parse("t.trace", sb.toString());
    }
  }

  static String text(List<Stmt> stmts) {
    StringBuilder sb = new StringBuilder();
    for (Stmt s : stmts) {
      sb.append(fusesim.traces.lang.TracePrinter.print(s)).append('\n');
    }
    return sb.toString();
  }
}
