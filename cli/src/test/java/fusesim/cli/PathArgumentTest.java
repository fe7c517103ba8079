package fusesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** A file argument Path.of refuses (CliFuzzTest crash 07818c83: a NUL byte) is bad usage with its reason. */
class PathArgumentTest {
  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new String[] {Integer.toString(code), err.toString()};
  }

  @Test
  void nulInPathIsBadUsage() {
    String[] r = run("replay", "a\0b.trace");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).startsWith("fusesim: ").contains("not a usable path: Nul character not allowed")
        .doesNotContain("Exception");
  }

  @Test
  void ordinaryMissingPathStillReachesTheCommand() {
    String[] r = run("replay", "/nonexistent-fusesim/x.trace");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("x.trace").doesNotContain("not a usable path");
  }
}
