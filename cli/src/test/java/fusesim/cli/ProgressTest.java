package fusesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress line's arithmetic and its non-terminal form (no timing asserted). */
class ProgressTest {
  @Test
  void timeLeftIsTheRateSoFarTimesWhatIsLeft() {
    assertThat(Progress.left(10_000, 10, 30)).isEqualTo("20 s left");
    assertThat(Progress.left(60_000, 1, 3)).isEqualTo("2 min 0 s left");
    assertThat(Progress.left(1_000, 30, 30)).isEqualTo("0 s left");
    assertThat(Progress.left(1_000, 40, 30)).as("past the total: nothing left, not negative").isEqualTo("0 s left");
    assertThat(Progress.left(5_000, 0, 30)).isEqualTo("time left unknown");
  }

  @Test
  void offATerminalNothingIsRedrawnAndClearWritesNothing() {
    StringWriter sw = new StringWriter();
    Progress<Integer> p = Progress.log(new PrintWriter(sw), n -> n + " done");
    p.accept(1); // within the first 10 s: no line yet
    p.clear();
    assertThat(sw.toString()).doesNotContain("\r").isEmpty();
  }
}
