package fusesim.kernel.replay;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.kernel.KernelProbe;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.ModelReplay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The whole mainline corpus (traces/corpus/mainline) replayed on this machine's kernel, side by
 * side with the model: every observable line must be met on the kernel and agree with the model.
 * Skipped, with the probe's reason, when the kernel cannot be used here.
 */
@Tag("real-kernel")
class MainlineCorpusOnKernelTest {
  private static final Path CORPUS = Path.of("..", "traces", "corpus", "mainline");

  @TestFactory
  Stream<DynamicTest> everyCorpusTraceAgreesWithTheKernel() throws IOException {
    KernelProbe p = KernelProbe.get();
    Assumptions.assumeTrue(p.usable(), p.reason());
    List<Path> traces;
    try (Stream<Path> s = Files.list(CORPUS)) {
      traces = s.filter(f -> f.toString().endsWith(".trace")).sorted().collect(Collectors.toList());
    }
    assertThat(traces).hasSizeGreaterThanOrEqualTo(40);
    return traces.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      Trace t = TraceParser.parse(f.toString(), Files.readString(f, StandardCharsets.UTF_8));
      ModelReplay.Result model = ModelReplay.run(t);
      KernelReplayResult kernel = KernelReplay.runBeside(t,
          model.steps().stream().map(ModelReplay.Step::obs).collect(Collectors.toList()));
      List<Comparison.Row> rows = Comparison.rows(
          model.steps().stream().map(ModelReplay.Step::obs).collect(Collectors.toList()), kernel);
      assertThat(kernel.allMet()).as(kernel.report()).isTrue();
      assertThat(Comparison.agree(rows)).as(Comparison.render(rows)).isTrue();
    }));
  }
}
