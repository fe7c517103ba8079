package fusesim.traces.lang;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import fusesim.traces.replay.ModelReplay;

/**
 * Coverage-guided fuzz tests of the trace language (Jazzer). In {@code mvn verify} they run in
 * regression mode: each file of {@code src/test/resources/fusesim/traces/lang/TraceFuzzTestInputs/
 * METHOD/} once, deterministic and fast. {@code JAZZER_FUZZ=1} fuzzes (see traces/README.md). A
 * crash found is fixed and its input committed there as a regression seed.
 */
class TraceFuzzTest {
  private static final String FILE = "f.trace";

  /**
   * Any bytes: decoding and parsing either succeed, and then print, parse and print again is the
   * identity (same text, same AST without positions), or fail with a {@link TraceSyntaxError}
   * located inside the text. Never another exception.
   */
  @FuzzTest(maxDuration = "4m")
  void parsePrintParse(byte[] bytes) {
    Trace t = parseOrNull(bytes);
    if (t == null) {
      return;
    }
    String printed = TracePrinter.print(t);
    Trace again = TraceParser.parse(FILE, printed);
    assertThat(TracePrinter.print(again)).isEqualTo(printed);
    assertThat(Fixtures.withoutPositions(again)).isEqualTo(Fixtures.withoutPositions(t));
  }

  /**
   * Any bytes that parse: the model replays the trace to its verdict, or refuses a statement with a
   * located {@link TraceError} (a semantic error: fd never opened, no pending request, a limit).
   * Never another exception.
   */
  @FuzzTest(maxDuration = "4m")
  void replayOnModel(byte[] bytes) {
    Trace t = parseOrNull(bytes);
    if (t == null) {
      return;
    }
    try {
      ModelReplay.Result r = ModelReplay.run(t);
      assertThat(r.steps()).isNotNull();
    } catch (TraceError e) {
      assertThat(e.getMessage()).startsWith(FILE + ":");
      assertThat(e.line()).isBetween(0, t.body().isEmpty() ? Integer.MAX_VALUE : lastLine(t));
    }
  }

  private static int lastLine(Trace t) {
    return t.body().stream().mapToInt(Stmt::line).max().orElse(0) + 1;
  }

  /** The parsed trace, or null after checking that the error is located inside the text. */
  static Trace parseOrNull(byte[] bytes) {
    String text;
    try {
      text = TraceFile.decode(FILE, bytes);
    } catch (TraceSyntaxError e) {
      assertThat(e.getMessage()).startsWith(FILE + ":" + e.line() + ":" + e.col() + ": expected UTF-8 text");
      return null;
    }
    if (text.length() > TraceFile.MAX_BYTES) {
      return null;
    }
    try {
      return TraceParser.parse(FILE, text);
    } catch (TraceSyntaxError e) {
      long lines = text.split("\r?\n", -1).length;
      assertThat(e.line()).isBetween(1, (int) lines + 1);
      assertThat(e.col()).isPositive();
      assertThat(e.getMessage()).startsWith(FILE + ":" + e.line() + ":" + e.col() + ": expected ");
      return null;
    }
  }
}
