package fusesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.traces.replay.FaultCatalog;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code fusesim faults} prints the catalog: every entry, with the invariant it must break and its bound. */
class FaultsCommandTest {
  @Test
  void everyCatalogEntryIsListedWithItsInvariantAndBound() {
    StringWriter out = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "faults");
    assertThat(code).isZero();
    String text = out.toString();
    for (FaultCatalog.Entry e : FaultCatalog.entries()) {
      int at = text.indexOf(e.fault().id() + " ");
      assertThat(at).as(e.fault().id()).isNotNegative();
      String block = text.substring(at, Math.min(text.length(), text.indexOf("\n", at) + 600));
      assertThat(block).contains("breaks " + e.breaks().id()).contains("depth " + e.bound().depth() + ",");
    }
    assertThat(text).contains("backing-close-double-put").contains("may also break BACKING-NO-UAF")
        .contains("(only with -Dfusesim.explore.allFaults=true)");
  }
}
