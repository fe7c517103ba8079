package fusesim.traces.replay;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.invariants.Checker;
import fusesim.model.Faults;
import fusesim.traces.lang.TraceParser;
import org.junit.jupiter.api.Test;

/**
 * LIVENESS-WB judges an OPEN reply by the inode as the reply met it (Request.ghostLifetimeAtReply),
 * not as the step left it. The case is the one CI's `check --seed 1 --runs 20000` (v2) met on
 * 2026-12-07: one `server reply` answers T2's OPEN, which inherits a lifetime backing (backing id
 * 0, v2 16/21) that the inode does not have yet, so the kernel gives EIO (a server mistake:
 * fuse_file_io_open), and then T1's LINK, whose entry reply attaches the backing. Judged by the
 * state after the step the open looked stable and its EIO spurious.
 */
class LivenessReplyTimeTest {
  private static final String BODY = """
      mount passthrough passthrough_ino
      lower file /a ino=10
      lower dir /d ino=20
      server backing_open /a ops=read,write,getattr = 1
      server hold lookup
      server open /a passthrough
      T2 open("/a", O_RDONLY <unfinished ...>
      server link /d/l0 entry backing=1
      T1 link("/a", "/d/l0" <unfinished ...>
      server unhold lookup
      server reply T2 lookup
      T2 <... open resumed>) = -1 EIO
      """;

  @Test
  void anOpenThatInheritsABackingAttachedLaterInTheStepIsTheServersMistake() {
    ModelReplay.Result r = replay("result: pass");
    assertThat(r.violation()).as("the EIO is excused: the OPEN reply met no lifetime backing").isNull();
    assertThat(r.met()).as(r.why()).isTrue();
  }

  @Test
  void withoutTheRaceTheSameOpenInheritsAndSucceeds() {
    // the LINK's reply attaches the backing first; the next open inherits it
    var t = TraceParser.parse("t.trace", "trace: t\nsemantics: v2\nresult: pass\n\n"
        + "mount passthrough passthrough_ino\nlower file /a ino=10\nlower dir /d ino=20\n"
        + "server backing_open /a ops=read,write,getattr = 1\nserver link /d/l0 entry backing=1\n"
        + "server open /a passthrough\nT1 link(\"/a\", \"/d/l0\") = 0\nT2 open(\"/a\", O_RDONLY) = 3\n");
    ModelReplay.Result r = new ModelReplay(t, Faults.none(), Checker.all()).run();
    assertThat(r.violation()).isNull();
    assertThat(r.met()).as(r.why()).isTrue();
  }

  private static ModelReplay.Result replay(String result) {
    var t = TraceParser.parse("t.trace", "trace: t\nsemantics: v2\n" + result + "\n\n" + BODY);
    return new ModelReplay(t, Faults.none(), Checker.all()).run();
  }
}
