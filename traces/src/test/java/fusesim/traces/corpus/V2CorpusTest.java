package fusesim.traces.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The series corpus ({@code traces/corpus/v2}: FUSE_PASSTHROUGH_INO under semantics v2, v2@K and
 * v1): every trace meets its {@code result:} and is sharp (see {@link CorpusChecks}).
 * {@code traces/corpus/v2-disagreements} holds traces that say what the series should do (per
 * the patch's commit message, the libfuse test server and the kernel code) where the model does not agree: they
 * must parse and must still fail on the model (once one passes, move it to v2/).
 */
class V2CorpusTest {
  private static final Path V2 = CorpusChecks.CORPUS.resolve("v2");
  private static final Path DISAGREEMENTS = CorpusChecks.CORPUS.resolve("v2-disagreements");

  @TestFactory
  Stream<DynamicTest> everyTraceMeetsItsResult() throws IOException {
    return CorpusChecks.everyTraceMeetsItsResult(V2);
  }

  @TestFactory
  Stream<DynamicTest> flippingTheVerdictFails() throws IOException {
    return CorpusChecks.flippingTheVerdictFails(V2);
  }

  @TestFactory
  Stream<DynamicTest> changingAStatedResultFailsAtItsLine() throws IOException {
    return CorpusChecks.changingAStatedResultFailsAtItsLine(V2, 60);
  }

  @TestFactory
  Stream<DynamicTest> disagreementsStillFailOnTheModel() throws IOException {
    return CorpusChecks.disagreementsStillFailOnTheModel(DISAGREEMENTS, V2);
  }

  @Test
  void theCorpusHasThirtyTracesAllListedInItsReadme() throws IOException {
    assertThat(CorpusChecks.traces(V2)).hasSizeGreaterThanOrEqualTo(30);
    CorpusChecks.allListedIn(V2.resolve("README.md"), V2, DISAGREEMENTS);
  }

  @Test
  void everyTraceIsNamedAfterItsFile() throws IOException {
    CorpusChecks.everyTraceIsNamedAfterItsFile(V2);
  }
}
