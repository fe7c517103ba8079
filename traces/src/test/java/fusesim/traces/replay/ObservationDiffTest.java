package fusesim.traces.replay;

import static fusesim.traces.replay.ObservationDiff.Observable.REQUESTS;
import static fusesim.traces.replay.ObservationDiff.Observable.RESULT;
import static fusesim.traces.replay.ObservationDiff.Observable.VERDICT;
import static org.assertj.core.api.Assertions.assertThat;

import fusesim.traces.replay.ObservationDiff.Observable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One comparison over declared observables: relations, the rules' order, lines on one side only. */
class ObservationDiffTest {
  private static final ObservationDiff EXACT = ObservationDiff.of("exact",
      ObservationDiff.rule(RESULT, ObservationDiff.EQUAL, "test"),
      ObservationDiff.rule(REQUESTS, ObservationDiff.EQUAL, "test"),
      ObservationDiff.rule(VERDICT, ObservationDiff.EQUAL, "test"));
  private static final ObservationDiff ACROSS = ObservationDiff.of("across servers",
      ObservationDiff.rule(REQUESTS, ObservationDiff.REQUESTS_AGREE, "test"),
      ObservationDiff.rule(VERDICT, ObservationDiff.MET_BY_SECOND, "test"));

  private static ObservationDiff.Step step(int line, String result, List<String> requests, String verdict) {
    return ObservationDiff.Step.of(new Observation(line, "s" + line, result, requests, verdict));
  }

  @Test
  void differingObservablesComeInTheRulesOrder() {
    var a = step(1, "3", List.of("OPEN(10)"), null);
    assertThat(EXACT.differing(a, step(1, "3", List.of("OPEN(10)"), null))).isEmpty();
    var b = step(1, "-1 EIO", List.of("OPEN(10)", "RELEASE(10)"), "expected 3");
    assertThat(EXACT.differing(a, b)).containsExactly(RESULT, REQUESTS, VERDICT);
    assertThat(EXACT.first(a, b)).isEqualTo(RESULT);
    assertThat(EXACT.first(a, step(1, "3", List.of("OPEN(10)"), "x"))).isEqualTo(VERDICT);
  }

  @Test
  void theRelationDecidesWhatIsTheSame() {
    var model = step(1, "3", List.of("OPEN(10,fh=1)", "FORGET(11,1)", "GETATTR(10)"), "model only");
    var kernel = step(1, "4", List.of("FORGET(11,1)", "OPEN(10,fh=57,open_flags=0)", "GETATTR(10)"), null);
    assertThat(EXACT.differing(model, kernel)).containsExactly(RESULT, REQUESTS, VERDICT);
    assertThat(ACROSS.differing(model, kernel)).isEmpty(); // result not compared, fh the server's, FORGET anywhere
    var reordered = step(1, "3", List.of("GETATTR(10)", "OPEN(10,fh=57)"), "unmet");
    assertThat(ACROSS.differing(model, reordered)).containsExactly(REQUESTS, VERDICT);
  }

  @Test
  void aLineOnOneSideDiffersUnlessTheSecondSaysWhy() {
    List<ObservationDiff.Row> rows = EXACT.rows(
        List.of(step(1, "", List.of(), null), step(2, "0", List.of(), null), step(3, "", List.of(), null)),
        List.of(step(1, "", List.of(), null), step(4, "0", List.of(), null)), Map.of(3, "model-only expectation"));
    assertThat(rows).extracting(ObservationDiff.Row::line).containsExactly(1, 2, 3, 4);
    assertThat(rows).extracting(ObservationDiff.Row::differs).containsExactly(false, true, false, true);
    assertThat(rows.get(2).whySecondMissing()).isEqualTo("model-only expectation");
  }

  @Test
  void everyObservableHasAWordAndAMeaning() {
    for (Observable o : Observable.values()) {
      assertThat(o.word).isNotBlank();
      assertThat(o.meaning).isNotBlank();
    }
    assertThat(Observable.values()).hasSize(6);
  }
}
