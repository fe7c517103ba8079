package fusesim.cli.spec;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.Errno;
import fusesim.model.Faults;
import fusesim.model.Kernel;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.Observation;
import fusesim.traces.replay.StepRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the error table is true of the model: its scenario replays with every stated
 * result met, the last statement returns the user's errno, and the errno inside is the one the
 * model's failure note records (NOTE) or the one returned as is (DIRECT). The kernel function it
 * names is a modelled one.
 */
class SpecErrorTableTest {
  static Stream<ErrorTable.Row> rows() {
    return ErrorTable.ROWS.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void rowHoldsOnTheModel(ErrorTable.Row row) {
    Trace t = TraceParser.parse("err-" + row.id() + ".trace", row.trace());
    Kernel k = StepRunner.newKernel(t.file(), t.header(), Faults.none());
    StepRunner runner = new StepRunner(t.file(), k);
    List<Observation> obs = new ArrayList<>();
    for (Stmt s : t.body()) {
      Observation o = runner.execute(s);
      assertThat(o.verdict()).as(row.id() + " line " + o.line() + ": " + o.stmt()).isNull();
      obs.add(o);
    }
    Observation last = obs.get(obs.size() - 1);
    assertThat(last.result()).as(row.id() + ": the user's errno").isEqualTo("-1 " + row.user());
    int inside = Errno.valueOf(row.inside()).value;
    if (row.check() == ErrorTable.Check.NOTE) {
      assertThat(k.notes).as(row.id() + ": the failure note records the errno inside")
          .anyMatch(n -> n.contains("err=-" + inside + ")") || n.endsWith("err=-" + inside));
    } else {
      assertThat(row.inside()).as(row.id() + ": returned as is").isEqualTo(row.user());
    }
    String base = row.function().split(" ")[0];
    assertThat(ModelFunctions.all()).as(row.id() + ": " + base + " is a modelled function")
        .anyMatch(e -> e.fn().startsWith(base) || e.doc().contains(base));
  }

  @org.junit.jupiter.api.Test
  void theTableCoversMainlineAndTheSeries() {
    assertThat(ErrorTable.ROWS).extracting(ErrorTable.Row::id).doesNotHaveDuplicates();
    assertThat(ErrorTable.ROWS).anyMatch(r -> r.semantics().equals("mainline"));
    assertThat(ErrorTable.ROWS).anyMatch(r -> r.semantics().startsWith("v2"));
    assertThat(ErrorTable.ROWS).anyMatch(r -> !r.inside().equals(r.user()));
  }
}
