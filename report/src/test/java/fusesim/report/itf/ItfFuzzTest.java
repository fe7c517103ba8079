package fusesim.report.itf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import fusesim.traces.lang.TraceError;
import fusesim.traces.lang.TraceFile;
import fusesim.traces.lang.TraceSyntaxError;

/**
 * Coverage-guided fuzz tests of the ITF import, {@code fusesim replay --itf} (Jazzer, issue 16):
 * in {@code mvn verify} each file of {@code src/test/resources/fusesim/report/itf/ItfFuzzTestInputs/
 * METHOD/} runs once; {@code JAZZER_FUZZ=1} fuzzes (traces/README.md). The bytes are decoded as
 * {@code ItfReplay} decodes a file ({@link TraceFile#decode}: UTF-8, a BOM dropped).
 */
class ItfFuzzTest {
  private static final String FILE = "f.itf.json";

  /**
   * Any bytes: the reader returns a tree that the writer prints and the reader reads back to the
   * same text, or it refuses the text with a {@link Json.JsonError} located inside it. Nothing else.
   */
  @FuzzTest(maxDuration = "3m")
  void jsonReadWrite(byte[] bytes) {
    String text = decodeOrNull(bytes);
    if (text == null) {
      return;
    }
    Json.Node n;
    try {
      n = Json.parse(FILE, text);
    } catch (Json.JsonError e) {
      assertLocated(e.getMessage(), text);
      return;
    }
    String written = Json.write(n);
    assertThat(Json.write(Json.parse(FILE, written))).isEqualTo(written);
    assertThat(Itf.canonical(Json.parse(FILE, written))).isEqualTo(Itf.canonical(n));
  }

  /**
   * Any bytes: {@link ItfCheck#check} compares the file with the model's replay of the trace it
   * carries, or refuses it with a located error: {@link Json.JsonError} or {@link ItfCheck.ItfError}
   * at a place of the file, or a {@link TraceError} at a place of the carried trace (named by its
   * {@code #meta.source}). Never another exception.
   */
  @FuzzTest(maxDuration = "3m")
  void itfCheck(byte[] bytes) {
    String text = decodeOrNull(bytes);
    if (text == null) {
      return;
    }
    try {
      ItfCheck.Result r = ItfCheck.check(FILE, text);
      assertThat(r.states()).isNotNegative();
      if (!r.agrees()) {
        assertLocated(r.difference().message(), text);
      }
    } catch (Json.JsonError | ItfCheck.ItfError e) {
      assertLocated(e.getMessage(), text);
    } catch (TraceError e) {
      assertThat(e.getMessage()).startsWith(e.file() + ":" + e.line() + ":" + e.col() + ": ");
      assertThat(e.line()).isNotNegative();
    }
  }

  private static String decodeOrNull(byte[] bytes) {
    try {
      return TraceFile.decode(FILE, bytes);
    } catch (TraceSyntaxError e) {
      assertThat(e.getMessage()).startsWith(FILE + ":" + e.line() + ":" + e.col() + ": expected UTF-8 text");
      return null;
    }
  }

  /** The message starts with FILE:LINE:COL inside the text (one past its end at most). */
  private static void assertLocated(String message, String text) {
    assertThat(message).matches("(?s)\\Q" + FILE + "\\E:\\d+:\\d+: .+");
    String[] place = message.substring(FILE.length() + 1).split(":", 3);
    int line = Integer.parseInt(place[0]);
    int col = Integer.parseInt(place[1]);
    assertThat(line).isBetween(1, (int) text.chars().filter(c -> c == '\n').count() + 1);
    assertThat(col).isBetween(1, text.length() + 1);
  }
}
