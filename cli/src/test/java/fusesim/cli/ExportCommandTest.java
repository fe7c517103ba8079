package fusesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export --itf / --junit and replay --itf as a user runs them: output, rerun identity, errors. */
class ExportCommandTest {
  private static final String TRACE = "../traces/corpus/mainline/passthrough-then-cached.trace";

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void itfExportIsDeterministicAndReplays(@TempDir Path dir) throws Exception {
    Run a = run("export", "--itf", TRACE);
    assertThat(a.code()).isZero();
    assertThat(a.out()).startsWith("{\n  \"#meta\": {\n    \"format\": \"ITF\"");
    assertThat(run("export", "--itf", TRACE).out()).isEqualTo(a.out());
    Path f = dir.resolve("t.itf.json");
    assertThat(run("export", "--itf", TRACE, "-o", f.toString()).code()).isZero();
    assertThat(Files.readString(f)).isEqualTo(a.out());
    Run r = run("replay", "--itf", f.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(f + ": 13 states, as the model replays " + TRACE + "\n");
    assertThat(run("replay", "--itf", f.toString()).out()).isEqualTo(r.out());
  }

  @Test
  void itfErrorsAreLocated(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"a\": [1,\n  2,,]}");
    Run r = run("replay", "--itf", bad.toString(), dir.resolve("none.json").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo(bad + ":2:5: expected a JSON value, found ','\n"
        + "fusesim: " + dir.resolve("none.json") + ": no such file\n");
    Path tampered = dir.resolve("t.json");
    Files.writeString(tampered, run("export", "--itf", TRACE).out()
        .replaceFirst("\"iomode\":\"uncached\"", "\"iomode\":\"cached\""));
    assertThat(Files.readString(tampered)).isNotEqualTo(run("export", "--itf", TRACE).out());
    Run t = run("replay", "--itf", tampered.toString());
    assertThat(t.code()).isEqualTo(1);
    assertThat(t.out()).matches("(?s)" + java.util.regex.Pattern.quote(tampered.toString())
        + ":\\d+:\\d+: state \\d+ \\(trace line \\d+\\) differs from the model in 'files'.*");
    Path trace = dir.resolve("bad.trace");
    Files.writeString(trace, "semantics: mainline\nT1 open(\n");
    Run e = run("export", "--itf", trace.toString());
    assertThat(e.code()).isEqualTo(2);
    assertThat(e.err()).startsWith(trace + ":2:1: ");
    assertThat(e.err()).doesNotContain("Exception");
    assertThat(run("export", "--itf", TRACE, TRACE).err()).contains("export --itf takes one trace");
  }

  @Test
  void junitExport() {
    Run a = run("export", "--junit", TRACE);
    assertThat(a.code()).isZero();
    assertThat(a.out()).contains("class PassthroughThenCachedTest {", "void passthroughThenCached() {");
    assertThat(run("export", "--junit", TRACE).out()).isEqualTo(a.out());
    Run two = run("export", "--junit", "--package", "org.example", TRACE, TRACE);
    assertThat(two.out()).contains("package org.example;", "class FusesimTracesTest {", "void passthroughThenCached_2()");
    Run bad = run("export", "--junit", "--class", "1x", TRACE);
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).isEqualTo("fusesim: not a Java class name: 1x\n");
    assertThat(run("export", "--itf", "--junit", TRACE).code()).isEqualTo(2);
  }
}
