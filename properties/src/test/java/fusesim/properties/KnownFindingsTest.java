package fusesim.properties;

import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.Setup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.model.Fault;
import fusesim.model.series.Semantics;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.StepRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The registry of known findings (traces/corpus/findings): every signature explains its own
 * traces, generated runs on mainline and v2 show no violation it does not explain (seeds 1..50,
 * a small count each), and a planted fault on top of the same invariant is still new.
 */
class KnownFindingsTest {
  static final Path DIR = Path.of("..", "traces", "corpus", "findings");
  static final KnownFindings REG = KnownFindings.load(DIR);

  @Test
  void theRegistryHasTheFourFindings() {
    assertThat(REG.all()).extracting(KnownFindings.Finding::id).containsExactly(
        "INO-RULE-ATTR-INO-SHARED-BACKING", "LIFETIME-BACKING-MMAP-ENODEV", "LOOKUP-EIO-NO-FORGET",
        "NEW-ENTRY-EIO-NO-FORGET");
  }

  /** Each finding's traces violate its invariant, and the violation matches that finding. */
  @Test
  void everySignatureExplainsItsOwnTraces() throws IOException {
    int traces = 0;
    for (KnownFindings.Finding f : REG.all()) {
      for (String rel : f.traces()) {
        Path p = DIR.resolve(rel);
        Trace t = TraceParser.parse(p.toString(), Files.readString(p, StandardCharsets.UTF_8));
        Setup setup = Setup.of(StepRunner.semantics(p.toString(), t.header()), Set.of(), ServerMode.ARBITRARY);
        Session.Result r = Session.run(setup, t.body(), false);
        assertThat(r.violation()).as(rel).isNotNull();
        assertThat(r.violation().invariant()).as(rel).isEqualTo(f.invariant());
        assertThat(REG.match(setup, r.stmts(), r.violation())).as(rel).isEqualTo(f);
        traces++;
      }
    }
    assertThat(traces).isEqualTo(6);
  }

  /**
   * The acceptance test, cheap: 50 seeds per semantics, 60 sequences each, both servers:
   * no violation the registry does not explain, no model exception, and the known findings are
   * met (the generator no longer steers around them). The full-size command is in the README.
   */
  @Test
  void noUnknownViolationOnFiftySeeds() {
    long known = 0;
    List<String> unknown = new ArrayList<>();
    for (Semantics sem : List.of(Semantics.MAINLINE, Semantics.parse("v2"))) {
      for (long seed = 1; seed <= 50; seed++) {
        Engine e = new Engine(new Engine.Options(sem, List.of(ServerMode.WELL_BEHAVED, ServerMode.ARBITRARY),
            Set.of(), 0, seed, 60, null)).known(REG);
        Engine.Report rep = e.run("", Set.of(), false, 0, null);
        for (Engine.Row row : rep.violated()) {
          unknown.add(sem + " seed " + seed + ": " + row.invariant + " "
              + (row.counterexample == null ? row.error : row.counterexample.text()));
        }
        if (rep.modelExceptions > 0) {
          unknown.add(sem + " seed " + seed + ": " + rep.firstModelException);
        }
        known += rep.known.total();
      }
    }
    assertThat(unknown).isEmpty();
    assertThat(known).isGreaterThan(50);
  }

  /** A fault that breaks the same invariant (a FORGET with the wrong count) is not explained. */
  @Test
  void aPlantedFaultIsStillNew() {
    Engine e = new Engine(new Engine.Options(Semantics.MAINLINE, List.of(ServerMode.WELL_BEHAVED,
        ServerMode.ARBITRARY), Set.of(Fault.FORGET_WRONG_NLOOKUP), 0, 7, 3000, null)).known(REG);
    Engine.Report rep = e.run("f", Set.of(Fault.FORGET_WRONG_NLOOKUP), true, 0, null);
    assertThat(rep.rows.get("NLOOKUP-BALANCE").violations).isPositive();
  }

  /** The mmap explainer names the mmap it explains: the same run judged at another line is new. */
  @Test
  void theMmapFindingExplainsOnlyAnMmapRefusal() throws IOException {
    Path p = DIR.resolve("../v2/lifetime-backing-mmap-of-direct-io-open-enodev.trace");
    Trace t = TraceParser.parse(p.toString(), Files.readString(p, StandardCharsets.UTF_8));
    Setup setup = Setup.of(StepRunner.semantics(p.toString(), t.header()), Set.of(), ServerMode.ARBITRARY);
    Session.Result r = Session.run(setup, t.body(), false);
    assertThat(REG.match(setup, r.stmts(), r.violation()).id()).isEqualTo("LIFETIME-BACKING-MMAP-ENODEV");
    Session.Violation atStat = new Session.Violation("LIVENESS-WB", "stat failed", r.violation().index() - 1);
    assertThat(REG.match(setup, r.stmts(), atStat)).isNull();
  }

  @Test
  void noRegistryExplainsNothing() {
    Setup setup = Setup.of(Semantics.MAINLINE, Set.of(), ServerMode.ARBITRARY);
    assertThat(KnownFindings.none().match(setup, List.of(), new Session.Violation("NLOOKUP-BALANCE", "x", 0)))
        .isNull();
    assertThat(KnownFindings.load(Path.of("no-such-dir")).isEmpty()).isTrue();
  }

  @Test
  void malformedSignaturesAreOneLineErrors() {
    Path f = Path.of("x.finding");
    assertThatThrownBy(() -> KnownFindings.parse(f, "finding: A\nwhat: b\n"))
        .hasMessage("x.finding:2:1: expected one of finding, invariant, explainer, ops, kernel, shape, trace, doc "
            + "followed by ':', found 'what: b'");
    assertThatThrownBy(() -> KnownFindings.parse(f, "finding: A\ninvariant: I\nexplainer: guess\nkernel: k\n"
        + "shape: s\ntrace: t\n"))
        .hasMessage("x.finding:3:12: expected entry-eio-no-forget or ino-rule-shared-backing or mmap-enodev-lifetime-backing, found 'guess'");
    assertThatThrownBy(() -> KnownFindings.parse(f, "finding: A\ninvariant: I\nexplainer: entry-eio-no-forget\n"
        + "ops: LOOKUP, NOPE\nkernel: k\nshape: s\ntrace: t\n"))
        .hasMessage("x.finding:4:6: expected an opcode (LOOKUP, MKNOD, ...), found 'NOPE'");
    assertThatThrownBy(() -> KnownFindings.parse(f, "finding: A\ninvariant: I\nexplainer: ino-rule-shared-backing\n"
        + "kernel: k\nshape: s\n"))
        .hasMessageStartingWith("x.finding:6:1: expected a 'trace:' line");
  }
}
