package fusesim.traces.replay;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.invariants.Checker;
import fusesim.invariants.Invariant;
import fusesim.model.Fault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The catalog and the model agree: every fault switched in the model's code
 * ({@code faults.on(Fault.X)}) has exactly one {@link FaultCatalog} entry, every entry names a fault
 * that the model switches, and every entry's invariants are invariants the checker runs or
 * statement checks a session judges ({@link Session#STATEMENT_CHECKS}).
 */
class FaultCatalogTest {
  /** The model's sources, read from this module's directory (surefire runs tests there). */
  static final Path MODEL_SRC = Path.of("..", "model", "src", "main", "java");

  private static final Pattern SWITCH = Pattern.compile("faults\\.on\\(Fault\\.([A-Z0-9_]+)\\)");

  /** The faults a text switches on. */
  static Set<String> switches(String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = SWITCH.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static Set<String> modelSwitches() throws IOException {
    Set<String> out = new TreeSet<>();
    try (Stream<Path> files = Files.walk(MODEL_SRC)) {
      for (Path p : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        out.addAll(switches(Files.readString(p)));
      }
    }
    return out;
  }

  @Test
  void everySwitchInTheModelHasExactlyOneEntryAndViceVersa() throws IOException {
    Set<String> switched = modelSwitches();
    assertThat(switched).as("the scan finds the model's switches").hasSizeGreaterThan(10);
    List<String> entries = FaultCatalog.entries().stream().map(e -> e.fault().name()).toList();
    assertThat(new HashSet<>(entries)).as("one entry per fault").hasSameSizeAs(entries);
    assertThat(new TreeSet<>(entries)).isEqualTo(switched);
    Set<String> declared = new TreeSet<>();
    for (Fault f : Fault.values()) {
      declared.add(f.name());
    }
    assertThat(declared).as("every constant of Fault is a switch of the model").isEqualTo(switched);
  }

  @Test
  void theScanSeesASwitchAndNothingElse() {
    assertThat(switches("if (k.faults.on(Fault.FORGET_WRONG_NLOOKUP) && x) { Fault.OTHER; }"))
        .containsExactly("FORGET_WRONG_NLOOKUP");
    assertThat(switches("Fault.byId(\"x\")")).isEmpty();
  }

  @Test
  void everyEntryBreaksInvariantsTheCheckerOrASessionJudges() {
    Set<Invariant> checked = new HashSet<>(Checker.all().invariants());
    checked.addAll(Session.STATEMENT_CHECKS);
    for (FaultCatalog.Entry e : FaultCatalog.entries()) {
      assertThat(checked).as(e.fault().id()).contains(e.breaks()).containsAll(e.alsoBreaks());
      assertThat(e.alsoBreaks()).as(e.fault().id()).doesNotContain(e.breaks());
      assertThat(e.bound().depth()).as(e.fault().id()).isPositive();
      assertThat(e.campaignScale()).as(e.fault().id()).isPositive();
      assertThat(e.mayBreak()).contains(e.breaks().id());
    }
  }

  @Test
  void theStatementChecksAreTheSessionsOwnAndNotTheCheckers() {
    assertThat(Session.STATEMENT_CHECKS).extracting(Invariant::id)
        .containsExactly("LIVENESS-WB", "ERRNO-DOMAIN", "BACKING-IOCTL", "IOMODE-OPEN");
    assertThat(Checker.all().invariants()).doesNotContainAnyElementsOf(Session.STATEMENT_CHECKS);
    assertThat(Session.statementCheck("IOMODE-OPEN")).isSameAs(IomodeOpen.INVARIANT);
    assertThat(Session.statementCheck("IOMODE-EXCL")).isNull();
  }

  @Test
  void aSeriesFaultRunsUnderTheSeriesAndAMainlineFaultUnderMainline() {
    assertThat(FaultCatalog.of(Fault.INO_CHECK_SKIPPED).semantics().has(1)).isTrue();
    assertThat(FaultCatalog.of(Fault.FORGET_WRONG_NLOOKUP).semantics().has(1)).isFalse();
  }
}
