package fusesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.campaigns.Fuzzer;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** kernel fuzz --json: the summary object, and nothing on stdout when the kernel cannot be used. */
class FuzzJsonTest {
  @Test
  void summaryLine() {
    Fuzzer.Report r = new Fuzzer.Report();
    r.traces = 20;
    r.disagreeing = 2;
    r.modelFindings = 1;
    StringWriter out = new StringWriter();
    FuzzJson.write(new PrintWriter(out), r, -1L);
    assertThat(out.toString()).isEqualTo("{\"type\":\"summary\",\"seed\":\"18446744073709551615\",\"traces\":20,"
        + "\"disagreeing\":2,\"kinds\":0,\"modelFindings\":1,\"cut\":0}\n");
  }

  @Test
  void unusableKernelPrintsNoJson() {
    org.junit.jupiter.api.Assumptions.assumeTrue("off".equals(System.getenv("FUSESIM_KERNEL")),
        "needs FUSESIM_KERNEL=off (then the kernel is unusable by definition)");
    ExportCommandTest.Run r = ExportCommandTest.run("kernel", "fuzz", "--count", "1", "--seed", "1", "--json");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("fusesim: the kernel cannot be used here: ");
    ExportCommandTest.Run bad = ExportCommandTest.run("kernel", "fuzz", "--count", "0", "--json");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.out()).isEmpty();
  }
}
