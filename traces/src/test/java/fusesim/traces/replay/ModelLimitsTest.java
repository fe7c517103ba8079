package fusesim.traces.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.traces.lang.TraceParser;
import fusesim.traces.lang.TraceSemanticError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sizes past what the model indexes are a located error naming the limit, not an
 * IndexOutOfBoundsException from its page bitsets (found by replaying a hand-made huge trace;
 * the input is a seed of TraceFuzzTest#replayOnModel); sizes up to the limit replay.
 */
class ModelLimitsTest {
  private static final String HEAD = "trace: t\nresult: pass\nmount passthrough\nlower file /a ino=10\n"
      + "T1 open(\"/a\", O_RDWR) = 3\n";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "pwrite far offset | T1 pwrite(3, 10, 9000000000000000) = ? | 6:18 | file offsets and lengths",
      "huge read | T1 read(3, 9000000000000) = ? | 6:12 | the bytes of one read or write",
      "huge ftruncate | T1 ftruncate(3, 9223372036854775807) = ? | 6:17 | file offsets and lengths",
      "huge lower size | lower set /a size=9000000000000000 | 6:14 | a file's size",
      "huge reply data | server read /a data size=9000000000000 | 6:21 | the data of a server reply",
  })
  void overTheLimitIsALocatedError(String what, String line, String pos, String limit) {
    var t = TraceParser.parse("big.trace", HEAD + line + "\n");
    assertThatThrownBy(() -> ModelReplay.run(t)).isInstanceOf(TraceSemanticError.class)
        .hasMessageStartingWith("big.trace:" + pos + ": ").hasMessageContaining("over the model's limit on " + limit);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "pwrite at the limit | T1 pwrite(3, 1073741824, 1099511627776) = ?",
      "ftruncate at the limit | T1 ftruncate(3, 1099511627776) = ?",
  })
  void atTheLimitReplays(String what, String line) {
    assertThat(ModelReplay.run(TraceParser.parse("big.trace", HEAD + line + "\n")).steps()).isNotEmpty();
  }
}
