package fusesim.traces.lang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The server replies passthrough_hp gives, and {@code server like PRESET}. */
class ServerRepliesSyntaxTest {
  private static final String HEADER = "trace: t\nresult: pass\n";

  private static Stmt one(String line) {
    return TraceParser.parse("t.trace", HEADER + line + "\n").body().get(0);
  }

  @Test
  void newReplyKindsRoundTrip() {
    for (String l : new String[] {"server getxattr /a xattr size=4", "server listxattr /a xattr size=0",
        "server setxattr /a ok", "server removexattr /a ENODATA", "server lseek /a seek offset=4096",
        "server setattr /a ignored size=5", "server fsyncdir /d ok", "server rename2 /a EINVAL",
        "server like passthrough_hp"}) {
      assertThat(TracePrinter.print(one(l))).isEqualTo(l);
    }
  }

  @Test
  void thePresetIsOrdinaryPolicies() {
    Stmt.ServerLike like = (Stmt.ServerLike) one("server like passthrough_hp");
    assertThat(like.preset().policies()).extracting(p -> TracePrinter.print(p)).contains(
        "server getxattr / ENODATA", "server access / ENOSYS", "server rename2 / EINVAL");
  }

  @Test
  void badPresetAndKinds() {
    assertThatThrownBy(() -> one("server like passthrough_ll")).hasMessage(
        "t.trace:3:13: expected a server preset (passthrough_hp), found \"passthrough_ll\"");
    assertThatThrownBy(() -> one("server getxattr /a data size=4")).hasMessage(
        "t.trace:3:20: expected a reply to getxattr (xattr, an errno, default), found \"data\"");
    assertThatThrownBy(() -> one("server lseek /a seek size=4")).hasMessageStartingWith(
        "t.trace:3:22: expected a key of seek");
  }
}
