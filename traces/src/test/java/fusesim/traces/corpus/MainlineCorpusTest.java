package fusesim.traces.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The mainline corpus ({@code traces/corpus/mainline}): every trace meets its {@code result:} and
 * is sharp (see {@link CorpusChecks}). {@code traces/corpus/mainline-disagreements} holds traces
 * that say what the real kernel does where the model does not agree yet: they must parse and must
 * still fail on the model (once one passes, move it to mainline/).
 */
class MainlineCorpusTest {
  private static final Path MAINLINE = CorpusChecks.CORPUS.resolve("mainline");
  private static final Path DISAGREEMENTS = CorpusChecks.CORPUS.resolve("mainline-disagreements");

  @TestFactory
  Stream<DynamicTest> everyTraceMeetsItsResult() throws IOException {
    return CorpusChecks.everyTraceMeetsItsResult(MAINLINE);
  }

  @TestFactory
  Stream<DynamicTest> flippingTheVerdictFails() throws IOException {
    return CorpusChecks.flippingTheVerdictFails(MAINLINE);
  }

  @TestFactory
  Stream<DynamicTest> changingAStatedResultFailsAtItsLine() throws IOException {
    return CorpusChecks.changingAStatedResultFailsAtItsLine(MAINLINE, 141);
  }

  @TestFactory
  Stream<DynamicTest> disagreementsStillFailOnTheModel() throws IOException {
    return CorpusChecks.disagreementsStillFailOnTheModel(DISAGREEMENTS, MAINLINE);
  }

  @Test
  void theCorpusHasFortyTracesAllListedInTheReadme() throws IOException {
    assertThat(CorpusChecks.traces(MAINLINE)).hasSizeGreaterThanOrEqualTo(40);
    CorpusChecks.allListedIn(CorpusChecks.CORPUS.resolve("README.md"), MAINLINE, DISAGREEMENTS);
  }

  @Test
  void everyTraceIsNamedAfterItsFile() throws IOException {
    CorpusChecks.everyTraceIsNamedAfterItsFile(MAINLINE);
  }
}
