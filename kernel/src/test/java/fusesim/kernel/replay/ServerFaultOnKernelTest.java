package fusesim.kernel.replay;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.kernel.KernelProbe;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import fusesim.traces.replay.ModelReplay;
import fusesim.traces.replay.Observation;
import fusesim.traces.replay.ReplayReport;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code server fault OP FAULT} on both sides: each trace states what the syscalls see after a
 * faulted reply as the model replays it (Dev.faulted: fuse_dev_do_write's framing), the model
 * meets it, and on this machine's kernel (the oracle's server writing those bytes,
 * FuseServer.inject) every line is met too. The model part runs everywhere; the kernel part is
 * skipped where the kernel is unusable.
 */
@Tag("real-kernel")
class ServerFaultOnKernelTest {
  private static final String HEAD = "trace: t\nsemantics: mainline\nresult: pass\n\nmount\n"
      + "lower file /a ino=10 size=100\n";

  static Stream<String> traces() {
    return Stream.of(
        // fuse_entry_out cut in half: copy_out_args refuses it (EINVAL to the daemon), LOOKUP ends
        // with EIO; no dentry was made, so the next stat looks up again and is answered well
        "server fault lookup short_write\nT1 stat(\"/a\") = -1 EIO\nT1 stat(\"/a\") = 0\n",
        // a bad length is refused before request_find: the good reply follows
        "server fault lookup bad_length\nT1 stat(\"/a\") = 0\n",
        "server fault lookup unknown_unique\nT1 stat(\"/a\") = 0\n",
        // READ is out_argvar: half the data is a short read
        "server open /a direct_io\nT1 open(\"/a\", O_RDONLY) = 3\nserver fault read short_write\n"
            + "T1 pread(3, 100, 0) = 50\nT1 close(3) = 0\n",
        // an error on FLUSH is close(2)'s; on RELEASE nobody's (fuse_release_end ignores it)
        "T1 open(\"/a\", O_RDONLY) = 3\nserver fault flush error_on_unfailable\nT1 close(3) = -1 EIO\n",
        "T1 open(\"/a\", O_RDONLY) = 3\nserver fault release error_on_unfailable\nT1 close(3) = 0\n"
            + "T1 open(\"/a\", O_RDONLY) = 3\n",
        // the daemon made the directory before its reply went wrong
        "server fault mkdir error_on_unfailable\nT1 mkdir(\"/m\", 0755) = -1 EIO\nT1 stat(\"/m\") = 0\n",
        // the daemon closes /dev/fuse instead of replying: fuse_abort_conn
        "server fault lookup close_mid_request\nT1 stat(\"/a\") = -1 ECONNABORTED\nT1 stat(\"/a\") = -1 ENOTCONN\n");
  }

  @ParameterizedTest
  @MethodSource("traces")
  void theModelPredictsWhatTheKernelDoesAfterTheFault(String body) {
    Trace t = TraceParser.parse("t.trace", HEAD + body);
    ModelReplay.Result m = ModelReplay.run(t);
    assertThat(m.met()).as(ReplayReport.print(m, true)).isTrue();
    KernelProbe p = KernelProbe.get();
    Assumptions.assumeTrue(p.usable(), p.reason());
    List<Observation> model = m.steps().stream().map(ModelReplay.Step::obs).toList();
    KernelReplayResult k = KernelReplay.runBeside(t, model);
    assertThat(k.observations()).as("%s", k.observations()).allMatch(Observation::met);
    for (Observation o : k.observations()) {
      Observation mo = model.stream().filter(x -> x.line() == o.line()).findFirst().orElseThrow();
      assertThat(o.result()).as("line %d", o.line()).isEqualTo(mo.result());
    }
  }
}
