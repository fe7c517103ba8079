package fusesim.traces.lang;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whatever the text, the parser either returns a trace that prints and parses back, or throws a
 * {@link TraceSyntaxError} with a position inside the text: never another exception. The inputs
 * are every one-character deletion, and every insertion of a few tricky characters, of the
 * TRACE-FORMAT strawman's examples (src/test/resources/trace-format/) (deterministic, about 18,000 parses).
 */
class RobustnessTest {
  private static final String[] EXAMPLES = {"03-server-policy", "04-concurrency", "05-steps"};
  private static final String INSERTS = " \"#(,={<-";

  @Test
  void everySmallEditParsesOrFailsCleanly() {
    int parsed = 0;
    int failed = 0;
    for (String name : EXAMPLES) {
      for (String text : edits(Fixtures.exampleText(name))) {
        if (parsesOrFailsCleanly(text)) {
          parsed++;
        } else {
          failed++;
        }
      }
    }
    assertThat(parsed).isPositive();
    assertThat(failed).isPositive();
  }

  private static List<String> edits(String text) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < text.length(); i++) {
      out.add(text.substring(0, i) + text.substring(i + 1));
      for (char c : INSERTS.toCharArray()) {
        out.add(text.substring(0, i) + c + text.substring(i));
      }
    }
    return out;
  }

  private static boolean parsesOrFailsCleanly(String text) {
    try {
      Trace t = TraceParser.parse("e.trace", text);
      String printed = TracePrinter.print(t);
      assertThat(TracePrinter.print(TraceParser.parse("e.trace", printed))).isEqualTo(printed);
      return true;
    } catch (TraceSyntaxError e) {
      long lines = text.lines().count();
      assertThat(e.line()).isBetween(1, (int) lines + 1);
      assertThat(e.col()).isPositive();
      assertThat(e.getMessage()).startsWith("e.trace:" + e.line() + ":" + e.col() + ": expected ");
      return false;
    }
  }
}
