package fusesim.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.ModelReplay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Suite (a)'s corpus half: every corpus trace (mainline/, v2/, findings/) replayed on the model
 * meets its {@code result:}. The same verdict as traces' MainlineCorpusTest/V2CorpusTest
 * (everyTraceMeetsItsResult), without their sharpness checks (those mutate the traces, not the
 * model). Fails at the first trace that does not meet its result, so a killed mutant is cheap.
 */
class CorpusSuiteTest {
  @Test
  void mainlineTracesMeetTheirResult() throws IOException {
    assertThat(replayAll(Corpus.traces("mainline"))).isGreaterThanOrEqualTo(40);
  }

  @Test
  void v2TracesMeetTheirResult() throws IOException {
    assertThat(replayAll(Corpus.traces("v2"))).isGreaterThanOrEqualTo(40);
  }

  @Test
  void findingsTracesMeetTheirResult() throws IOException {
    assertThat(replayAll(Corpus.traces("findings"))).isPositive();
  }

  private static int replayAll(List<Path> traces) throws IOException {
    for (Path p : traces) {
      String text = Files.readString(p, StandardCharsets.UTF_8);
      ModelReplay.Result r = ModelReplay.run(TraceParser.parse(p.toString(), text));
      assertThat(r.met()).as("%s: %s (line %d)", p, r.why(), r.whyLine()).isTrue();
    }
    return traces.size();
  }
}
