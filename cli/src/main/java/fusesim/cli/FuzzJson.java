package fusesim.cli;

import static fusesim.cli.CheckJson.str;

import fusesim.campaigns.Fuzzer;
import java.io.PrintWriter;

/**
 * {@code fusesim kernel fuzz --json}: JSON Lines for CI dashboards, as {@code check --json}. One
 * {@code "disagreement"} object per kind of disagreement (its signature, first trace, server,
 * counts, whether already written up, the shrunk trace and whether a re-run confirmed it), then one
 * {@code "summary"} (seed and totals). Wall times are left out, so two runs the kernel answers
 * alike print the same bytes; the progress lines and the text summary go to stderr.
 */
final class FuzzJson {
  private FuzzJson() {}

  static void write(PrintWriter out, Fuzzer.Report r, long seed) {
    for (Fuzzer.Finding f : r.findings.values()) {
      out.println("{\"type\":\"disagreement\",\"signature\":" + str(f.signature) + ",\"firstTrace\":" + f.firstTrace
          + ",\"server\":" + str(f.mode.word) + ",\"traces\":" + f.traces + ",\"reproduced\":" + f.reproduced
          + ",\"reruns\":" + f.reruns + ",\"known\":" + f.known + ",\"trace\":"
          + (f.path == null ? "null" : str(f.path.toString())) + ",\"confirmed\":" + f.confirmed
          + ",\"error\":" + (f.error == null ? "null" : str(f.error)) + ",\"explanation\":"
          + (f.explanation == null ? "null" : str(f.explanation)) + "}");
    }
    out.println("{\"type\":\"summary\",\"seed\":" + str(Long.toUnsignedString(seed)) + ",\"traces\":" + r.traces
        + ",\"disagreeing\":" + r.disagreeing + ",\"kinds\":" + r.findings.size() + ",\"modelFindings\":"
        + r.modelFindings + ",\"cut\":" + r.cut + "}");
    out.flush();
  }
}
