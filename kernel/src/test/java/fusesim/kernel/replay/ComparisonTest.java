package fusesim.kernel.replay;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.traces.replay.Observation;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ComparisonTest {
    private static Observation o(int line, String stmt, String result, String... requests) {
        return new Observation(line, stmt, result, List.of(requests), null);
    }

    @Test
    void marksDifferencesAndExplainsSkippedLines() {
        List<Observation> model = List.of(
                o(7, "T1 open(\"/a\", O_RDONLY) = 3", "3", "LOOKUP(1,\"a\")", "OPEN(10)"),
                o(8, "T1 fstat(3) = 0", "-1 ECONNABORTED"),
                o(9, "expect inode /a iocachectr=1", ""),
                o(10, "T1 close(3) = 0", "0", "FLUSH(10)", "RELEASE(10)"));
        TreeMap<Integer, String> skipped = new TreeMap<>();
        skipped.put(9, "model-only expectation");
        KernelReplayResult kernel = new KernelReplayResult("t", List.of(
                o(7, "T1 open(\"/a\", O_RDONLY) = 3", "3", "LOOKUP(1,\"a\")", "OPEN(10)"),
                o(8, "T1 fstat(3) = 0", "-1 ENOTCONN"),
                o(10, "T1 close(3) = 0", "0", "FLUSH(10)")), skipped, List.of(), Optional.empty(), 1, 1);
        List<Comparison.Row> rows = Comparison.rows(model, kernel);
        assertThat(rows).extracting(Comparison.Row::marker).containsExactly("", "!=", "", "!=");
        assertThat(rows.get(2).note()).isEqualTo("kernel: skipped: model-only expectation");
        assertThat(Comparison.agree(rows)).isFalse();
        String table = Comparison.render(rows);
        assertThat(table).contains("-1 ECONNABORTED").contains("-1 ENOTCONN").contains("skipped: model-only");
        System.out.println(table);
    }

    @Test
    void aLineOnlyOneSideSawDiffersUnlessSkipped() {
        List<Comparison.Row> rows = Comparison.rows(List.of(o(3, "tick 1s", "")), List.of());
        assertThat(rows.get(0).differs()).isTrue();
        assertThat(rows.get(0).note()).isEqualTo("kernel: not observed");
    }
}
