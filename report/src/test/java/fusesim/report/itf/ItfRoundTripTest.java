package fusesim.report.itf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.model.Fault;
import fusesim.traces.lang.TraceError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** ITF export and import: the whole corpus round trips; malformed and tampered files are located. */
class ItfRoundTripTest {
  private static final Path CORPUS = Path.of("..", "traces", "corpus");

  static List<Path> corpus() throws IOException {
    try (Stream<Path> s = Files.walk(CORPUS)) {
      return s.filter(p -> p.toString().endsWith(".trace")).sorted().toList();
    }
  }

  static String export(Path p) throws IOException {
    String text = Files.readString(p, StandardCharsets.UTF_8);
    return Json.write(ItfExport.export(p.toString(), text, EnumSet.noneOf(Fault.class)));
  }

  @Test
  void wholeCorpusRoundTrips() throws IOException {
    List<String> failures = new ArrayList<>();
    int traces = 0;
    int states = 0;
    for (Path p : corpus()) {
      String json;
      try {
        json = export(p);
      } catch (TraceError e) {
        continue; // a trace the model refuses (there are none in the corpus today) has no replay
      }
      traces++;
      // written, read back, written again: the same bytes
      assertThat(Json.write(Json.parse(p + ".itf.json", json))).as(p.toString()).isEqualTo(json);
      ItfCheck.Result r = ItfCheck.check(p + ".itf.json", json);
      states += r.states();
      if (!r.agrees()) {
        failures.add(r.difference().message());
      }
      assertThat(export(p)).as("deterministic: " + p).isEqualTo(json);
    }
    System.out.printf("ITF round trip: %d traces, %d states%n", traces, states);
    assertThat(failures).isEmpty();
    assertThat(traces).isEqualTo(corpus().size());
  }

  private static final Path SAMPLE = CORPUS.resolve("mainline").resolve("passthrough-then-cached.trace");

  @Test
  void stateShowsTheModel() throws IOException {
    Json.Obj doc = (Json.Obj) Json.parse("x", export(SAMPLE));
    List<Json.Node> states = ((Json.Arr) doc.get("states")).items();
    Json.Obj first = (Json.Obj) states.get(0);
    assertThat(Itf.canonical(first.get("step"))).isEqualTo("#0");
    assertThat(Json.compact(first.get("files"))).isEqualTo("{\"#map\":[]}");
    // somewhere a file is open in passthrough mode with a registered backing
    boolean passthrough = states.stream().anyMatch(s -> Json.compact(((Json.Obj) s).get("files"))
        .contains("\"passthroughBacking\":\"1\""));
    assertThat(passthrough).isTrue();
    assertThat(((Json.Obj) doc.get("#meta")).get("format")).isEqualTo(new Json.Str("ITF", 3, 15));
  }

  @Test
  void plainIntegersEqualBigints() {
    assertThat(Itf.canonical(Json.parse("x", "{\"a\":3}")))
        .isEqualTo(Itf.canonical(Json.parse("x", "{\"a\":{\"#bigint\":\"3\"}}")));
    assertThat(Itf.canonical(Json.parse("x", "{\"#set\":[1,2]}")))
        .isEqualTo(Itf.canonical(Json.parse("x", "{\"#set\":[2,1]}")));
    assertThat(Itf.canonical(Json.parse("x", "[1,2]"))).isNotEqualTo(Itf.canonical(Json.parse("x", "[2,1]")));
    assertThat(Itf.canonical(Json.parse("x", "{\"a\":3}"))).isNotEqualTo(Itf.canonical(Json.parse("x", "{\"a\":4}")));
  }

  @Test
  void malformedJsonIsLocated() {
    assertThatThrownBy(() -> Json.parse("f.json", "{\"a\": 1,\n  \"b\": }"))
        .hasMessage("f.json:2:8: expected a JSON value, found '}'");
    assertThatThrownBy(() -> Json.parse("f.json", "[1, 2"))
        .hasMessage("f.json:1:6: expected ',' or ']', found end of file");
    assertThatThrownBy(() -> Json.parse("f.json", "{\"a\":1,\"a\":2}"))
        .hasMessage("f.json:1:8: duplicate member name \"a\"");
    assertThatThrownBy(() -> Json.parse("f.json", "\"\\x\""))
        .hasMessage("f.json:1:2: bad escape in a string");
    assertThatThrownBy(() -> Json.parse("f.json", "{} x"))
        .hasMessage("f.json:1:4: unexpected 'x' after the JSON value");
    assertThatThrownBy(() -> Json.parse("f.json", "[".repeat(100)))
        .hasMessageContaining("f.json:1:66: nested deeper than 64 levels");
    assertThatThrownBy(() -> Json.parse("f.json", "01")).hasMessage("f.json:1:2: unexpected '1' after the JSON value");
  }

  @Test
  void notAnItfTraceIsLocated() throws IOException {
    assertThatThrownBy(() -> ItfCheck.check("f.json", "[]"))
        .hasMessage("f.json:1:1: the ITF trace must be a JSON object");
    assertThatThrownBy(() -> ItfCheck.check("f.json", "{\n \"vars\": []}"))
        .hasMessage("f.json:1:1: missing '#meta'");
    String json = export(SAMPLE);
    String noStates = json.replaceFirst("\"states\": \\[", "\"states\": 7, \"x\": [");
    assertThatThrownBy(() -> ItfCheck.check("f.json", noStates)).hasMessageMatching("f\\.json:\\d+:\\d+: states must be a JSON array");
    String badVar = json.replaceFirst("\"blocked\"", "\"blocked2\"");
    assertThatThrownBy(() -> ItfCheck.check("f.json", badVar)).hasMessageMatching("f\\.json:\\d+:\\d+: vars must be .*");
    String badIndex = json.replaceFirst("\"index\":1\\}", "\"index\":5}");
    assertThatThrownBy(() -> ItfCheck.check("f.json", badIndex)).hasMessageMatching("f\\.json:\\d+:\\d+: state 1 has #meta.index 5");
    String badFault = json.replaceFirst("\"faults\": \\[\\]", "\"faults\": [\"no-such-fault\"]");
    assertThatThrownBy(() -> ItfCheck.check("f.json", badFault)).hasMessageContaining("unknown fault \"no-such-fault\"");
  }

  @Test
  void tamperedStateIsADifference() throws IOException {
    String json = export(SAMPLE);
    assertThat(ItfCheck.check("f.json", json).agrees()).isTrue();
    String tampered = json.replaceFirst("\"nlookup\":\\{\"#bigint\":\"1\"\\}", "\"nlookup\":{\"#bigint\":\"7\"}");
    assertThat(tampered).isNotEqualTo(json);
    ItfCheck.Result r = ItfCheck.check("f.json", tampered);
    assertThat(r.agrees()).isFalse();
    assertThat(r.difference().message()).matches("f\\.json:\\d+:\\d+: state \\d+ \\(trace line \\d+\\) differs from the model "
        + "in 'inodes': the model has .*\"nlookup\":\\{\"#bigint\":\"1\"}.*, the file has .*\"nlookup\":\\{\"#bigint\":\"7\"}.*");
    // the same values written as plain JSON integers still agree
    String plain = json.replaceAll("\\{\"#bigint\":\"(-?[0-9]+)\"\\}", "$1");
    assertThat(plain).isNotEqualTo(json);
    assertThat(ItfCheck.check("f.json", plain).agrees()).isTrue();
  }
}
