package fusesim.traces.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.lang.TracePrinter;
import fusesim.traces.lang.TraceSyntaxError;
import org.junit.jupiter.api.Test;

/**
 * {@code server fault OP FAULT}: parsed and printed back, and replayed on the model as
 * fuse_dev_do_write makes of the broken write (Dev.faulted): what each syscall sees afterwards.
 */
class ServerFaultReplayTest {
  private static final String HEAD = "trace: t\nsemantics: mainline\nresult: pass\n\nmount\n"
      + "lower file /a ino=10 size=100\nlower dir /d ino=20\nlower file /d/x ino=21\nlower file /d/y ino=22\n";

  static ModelReplay.Result replay(String body) {
    return ModelReplay.run(TraceParser.parse("t.trace", HEAD + body));
  }

  static void met(String body) {
    ModelReplay.Result r = replay(body);
    assertThat(r.met()).as(ReplayReport.print(r, true)).isTrue();
    assertThat(r.violation()).as(ReplayReport.print(r, true)).isNull();
  }

  static void notMet(String body) {
    assertThat(replay(body).met()).as("the unfaulted outcome must not be met:%n%s", body).isFalse();
  }

  @Test
  void parsesAndPrintsBack() {
    Trace t = TraceParser.parse("t.trace", HEAD + "server fault readdirplus short_write\n");
    Stmt.ServerFault f = (Stmt.ServerFault) t.body().get(t.body().size() - 1);
    assertThat(f.op()).isEqualTo(fusesim.model.Opcode.READDIRPLUS);
    assertThat(TracePrinter.print(f)).isEqualTo("server fault readdirplus short_write");
    assertThatThrownBy(() -> TraceParser.parse("t.trace", HEAD + "server fault lookup cut\n"))
        .isInstanceOf(TraceSyntaxError.class).hasMessageStartingWith("t.trace:10:21:")
        .hasMessageContaining("a wire fault (bad_length, unknown_unique, short_write");
    assertThatThrownBy(() -> TraceParser.parse("t.trace", HEAD + "server fault forget short_write\n"))
        .isInstanceOf(TraceSyntaxError.class).hasMessageStartingWith("t.trace:10:14:")
        .hasMessageContaining("whose request gets a reply");
  }

  @Test
  void aCutFixedReplyIsEioAndTheNextRequestIsAnsweredWell() {
    met("server fault lookup short_write\nT1 stat(\"/a\") = -1 EIO\nT1 stat(\"/a\") = 0\n");
    notMet("server fault lookup short_write\nT1 stat(\"/a\") = 0\n");
    met("server fault mkdir error_on_unfailable\nT1 mkdir(\"/m\", 0755) = -1 EIO\nT1 stat(\"/m\") = 0\n");
  }

  @Test
  void aPendingFaultChangesNothingTheSyscallSees() {
    met("server fault lookup bad_length\nT1 stat(\"/a\") = 0\n");
    met("server fault lookup unknown_unique\nT1 stat(\"/a\") = 0\n");
  }

  @Test
  void aCutOutArgvarReplyIsShorter() {
    met("server open /a direct_io\nT1 open(\"/a\", O_RDONLY) = 3\nserver fault read short_write\n"
        + "T1 pread(3, 100, 0) = 50\n");
    notMet("server open /a direct_io\nT1 open(\"/a\", O_RDONLY) = 3\nserver fault read short_write\n"
        + "T1 pread(3, 100, 0) = 100\n");
  }

  @Test
  void anErrorOnReleaseIsNobodys() {
    met("T1 open(\"/a\", O_RDONLY) = 3\nserver fault release error_on_unfailable\nT1 close(3) = 0\n");
    met("T1 open(\"/a\", O_RDONLY) = 3\nserver fault flush error_on_unfailable\nT1 close(3) = -1 EIO\n");
  }

  @Test
  void closingDevFuseAbortsTheConnection() {
    met("server fault lookup close_mid_request\nT1 stat(\"/a\") = -1 ECONNABORTED\nT1 stat(\"/a\") = -1 ENOTCONN\n");
  }
}
