package fusesim.traces.replay;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.invariants.Checker;
import fusesim.model.Fault;
import fusesim.model.Faults;
import fusesim.traces.lang.TraceParser;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * READ-RESULT and COHERENCE (issue 13) on the model: a read's result against the place it read
 * from. The two interleavings below were false positives that the property suite found (SuiteTest
 * seed 2, KnownFindingsTest seed 31); the fault is the bug the invariants were written to catch.
 */
class ResultInvariantsTest {

  /**
   * T3's O_TRUNC open truncates while T2's READ is in flight (the model does not make the truncate
   * wait for the locked page: traces/corpus/mainline-disagreements/truncate-waits-for-page-locked-
   * by-read.trace); filemap_read() reads i_size again after the READ and copies nothing past it.
   */
  @Test
  void aCachedReadStopsAtTheISizeATruncateLeftWhileItsReadWasInFlight() {
    ModelReplay.Result r = replay(Faults.none(), """
        lower file /a ino=10
        T1 open("/a", O_RDWR) = 3
        server hold write /a
        T1 write(3, 1 <unfinished ...>
        T2 read(3, 1 <unfinished ...>
        T3 open("/a", O_RDONLY|O_TRUNC <unfinished ...>
        server write /a written size=0
        server reply T1 write
        T1 <... write resumed>) = -1 EIO
        T2 <... read resumed>) = 0
        T3 <... open resumed>) = 4
        """);
    assertThat(r.violation()).isNull();
    assertThat(r.met()).as(r.why()).isTrue();
  }

  /**
   * T3's direct read at offset 1 and T1's direct WRITE of 4096 bytes are in flight together; the
   * server answered the READ before it applied the WRITE, so the read returns nothing, which is
   * what the lower file held when the server read it (the bytes COHERENCE compares with).
   */
  @Test
  void aDirectReadIsComparedWithTheLowerFileWhenTheServerReadIt() {
    ModelReplay.Result r = replay(Faults.none(), """
        lower file /a ino=10
        lower dir /d ino=20
        lower file /d/e ino=21
        server open /d/e direct_io
        server hold write
        T3 open("/a", O_WRONLY) = 3
        T1 pwrite(3, 1, 0 <unfinished ...>
        T2 open("/d/e", O_RDWR) = 4
        T2 write(4, 1 <unfinished ...>
        T3 read(4, 1 <unfinished ...>
        server reply T1 write
        T1 <... pwrite resumed>) = 1
        T1 pwrite(4, 4096, 0 <unfinished ...>
        server unhold write
        server reply T2 write
        T2 <... write resumed>) = 1
        T3 <... read resumed>) = 0
        T1 <... pwrite resumed>) = 4096
        """);
    assertThat(r.violation()).isNull();
    assertThat(r.met()).as(r.why()).isTrue();
  }

  private static final String PASSTHROUGH_READ = """
      mount passthrough max_stack_depth=1
      lower file /a ino=10 data="abc"
      server backing_open /a = 1
      server open /a passthrough backing=1
      T1 open("/a", O_RDONLY) = 3
      T1 pread(3, 8, 0) = 3 "abc"
      """;

  @Test
  void aPassthroughReadReturnsTheBackingFilesBytes() {
    ModelReplay.Result r = replay(Faults.none(), PASSTHROUGH_READ);
    assertThat(r.violation()).isNull();
    assertThat(r.met()).as(r.why()).isTrue();
  }

  @Test
  void aPassthroughReadOneBytePastTheBackingFilesEndBreaksReadResult() {
    ModelReplay.Result r = replay(new Faults(Set.of(Fault.PASSTHROUGH_READ_PAST_EOF)), PASSTHROUGH_READ);
    assertThat(r.violation()).isNotNull();
    assertThat(r.violation().invariant().id()).isEqualTo("READ-RESULT");
    assertThat(r.violationLine()).isEqualTo(10); // the pread
  }

  private static ModelReplay.Result replay(Faults faults, String body) {
    var t = TraceParser.parse("result.trace",
        "trace: t\nsemantics: mainline\nresult: pass\n\n" + body);
    return new ModelReplay(t, faults, Checker.all()).run();
  }
}
