package fusesim.cli;

import fusesim.traces.replay.SemanticsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.Faults;
import fusesim.model.Fault;
import fusesim.model.series.Semantics;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fusesim diff: the first differing step side by side, equivalence, header override, bad input. */
class DiffCommandTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out), new PrintWriter(err), args);
  }

  /** Breaks nothing on mainline; the forget fault changes the FORGET at line 9. */
  static final String FORGET = "trace: forget\nsemantics: v2\nresult: pass\n\n"
      + "lower file /a ino=10 nlink=2\nlower link /b -> /a\nT1 stat(\"/a\") = 0\nT1 stat(\"/b\") = 0\n"
      + "evict /a\nT1 stat(\"/a\") = 0\n";

  /** A lifetime backing named at lookup (v2 13/21): the cached open after it fails from v2@13. */
  static final String LOOKUP_BACKING = "trace: lookup-backing\nsemantics: mainline\nresult: pass\n\n"
      + "mount passthrough passthrough_ino\nlower file /a ino=10 size=4096\n"
      + "server backing_open /a ops=read,write,getattr,setattr = 1\n"
      + "server lookup /a entry backing=1 attr_valid=0\n"
      + "T1 open(\"/a\", O_RDONLY) = 3\nT1 fstat(3) = 0\n";

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  /** The test-only trick: the same semantics, a planted fault on one side. */
  @Test
  void aFaultOnOneSideIsTheFirstDifference() throws IOException {
    Path t = write("forget.trace", FORGET);
    int code = run("diff", "--from", "mainline", "--to", "mainline", "--to-fault", "forget-wrong-nlookup", t.toString());
    assertThat(code).isEqualTo(1);
    String o = out.toString();
    assertThat(o).contains("(mainline | mainline+forget-wrong-nlookup)");
    assertThat(o).containsPattern("(?m)^   9 != evict /a +\\| +FORGET\\(10,2\\) +\\| FORGET\\(10,1\\)  VIOLATES NLOOKUP-BALANCE$");
    assertThat(o).contains("DIFF  " + t + ":9: mainline and mainline+forget-wrong-nlookup differ: requests; "
        + "invariants none vs NLOOKUP-BALANCE");
    assertThat(o).doesNotContain("  10 "); // stops at the first difference
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void equivalentTracesExit0AndTheHeaderIsOverridden() throws IOException {
    Path t = write("forget.trace", FORGET);
    assertThat(run("diff", "--from", "mainline", "--to", "v2@0", t.toString())).isEqualTo(0);
    assertThat(out.toString()).contains("SAME  " + t + ": mainline and v2@0 agree on every step (6 lines)");
    // the trace says semantics: mainline; --from/--to decide: the series' lookup backing shows up
    Path lb = write("lb.trace", LOOKUP_BACKING);
    assertThat(run("diff", "--from", "v2", "--to", "v2", lb.toString())).isEqualTo(0);
    assertThat(run("diff", "-q", "--from", "v2@12", "--to", "v2@13", lb.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("DIFF  " + lb + ":9: v2@12 and v2@13 differ: result 3 vs -1 EIO");
  }

  @Test
  void theComparisonIsTheReplayOfEachSide() {
    Trace t = TraceParser.parse("f.trace", FORGET);
    SemanticsDiff.Result same = SemanticsDiff.compare(t, SemanticsDiff.Side.of(Semantics.MAINLINE),
        SemanticsDiff.Side.of(Semantics.MAINLINE));
    assertThat(same.equivalent()).isTrue();
    assertThat(same.rows()).hasSize(6);
    SemanticsDiff.Result diff = SemanticsDiff.compare(t, SemanticsDiff.Side.of(Semantics.MAINLINE),
        new SemanticsDiff.Side("f", Semantics.MAINLINE, new Faults(Set.of(Fault.FORGET_WRONG_NLOOKUP))));
    assertThat(diff.first().line()).isEqualTo(9);
    assertThat(diff.left().steps()).hasSize(6);
    assertThat(diff.right().steps()).hasSize(5); // the replay stops at the violation
    assertThat(diff.rows().get(5).differs()).isTrue(); // line 10: run on one side only
  }

  /** A step the model refuses on one side only is a difference, not bad input. */
  @Test
  void aRefusedStepIsADifference() {
    // fd 3 exists only where the open succeeds (v2@12); on v2@13 the open fails and read(3) is refused
    String text = LOOKUP_BACKING.replace("T1 fstat(3) = 0\n", "T1 read(3, 10) = 10\n");
    SemanticsDiff.Result r = SemanticsDiff.compare(TraceParser.parse("r.trace", text),
        SemanticsDiff.Side.of(Semantics.v2(12)), SemanticsDiff.Side.of(Semantics.v2(13)));
    assertThat(r.first().line()).isEqualTo(9);
    assertThat(r.right().steps().get(r.right().steps().size() - 1).error()).contains("fd 3 was never opened");
  }

  @Test
  void badInputIsOneLineAndExit2() throws IOException {
    Path t = write("forget.trace", FORGET);
    assertThat(run("diff", "--from", "mainline", "--to", "v3", t.toString())).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("fusesim: --to: unknown semantics 'v3' (mainline, v1, v2 or v2@K with K 0..21)\n");
    assertThat(out.toString()).isEmpty();
    StringWriter e2 = new StringWriter();
    Path bad = write("bad.trace", "trace: t\nresult: pass\n\nT1 opne(\"/a\") = 3\n");
    assertThat(Main.run(new PrintWriter(new StringWriter()), new PrintWriter(e2), "diff", "--from", "v1", "--to",
        "v2", bad.toString())).isEqualTo(2);
    assertThat(e2.toString().lines()).hasSize(1);
    assertThat(e2.toString()).startsWith(bad + ":4:4: ");
    StringWriter e3 = new StringWriter();
    assertThat(Main.run(new PrintWriter(new StringWriter()), new PrintWriter(e3), "diff", "--from", "v1", t.toString()))
        .isEqualTo(2);
    assertThat(e3.toString().lines()).hasSize(1);
  }
}
