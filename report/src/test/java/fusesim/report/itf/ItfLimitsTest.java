package fusesim.report.itf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.traces.lang.TraceFile;
import org.junit.jupiter.api.Test;

/** The ITF reader's and checker's limits (issue 16): at the limit accepted, past it a located refusal naming it. */
class ItfLimitsTest {
  @Test
  void depth() {
    String ok = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
    assertThat(Json.write(Json.parse("f", ok))).startsWith("[");
    String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
    assertThatThrownBy(() -> Json.parse("f", deep)).hasMessage("f:1:66: nested deeper than 64 levels (the limit Json.MAX_DEPTH)");
  }

  @Test
  void stringLength() {
    String ok = "\"" + "a".repeat(Json.MAX_STRING) + "\"";
    assertThat(((Json.Str) Json.parse("f", ok)).value()).hasSize(Json.MAX_STRING);
    String longer = "\"" + "a".repeat(Json.MAX_STRING + 1) + "\"";
    assertThatThrownBy(() -> Json.parse("f", longer))
        .hasMessage("f:1:" + (Json.MAX_STRING + 2) + ": a string longer than 1048576 characters (the limit Json.MAX_STRING)");
  }

  @Test
  void numberLength() {
    assertThat(Json.parse("f", "1".repeat(Json.MAX_NUMBER))).isInstanceOf(Json.Num.class);
    assertThatThrownBy(() -> Json.parse("f", "[0, " + "1".repeat(Json.MAX_NUMBER + 1) + "]"))
        .hasMessage("f:1:5: a number longer than 64 characters (the limit Json.MAX_NUMBER)");
    // a #bigint string is compared as written past the limit, as equal only to itself
    String huge = "9".repeat(100_000);
    assertThat(Itf.canonical(Json.parse("f", "{\"#bigint\":\"" + huge + "\"}"))).isEqualTo(huge);
    assertThat(Itf.canonical(Json.parse("f", "{\"#bigint\":\"0012\"}"))).isEqualTo("#12");
  }

  @Test
  void valueCount() {
    String ok = "[" + "0,".repeat(Json.MAX_VALUES - 2) + "0]";
    assertThat(((Json.Arr) Json.parse("f", ok)).items()).hasSize(Json.MAX_VALUES - 1);
    String more = "[" + "0,".repeat(Json.MAX_VALUES - 1) + "0]";
    assertThatThrownBy(() -> Json.parse("f", more))
        .hasMessage("f:1:" + (2 * Json.MAX_VALUES) + ": more than 1048576 JSON values (the limit Json.MAX_VALUES)");
  }

  @Test
  void longTokensAreCut() {
    String key = "k".repeat(1000);
    assertThatThrownBy(() -> Json.parse("f", "{\"" + key + "\":1,\"" + key + "\":2}"))
        .hasMessage("f:1:1007: duplicate member name \"" + "k".repeat(80) + "...\"");
  }

  @Test
  void checkerLimits() {
    String states = "[" + "{},".repeat(ItfCheck.MAX_STATES) + "{}]";
    assertThatThrownBy(() -> ItfCheck.check("f", itf("\"s\"", "\"trace: t\\n\"", states)))
        .hasMessageMatching("f:1:\\d+: more than 131072 states \\(the limit ItfCheck.MAX_STATES\\)");
    assertThatThrownBy(() -> ItfCheck.check("f", itf("\"" + "s".repeat(ItfCheck.MAX_SOURCE + 1) + "\"", "\"\"", "[]")))
        .hasMessageMatching("f:1:\\d+: #meta.source is longer than 4096 bytes, its limit");
    // within Json.MAX_STRING characters, past TraceFile.MAX_BYTES bytes of UTF-8
    String trace = "\"" + "\u00e9".repeat(TraceFile.MAX_BYTES / 2 + 1) + "\"";
    assertThatThrownBy(() -> ItfCheck.check("f", itf("\"s\"", trace, "[]")))
        .hasMessageMatching("f:1:\\d+: #meta.fusesim.trace is longer than 1048576 bytes, its limit");
    // within the limits, the same file gets as far as the first state
    assertThatThrownBy(() -> ItfCheck.check("f", itf("\"s\"", "\"trace: t\\n\"", "[{}]")))
        .hasMessageMatching("f:1:\\d+: missing '#meta'");
  }

  private static String itf(String source, String trace, String states) {
    return "{\"#meta\":{\"source\":" + source + ",\"fusesim\":{\"trace\":" + trace + ",\"faults\":[]}},\"vars\":"
        + "[\"step\",\"line\",\"stmt\",\"result\",\"requests\",\"met\",\"violation\",\"conn\",\"inodes\",\"files\","
        + "\"backings\",\"dentries\",\"maps\",\"blocked\"],\"states\":" + states + "}";
  }
}
