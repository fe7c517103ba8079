package fusesim.report.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import fusesim.traces.lang.TraceError;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** The generated class compiles (javax.tools) and runs (JUnit Platform): green as generated, red when tampered. */
class JUnitExportTest {
  private static final Path CORPUS = Path.of("..", "traces", "corpus");

  static List<JUnitExport.Case> cases(String sub, int every) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(CORPUS.resolve(sub))) {
      files = s.filter(p -> p.toString().endsWith(".trace")).sorted().toList();
    }
    List<JUnitExport.Case> out = new ArrayList<>();
    for (int i = 0; i < files.size(); i += every) {
      Path p = files.get(i);
      out.add(JUnitExport.caseOf(p.toString(), Files.readString(p, StandardCharsets.UTF_8)));
    }
    return out;
  }

  /** Compiles {@code src} as {@code pkg.name} and runs it; the summary. */
  static TestExecutionSummary compileAndRun(String pkg, String name, String src) throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "junit-export", name));
    Path file = dir.resolve(name + ".java");
    Files.writeString(file, src, StandardCharsets.UTF_8);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diag = new StringWriter();
    boolean ok = javac.getTask(diag, null, null, List.of("-d", dir.toString(), "-classpath",
        System.getProperty("java.class.path"), "-Xlint:all", "-Werror"), null,
        javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(file)).call();
    assertThat(ok).as(diag.toString()).isTrue();
    try (URLClassLoader cl = new URLClassLoader(new URL[] {dir.toUri().toURL()}, JUnitExportTest.class.getClassLoader())) {
      Class<?> c = cl.loadClass(pkg.isEmpty() ? name : pkg + "." + name);
      Launcher launcher = LauncherFactory.create();
      SummaryGeneratingListener listener = new SummaryGeneratingListener();
      launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(c)).build(), listener);
      return listener.getSummary();
    }
  }

  @Test
  void generatedClassCompilesAndPasses() throws Exception {
    List<JUnitExport.Case> cases = new ArrayList<>(cases("mainline", 10));
    cases.addAll(cases("v2", 10));
    String src = JUnitExport.generate("org.example.fuse", "CorpusSampleTest", cases);
    assertThat(JUnitExport.generate("org.example.fuse", "CorpusSampleTest", cases)).isEqualTo(src);
    TestExecutionSummary s = compileAndRun("org.example.fuse", "CorpusSampleTest", src);
    assertThat(s.getFailures()).isEmpty();
    assertThat(s.getTestsSucceededCount()).isEqualTo(cases.size());
  }

  @Test
  void aChangedObservationFailsAtItsStatement() throws Exception {
    JUnitExport.Case c = cases("mainline", 1000).get(0);
    List<JUnitExport.Expected> steps = new ArrayList<>(c.steps());
    JUnitExport.Expected e = steps.get(steps.size() - 1);
    steps.set(steps.size() - 1, new JUnitExport.Expected(e.line(), e.result() + "x", e.requests(), e.met(), e.violation()));
    String src = JUnitExport.generate("", "TamperedTest", List.of(new JUnitExport.Case(c.file(), c.text(), steps, c.met())));
    TestExecutionSummary s = compileAndRun("", "TamperedTest", src);
    assertThat(s.getTestsFailedCount()).isEqualTo(1);
    assertThat(s.getFailures().get(0).getException().getMessage()).contains(c.file() + ":" + e.line() + ": ", ": result");
    // and a wrong verdict fails too
    String verdict = JUnitExport.generate("", "VerdictTest", List.of(new JUnitExport.Case(c.file(), c.text(), c.steps(), !c.met())));
    assertThat(compileAndRun("", "VerdictTest", verdict).getTestsFailedCount()).isEqualTo(1);
  }

  @Test
  void names() {
    assertThat(JUnitExport.className("traces/corpus/mainline/passthrough-then-cached.trace")).isEqualTo("PassthroughThenCachedTest");
    assertThat(JUnitExport.methodName("a/2-open.trace")).isEqualTo("trace2Open");
    assertThat(JUnitExport.methodName("a/new.trace")).isEqualTo("newTrace");
    assertThat(JUnitExport.validNames("", "1x")).isFalse();
    assertThat(JUnitExport.validNames("a..b", "X")).isFalse();
    assertThat(JUnitExport.validNames("a.b", "X")).isTrue();
    assertThat(JUnitExport.literal("a\"\\\né")).isEqualTo("\"a\\\"\\\\\\n\\u00e9\"");
    assertThatThrownBy(() -> JUnitExport.generate("", "class", List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void malformedTraceIsLocated() {
    assertThatThrownBy(() -> JUnitExport.caseOf("bad.trace", "semantics: mainline\nT1 open(\n"))
        .isInstanceOf(TraceError.class).hasMessageStartingWith("bad.trace:");
  }
}
