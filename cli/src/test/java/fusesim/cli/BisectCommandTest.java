package fusesim.cli;

import fusesim.traces.replay.SemanticsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.series.Patch;
import fusesim.model.series.Semantics;
import fusesim.traces.lang.TraceParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fusesim bisect on a small corpus and a few sequences per prefix. */
class BisectCommandTest {
  @TempDir
  Path dir;

  private Path corpus;

  @BeforeEach
  void corpus() throws IOException {
    corpus = Files.createDirectories(dir.resolve("corpus"));
    Files.writeString(corpus.resolve("forget.trace"), DiffCommandTest.FORGET);
    Files.writeString(corpus.resolve("lookup-backing.trace"), DiffCommandTest.LOOKUP_BACKING);
  }

  private record Out(int code, String out, String err) {}

  private Out bisect(String... extra) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args = new ArrayList<>(List.of("bisect", "--corpus", corpus.toString(), "--out",
        dir.resolve("out").toString()));
    args.addAll(List.of(extra));
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    return new Out(code, out.toString(), err.toString());
  }

  @Test
  void twentyTwoRowsWithTitlesTheSameForTheSameSeed() {
    Out a = bisect("--seed", "5", "--runs", "16");
    Out b = bisect("--seed", "5", "--runs", "16");
    assertThat(a.out()).isEqualTo(b.out());
    assertThat(a.out()).startsWith("seed: 5\n");
    List<String> rows = a.out().lines().filter(l -> l.matches("v2@\\d+ {2,}.*")).toList();
    assertThat(rows).hasSize(Semantics.V2_PATCHES + 1);
    assertThat(rows.get(0)).startsWith("v2@0   (none: mainline)").endsWith("0 (= mainline)");
    for (int k = 1; k <= Semantics.V2_PATCHES; k++) {
      assertThat(rows.get(k)).startsWith(String.format("%-5s  %s", "v2@" + k, Patch.V2.get(k - 1).title()));
    }
    assertThat(a.out()).contains("v2@0 is mainline: every corpus trace has the same observables under both");
    boolean broken = rows.stream().anyMatch(r -> !r.split("\\s{2,}")[2].equals("-"));
    assertThat(a.code()).isEqualTo(broken ? 1 : 0);
    // A run over 10 s (a loaded machine) also logs "progress: ..." lines first (Progress): the
    // summary is the one other line.
    assertThat(a.err().lines().filter(l -> !l.startsWith("progress: ")))
        .singleElement().asString().startsWith("bisect took ");
  }

  /**
   * The corpus column: a trace counts at K exactly when its replays under v2@(K-1) and v2@K differ;
   * the lookup-backing trace changes where backing_open takes ops and where lookup attaches.
   */
  @Test
  void corpusChangesAreCountedWhereThePatchChangesTheTrace() throws IOException {
    Out a = bisect("--seed", "1", "--runs", "2");
    List<String> rows = a.out().lines().filter(l -> l.matches("v2@\\d+ {2,}.*")).toList();
    var lb = TraceParser.parse("lb", DiffCommandTest.LOOKUP_BACKING);
    var fg = TraceParser.parse("fg", DiffCommandTest.FORGET);
    int changes = 0;
    for (int k = 1; k <= Semantics.V2_PATCHES; k++) {
      int expected = 0;
      for (var t : List.of(lb, fg)) {
        expected += SemanticsDiff.compare(t, SemanticsDiff.Side.of(Semantics.v2(k - 1)),
            SemanticsDiff.Side.of(Semantics.v2(k))).equivalent() ? 0 : 1;
      }
      changes += expected;
      assertThat(rows.get(k)).as("v2@%d", k).endsWith("  " + expected);
      if (expected > 0) {
        assertThat(a.out()).contains("  v2@" + k + " corpus " + corpus.resolve("lookup-backing.trace") + ":");
      }
    }
    assertThat(changes).isGreaterThanOrEqualTo(2);
  }

  @Test
  void badInputIsOneLineAndExit2() {
    Out a = bisect("--runs", "0");
    assertThat(a.code()).isEqualTo(2);
    assertThat(a.err()).isEqualTo("fusesim: --runs must be positive, got 0\n");
    Out b = bisect("--runs", "3", "--budget", "10s");
    assertThat(b.code()).isEqualTo(2);
    assertThat(b.err().lines()).hasSize(1);
    Out c = bisect("--budget", "-1");
    assertThat(c.code()).isEqualTo(2);
    assertThat(c.err().lines()).hasSize(1);
  }
}
