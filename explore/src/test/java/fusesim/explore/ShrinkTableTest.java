package fusesim.explore;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.Fault;
import fusesim.model.series.Semantics;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The shrink table: a mainline and a series fault, each against BFS with its own bound. */
class ShrinkTableTest {
  private static final ShrinkTable TABLE = new ShrinkTable(Bounds.fullDefaults(Semantics.MAINLINE), 300, false);

  @Test
  void aMainlineFaultRunsOnMainlineAndItsShrunkTraceIsShortest() throws Exception {
    ShrinkTable.Row r = TABLE.row(Fault.BACKING_CLOSE_DOUBLE_PUT, new PrintWriter(new StringWriter()));
    assertThat(TABLE.semanticsFor(Fault.BACKING_CLOSE_DOUBLE_PUT)).isEqualTo(Semantics.MAINLINE);
    assertThat(r.bfsInvariant()).isEqualTo("NO-KERNEL-WARN");
    assertThat(r.bfsLength()).isEqualTo(2); // backing_open, backing_close
    assertThat(r.bfsDepth()).isEqualTo(FaultBounds.of(Fault.BACKING_CLOSE_DOUBLE_PUT).depth());
    assertThat(r.ratio()).isEqualTo("1.00");
  }

  /**
   * A series fault runs under v2 although the table's semantics is mainline. The shrunk trace,
   * its world's earlier backing ids renumbered away, is one statement shorter than BFS's, whose
   * entry-reply move names both links of /f1.
   */
  @Test
  void aSeriesFaultRunsUnderV2() throws Exception {
    ShrinkTable.Row r = TABLE.row(Fault.ATTACH_BORROWS_IDR_REF, new PrintWriter(new StringWriter()));
    assertThat(TABLE.semanticsFor(Fault.ATTACH_BORROWS_IDR_REF).has(Fault.ATTACH_BORROWS_IDR_REF.patch)).isTrue();
    assertThat(r.bfsInvariant()).isEqualTo("BACKING-REFCOUNT");
    // backing_open ops=..., the entry reply for /f1 and /l1, open
    assertThat(r.bfsLength()).isEqualTo(4);
    assertThat(r.propLength()).isEqualTo(r.bfsLength() - 1);
  }

  @Test
  void actionsCountTheBodyButNotTheWorld() {
    String text = "trace: x\nsemantics: v2\nresult: pass\n\nmount passthrough passthrough_ino\n"
        + "lower file /f1 ino=11\nlower link /l1 -> /f1\nthread T9 uid=1000 gid=1000\n"
        + "server lookup /f1 entry entry_valid=1s\nserver backing_open /f1 = 1\nT1 stat(\"/f1\") = 0\n";
    assertThat(ShrinkTable.actions(text)).isEqualTo(2);
  }
}
