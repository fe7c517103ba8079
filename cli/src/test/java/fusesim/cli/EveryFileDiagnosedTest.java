package fusesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * Every command that takes trace files reports every file (its result, or one error line), then
 * exits with the worst status: one bad file among many does not hide the others' results.
 */
class EveryFileDiagnosedTest {
  private static final String GOOD = "trace: good%d\nresult: pass\nmount passthrough\nlower file /a ino=10\n"
      + "T1 stat(\"/a\") = 0\n";

  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final List<String> files = new ArrayList<>();

  @BeforeEach
  void corpus() throws IOException {
    for (int i = 0; i < 6; i++) {
      files.add(Files.writeString(dir.resolve("g" + i + ".trace"), String.format(GOOD, i)).toString());
    }
    files.add(3, Files.writeString(dir.resolve("g2x-bad.trace"), String.format(GOOD, 9) + "T1 opne(\"/a\") = 3\n")
        .toString());
  }

  private int run(List<String> args) {
    return Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> l = new ArrayList<>(a);
    l.addAll(b);
    return l;
  }

  @Test
  void replayOfManyFilesWithOneMalformedReportsEveryFileAndExits2() {
    int code = run(concat(List.of("replay", "-q"), files));
    assertThat(code).isEqualTo(2);
    for (int i = 0; i < 6; i++) {
      assertThat(out.toString()).contains("OK    " + dir.resolve("g" + i + ".trace") + ": result pass");
    }
    assertThat(out.toString()).contains("6 of 7 traces met their result, 1 malformed or unreadable");
    assertThat(err.toString().lines()).containsExactly(
        dir.resolve("g2x-bad.trace") + ":6:4: expected a syscall name (open, close, read, ...), found \"opne\"");
  }

  @Test
  void aFailingTraceAndAMalformedOneGiveTheWorstStatus() throws IOException {
    files.add(Files.writeString(dir.resolve("fails.trace"), String.format(GOOD, 7).replace("= 0", "= -1 ENOENT"))
        .toString());
    assertThat(run(concat(List.of("replay", "-q"), files))).isEqualTo(2);
    assertThat(out.toString()).contains("FAIL  " + dir.resolve("fails.trace"))
        .contains("6 of 8 traces met their result, 1 did not, 1 malformed or unreadable");
  }

  @Test
  void aDirectoryIsExpandedAndEveryFileInItReported() {
    assertThat(run(List.of("replay", "-q", dir.toString()))).isEqualTo(2);
    assertThat(out.toString().lines().filter(l -> l.startsWith("OK    "))).hasSize(6);
    assertThat(err.toString().lines()).hasSize(1);
  }

  @Test
  void missingDirectoryEmptyDirectoryAndDirectoryNamedTraceEachHaveTheirOwnMessage() throws IOException {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    Path nested = Files.createDirectories(dir.resolve("sub").resolve("x.trace"));
    int code = run(List.of("replay", "-q", files.get(0), dir.resolve("missing.trace").toString(), empty.toString(),
        dir.resolve("sub").toString()));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines()).containsExactly(
        "fusesim: " + dir.resolve("missing.trace") + ": no such file",
        "fusesim: " + empty + ": a directory with no .trace file in it",
        "fusesim: " + nested + ": is a directory, not a trace file");
    assertThat(out.toString()).contains("OK    " + files.get(0)).contains("1 of 4 traces met their result");
  }

  @Test
  void bytesThatAreNotUtf8AreLocatedAndTheOtherFilesStillRun() throws IOException {
    Path latin1 = dir.resolve("latin1.trace");
    Files.write(latin1, new byte[] {'t', 'r', 'a', 'c', 'e', ':', ' ', 'c', 'a', 'f', (byte) 0xe9, '\n'});
    assertThat(run(List.of("replay", "-q", latin1.toString(), files.get(0)))).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo(latin1 + ":1:11: expected UTF-8 text, found byte 0xe9 (offset 10), "
        + "not UTF-8");
    assertThat(out.toString()).contains("OK    " + files.get(0));
  }

  @Test
  void aReplayErrorInOneTraceDoesNotStopTheOthers() throws IOException {
    Path neverOpened = Files.writeString(dir.resolve("fd.trace"), String.format(GOOD, 8) + "T1 read(7, 10) = 10\n");
    assertThat(run(List.of("replay", "-q", neverOpened.toString(), files.get(0)))).isEqualTo(2);
    assertThat(err.toString()).startsWith(neverOpened + ":6:9: fd 7 was never opened");
    assertThat(out.toString()).contains("OK    " + files.get(0));
  }

  @Test
  void diffReportsEveryFile() {
    int code = run(concat(List.of("diff", "-q", "--from", "mainline", "--to", "v2"), files));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines()).hasSize(1).allMatch(l -> l.startsWith(dir.resolve("g2x-bad.trace") + ":6:4:"));
    assertThat(out.toString()).contains("6 of 7 traces equivalent under mainline and v2, 1 malformed or unreadable");
  }

  @Test
  void kernelReplayDiagnosesEveryFileBeforeSayingTheKernelIsUnusable() {
    // FUSESIM_KERNEL=off (or no /dev/fuse): exit 3, but each malformed file was reported first
    List<String> args = concat(List.of("kernel", "replay", "-q"), files);
    int code = run(args);
    assertThat(err.toString()).contains(dir.resolve("g2x-bad.trace") + ":6:4: expected a syscall name");
    if (fusesim.kernel.replay.KernelReplay.unavailableReason().isPresent()) {
      assertThat(code).isEqualTo(3);
    } else {
      assertThat(code).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void kernelReplayOfOnlyBadFilesIsExit2WithoutTheKernel() {
    int code = run(List.of("kernel", "replay", files.get(3), dir.resolve("nope.trace").toString()));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines()).hasSize(2);
  }

  @Test
  void kernelShrinkDiagnosesEveryFile() {
    int code = run(List.of("kernel", "shrink", "--out", dir.resolve("o").toString(), files.get(3),
        dir.resolve("nope.trace").toString()));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines()).containsExactly(
        dir.resolve("g2x-bad.trace") + ":6:4: expected a syscall name (open, close, read, ...), found \"opne\"",
        "fusesim: " + dir.resolve("nope.trace") + ": no such file");
  }

  @Test
  void checkReportsEveryCorpusFileAndExits2() throws IOException {
    Files.writeString(dir.resolve("g3y-also-bad.trace"), "trace: t\nresult: maybe\n");
    int code = run(List.of("check", "--corpus", dir.toString(), "--runs", "1", "--out", dir.resolve("o").toString()));
    assertThat(code).isEqualTo(2);
    assertThat(out.toString().lines().filter(l -> l.startsWith("ERROR "))).hasSize(2);
    assertThat(out.toString()).contains("corpus: 8 traces, 6 met their result, 0 did not, 2 malformed or unreadable");
  }

  @Test
  void specAndBisectReportEveryCorpusFileAndWriteNothing() throws IOException {
    Files.writeString(dir.resolve("g3y-also-bad.trace"), "trace: t\nresult: maybe\n");
    Path o = Files.createDirectory(dir.resolve("spec-out"));
    assertThat(run(List.of("spec", "--corpus", dir.toString(), "--out", o.toString()))).isEqualTo(2);
    assertThat(err.toString().lines()).hasSize(3).last().asString().contains("2 corpus file(s) malformed");
    try (var s = Files.list(o)) {
      assertThat(s).isEmpty();
    }
    err.getBuffer().setLength(0);
    assertThat(run(List.of("bisect", "--corpus", dir.toString(), "--runs", "1", "--out", o.toString())))
        .isEqualTo(2);
    assertThat(err.toString().lines()).hasSize(3).last().asString().contains("nothing bisected");
  }
}
