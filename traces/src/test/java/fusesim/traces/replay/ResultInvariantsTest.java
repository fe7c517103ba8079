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

  private static final String PASSTHROUGH_WRITE = """
      mount passthrough max_stack_depth=1
      lower file /a ino=10 data="abc"
      server backing_open /a = 1
      server open /a passthrough backing=1
      T1 open("/a", O_RDWR) = 3
      T1 pwrite(3, 4, 2) = 4
      """;

  /** The ghost PT-WRITE-RESULT judges, after the trace's last line. */
  private static fusesim.model.fuse.WriteGhost[] lastWrite(String body) {
    fusesim.model.fuse.WriteGhost[] seen = new fusesim.model.fuse.WriteGhost[1];
    var t = TraceParser.parse("result.trace", "trace: t\nsemantics: mainline\nresult: pass\n\n" + body);
    ModelReplay.Result r = new ModelReplay(t, Faults.none(), Checker.all())
        .observe((step, k) -> seen[0] = k.ghostWrite).run();
    assertThat(r.violation()).isNull();
    assertThat(r.met()).as(r.why()).isTrue();
    return seen;
  }

  @Test
  void aPassthroughWriteThatExtendsTheFileLandsInTheBackingFileAndISize() {
    fusesim.model.fuse.WriteGhost g = lastWrite(PASSTHROUGH_WRITE)[0];
    assertThat(g).isNotNull(); // the invariant judged this write
    assertThat(g.backing()).isEqualTo(g.data());
    assertThat(g.isize()).isEqualTo(6);
    assertThat(ghostVerdict(g)).isNull();
  }

  /** What a lost write, a short i_size or a short count look like to PT-WRITE-RESULT. */
  @Test
  void aPassthroughWriteThatDoesNotLandBreaksPtWriteResult() {
    fusesim.model.fuse.WriteGhost g = lastWrite(PASSTHROUGH_WRITE)[0];
    var lost = new fusesim.model.fuse.WriteGhost(g.off(), g.count(), g.result(), g.data(),
        fusesim.model.Bytes.of("c"), g.isize()); // f.write() dropped: the old byte, the old size
    assertThat(ghostVerdict(lost)).contains("the backing file holds 1 bytes");
    var shortSize = new fusesim.model.fuse.WriteGhost(g.off(), g.count(), g.result(), g.data(),
        g.backing(), 3); // fuse_write_update_attr() did not extend i_size
    assertThat(ghostVerdict(shortSize)).contains("i_size is 3");
    var shortCount = new fusesim.model.fuse.WriteGhost(g.off(), g.count(), 0, g.data(), g.backing(), g.isize());
    assertThat(ghostVerdict(shortCount)).contains("returned 0");
    var failed = new fusesim.model.fuse.WriteGhost(g.off(), g.count(), -5, g.data(), fusesim.model.Bytes.EMPTY, 3);
    assertThat(ghostVerdict(failed)).isNull(); // an error is ERRNO-DOMAIN's to judge
  }

  private static String ghostVerdict(fusesim.model.fuse.WriteGhost g) {
    fusesim.model.Kernel k = StepRunner.newKernel("t", TraceParser.parse("t.trace",
        "trace: t\nsemantics: mainline\nresult: pass\n\nmount passthrough\n").header(), Faults.none());
    k.ghostWrite = g;
    return fusesim.invariants.ResultInvariants.PT_WRITE_RESULT.check().violation(k);
  }

  private static ModelReplay.Result replay(Faults faults, String body) {
    var t = TraceParser.parse("result.trace",
        "trace: t\nsemantics: mainline\nresult: pass\n\n" + body);
    return new ModelReplay(t, faults, Checker.all()).run();
  }
}
