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
  /** Mainline traces the kernel harness cannot run yet (see its README). */
  private static final Path MODEL_ONLY = CorpusChecks.CORPUS.resolve("mainline-model-only");

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
    return CorpusChecks.changingAStatedResultFailsAtItsLine(MAINLINE, 101);
  }

  @TestFactory
  Stream<DynamicTest> everyModelOnlyTraceMeetsItsResult() throws IOException {
    return CorpusChecks.everyTraceMeetsItsResult(MODEL_ONLY);
  }

  @TestFactory
  Stream<DynamicTest> flippingTheVerdictOfAModelOnlyTraceFails() throws IOException {
    return CorpusChecks.flippingTheVerdictFails(MODEL_ONLY);
  }

  @TestFactory
  Stream<DynamicTest> changingAStatedResultOfAModelOnlyTraceFailsAtItsLine() throws IOException {
    return CorpusChecks.changingAStatedResultFailsAtItsLine(MODEL_ONLY, 40);
  }

  @Test
  void modelOnlyTracesAreListedInTheirReadmeAndNamedAfterTheirFiles() throws IOException {
    assertThat(CorpusChecks.traces(MODEL_ONLY)).hasSizeGreaterThanOrEqualTo(7);
    CorpusChecks.allListedIn(MODEL_ONLY.resolve("README.md"), MODEL_ONLY);
    CorpusChecks.everyTraceIsNamedAfterItsFile(MODEL_ONLY);
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
