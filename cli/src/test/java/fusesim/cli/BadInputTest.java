package fusesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A malformed trace gives exactly one error line naming file:line:col, exit code 2, no stack
 * trace, and nothing that looks like a result.
 */
class BadInputTest {
  private static final String HEAD = "trace: t\nresult: pass\nlower file /a ino=10 size=4096\n";

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown syscall | T1 opne(\"/a\", O_RDONLY) = 3 | 4:4: expected a syscall name",
      "bad flag | T1 open(\"/a\", O_RDONLYX) = 3 | 4:15: expected an open flag O_*, found \"O_RDONLYX\"",
      "fd never opened | T1 read(7, 10) = 10 | 4:9: fd 7 was never opened by this trace",
      "reply not pending | server reply T1 lookup | 4:14: T1 has no pending LOOKUP request to reply to",
      "resume without unfinished | T1 <... stat resumed>) = 0 | 4:1: T1 has no unfinished call to resume",
  })
  void malformedTraceIsOneLineAndExit2(String what, String line, String expected) throws IOException {
    Path t = dir.resolve("bad.trace");
    Files.writeString(t, HEAD + line + "\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), "replay", t.toString());
    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines()).hasSize(1);
    assertThat(err.toString()).startsWith(t + ":").contains(expected).doesNotContain("Exception");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "missing result | trace: t\\n | 2:1: expected",
      "missing trace | result: pass\\n | 2:1: expected a \"trace: NAME\" line",
  })
  void missingHeaderIsAnError(String what, String text, String expected) throws IOException {
    Path t = dir.resolve("bad.trace");
    Files.writeString(t, text.replace("\\n", "\n"));
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "replay", t.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith(t + ":").contains(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown option | replay --bogus x.trace",
      "no file | replay /nonexistent/x.trace",
      "no subcommand | ''",
      "fuzz count 0 | kernel fuzz --count 0",
      "fuzz count not a number | kernel fuzz --count many",
      "fuzz bad seed | kernel fuzz --count 5 --seed -3",
      "fuzz bad shrink attempts | kernel fuzz --shrink-attempts -1",
      "fuzz known not a directory | kernel fuzz --count 1 --known /nonexistent/dir",
  })
  void badUsageIsExit2(String what, String args) {
    StringWriter err = new StringWriter();
    String[] argv = args.isEmpty() ? new String[0] : args.split(" ");
    int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), argv);
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("fusesim: ").doesNotContain("Exception");
    assertThat(err.toString().lines()).hasSize(1);
  }
}
