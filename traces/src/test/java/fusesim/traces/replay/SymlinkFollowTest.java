package fusesim.traces.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fusesim.invariants.Checker;
import fusesim.model.Faults;
import fusesim.traces.lang.TraceParser;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Namei.Walk's symlink following (pick_link → fuse_get_link, fs/namei.c and fs/fuse/dir.c): what
 * it follows (relative bodies, in and at the end of a walk, at most 40 links) and what it refuses
 * (absolute bodies and bodies with "." or "..", open(O_CREAT) through a trailing link). The
 * corpus trace symlink-follow-in-walk-readlink-each-time pins the requests on 6.18.44.
 */
class SymlinkFollowTest {
  private static ModelReplay.Result replay(String body) {
    String text = "trace: t\nresult: pass\nmount\nlower file /a ino=10 mode=0644 size=7\n" + body;
    return new ModelReplay(TraceParser.parse("t.trace", text), new Faults(Set.of()), Checker.all()).run();
  }

  private static String chain(int links) {
    StringBuilder b = new StringBuilder("T1 symlink(\"a\", \"/l0\") = 0\n");
    for (int i = 1; i < links; i++) {
      b.append("T1 symlink(\"l").append(i - 1).append("\", \"/l").append(i).append("\") = 0\n");
    }
    return b.toString();
  }

  @Test
  void fortyLinksAreFollowedAndTheFortyFirstIsEloop() {
    ModelReplay.Result forty = replay(chain(40) + "T1 stat(\"/l39\") = 0 {size=7}\n");
    assertThat(forty.met()).as(forty.why()).isTrue();
    ModelReplay.Result more = replay(chain(41) + "T1 stat(\"/l40\") = -1 ELOOP\n");
    assertThat(more.met()).as(more.why()).isTrue();
    ModelReplay.Result wrong = replay(chain(41) + "T1 stat(\"/l40\") = 0\n");
    assertThat(wrong.met()).isFalse();
  }

  @Test
  void aLinkInTheMiddleOfAPathIsWalkedFromItsDirectory() {
    ModelReplay.Result r = replay("lower dir /d ino=20 mode=0755\nlower file /d/f ino=21 mode=0644 size=3\n"
        + "T1 symlink(\"d\", \"/ld\") = 0\nT1 stat(\"/ld/f\") = 0 {size=3}\n"
        + "expect requests LOOKUP(1,\"ld\") SYMLINK(1,\"ld\",\"d\") READLINK(1000) LOOKUP(1,\"d\") LOOKUP(20,\"f\")\n"
        + "T1 lstat(\"/ld\") = 0 {size=1}\n");
    assertThat(r.met()).as(r.why()).isTrue();
  }

  @Test
  void absoluteBodiesAndDotDotAreRefusedNotGuessed() {
    for (String target : new String[] {"/a", "../a", "./a"}) {
      assertThatThrownBy(() -> replay("T1 symlink(\"" + target + "\", \"/l\") = 0\nT1 stat(\"/l\") = 0\n"))
          .as(target).hasMessageContaining("not modelled");
    }
  }

  @Test
  void openCreatThroughATrailingLinkIsRefused() {
    assertThatThrownBy(() -> replay("T1 symlink(\"a\", \"/l\") = 0\nT1 open(\"/l\", O_RDWR|O_CREAT, 0644) = 3\n"))
        .hasMessageContaining("not modelled");
  }
}
