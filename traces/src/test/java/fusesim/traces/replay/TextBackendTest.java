package fusesim.traces.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.lang.TraceSemanticError;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The driver over the trace text alone: held calls pair with their own thread's resumed line (not
 * the next resumed line, not another thread's), a call still in flight at the end pairs with
 * nothing, and lines that do not pair are refused with the driver's messages.
 */
class TextBackendTest {
  private static List<Stmt> body(String body) {
    return TraceParser.parse("t", "trace: t\nresult: pass\n\n" + body).body();
  }

  private static List<String> pairs(String body) {
    return TextBackend.heldCalls(body(body)).stream().map(h -> h[0] + "->" + h[1]).toList();
  }

  @Test
  void heldCallsPairWithTheirOwnThreadsResumedLine() {
    assertThat(pairs("server hold lookup\n" // 0
        + "T1 stat(\"/a\" <unfinished ...>\n" // 1
        + "T2 stat(\"/b\" <unfinished ...>\n" // 2
        + "server reply T2 lookup\n" // 3
        + "T2 <... stat resumed>) = 0\n" // 4
        + "T2 stat(\"/c\") = 0\n" // 5
        + "server reply T1 lookup\n" // 6
        + "T1 <... stat resumed>) = 0\n")) // 7
        .containsExactly("1->7", "2->4");
  }

  @Test
  void aCallStillInFlightAtTheEndPairsWithNothing() {
    assertThat(pairs("T1 stat(\"/a\" <unfinished ...>\nT2 stat(\"/b\") = 0\n")).containsExactly("0->-1");
    assertThat(pairs("T1 stat(\"/a\") = 0\n")).isEmpty();
  }

  @Test
  void linesThatDoNotPairAreRefused() {
    assertThatThrownBy(() -> pairs("T1 <... stat resumed>) = 0\n"))
        .isInstanceOf(TraceSemanticError.class).hasMessageContaining("T1 has no unfinished call to resume");
    assertThatThrownBy(() -> pairs("T1 stat(\"/a\" <unfinished ...>\nT1 <... open resumed>) = 3\n"))
        .isInstanceOf(TraceSemanticError.class).hasMessageContaining("T1 is in stat(), not open()");
    assertThatThrownBy(() -> pairs("T1 stat(\"/a\" <unfinished ...>\nT1 stat(\"/b\") = 0\n"))
        .isInstanceOf(TraceSemanticError.class).hasMessageContaining("T1 is still blocked in stat()");
  }
}
