package fusesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code fusesim explore}: bad bounds are one line and exit 2; a violation is exit 1 with its trace. */
class ExploreCommandTest {
  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no inodes | explore --inodes 0 | --inodes must be at least 1, got 0",
      "negative depth | explore --depth -1 | --depth must be 0 or more, got -1",
      "unknown fault | explore --fault nope | unknown fault 'nope'",
      "unknown engine | explore --engine tlc | --engine takes full, full-stateless or core",
      "exact on the core | explore --engine core --exact | --exact is for --engine full",
      "por on the core | explore --engine core --por | --por is for --engine full",
      "por and no-por | explore --por --no-por | --por and --no-por contradict each other",
      "core on v2 | explore --engine core --semantics v2 | mainline only",
      "bad assumption | explore --assume x | --assume: ",
      "series fault on mainline | explore --fault ino-check-skipped | it needs --semantics v2 (or v2@K with K >= 1)",
  })
  void badBoundsAreOneLineAndExit2(String what, String args, String expected) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args.split(" "));
    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines()).hasSize(1);
    assertThat(err.toString()).startsWith("fusesim: ").contains(expected).doesNotContain("Exception");
  }

  /** {@code --fault F} with no bound: the fault's own bound, printed, finds it; the trace replays. */
  @Test
  void aSeriesFaultWithNoBoundIsFoundByItsOwnBound() throws Exception {
    StringWriter out = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "explore", "--semantics", "v2",
        "--fault", "attach-borrows-idr-ref", "--out", dir.toString());
    assertThat(code).isEqualTo(1);
    assertThat(out.toString())
        .contains("explore: engine full, semantics v2, depth 3, inodes 2, backings 1, threads 2, opens 2, ticks 0, "
            + "server well-behaved, faults attach-borrows-idr-ref")
        .contains("bounds from: the bound that finds this fault")
        .contains("BACKING-REFCOUNT   violated at depth 3");
    Path trace = dir.resolve("explore-full-attach-borrows-idr-ref-BACKING-REFCOUNT.trace");
    assertThat(Files.readString(trace)).contains("mount passthrough passthrough_ino");
    StringWriter rout = new StringWriter();
    int rc = Main.run(new PrintWriter(rout), new PrintWriter(new StringWriter()), "replay", "--fault",
        "attach-borrows-idr-ref", trace.toString());
    assertThat(rc).as(rout.toString()).isZero();
  }

  /** Any bound option replaces the fault's bound: depth 2 is too shallow, nothing is found. */
  @Test
  void aBoundOptionReplacesTheFaultsBound() {
    StringWriter out = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "explore", "--semantics", "v2",
        "--fault", "attach-borrows-idr-ref", "--depth", "2", "--out", dir.toString());
    assertThat(code).isZero();
    assertThat(out.toString()).doesNotContain("bounds from:").doesNotContain("violated");
  }

  @Test
  void aFaultIsFoundWithItsShortestTraceAndExit1() throws Exception {
    StringWriter out = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "explore", "--engine", "core",
        "--inodes", "2", "--fault", "backing-close-double-put", "--out", dir.toString());
    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("bound:           exhausted").contains("NO-KERNEL-WARN     violated at depth");
    try (var files = Files.list(dir)) {
      Path trace = files.findFirst().orElseThrow();
      StringWriter rout = new StringWriter();
      int rc = Main.run(new PrintWriter(rout), new PrintWriter(new StringWriter()), "replay", "--fault",
          "backing-close-double-put", trace.toString());
      assertThat(rc).isZero();
      assertThat(rout.toString()).contains("OK ");
    }
  }

  /** {@code --por}: the fault is found at the same depth, and the report says how many moves slept. */
  @Test
  void partialOrderReductionFindsTheFaultAtTheSameDepth() {
    StringWriter out = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "explore", "--por",
        "--fault", "cache-wait-ignores-dio", "--out", dir.toString());
    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).containsPattern("reduction: +sleep sets, [1-9][0-9,]* moves asleep \\(not run\\)")
        .contains("CACHE-IO-MODE-BIT  violated at depth 4");
    StringWriter plain = new StringWriter();
    Main.run(new PrintWriter(plain), new PrintWriter(new StringWriter()), "explore", "--fault", "cache-wait-ignores-dio",
        "--out", dir.resolve("plain").toString());
    assertThat(plain.toString()).doesNotContain("reduction:").contains("CACHE-IO-MODE-BIT  violated at depth 4");
  }
}
