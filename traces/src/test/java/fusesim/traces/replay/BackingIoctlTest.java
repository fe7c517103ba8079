package fusesim.traces.replay;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.Faults;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BACKING-IOCTL: the model's own results for every check of fuse_backing_open / _close pass; a
 * result that ERRNO-DOMAIN accepts (an errno backing.c can return) but that is not the first
 * applicable check's, or a success that reuses or loses an id, is reported.
 */
class BackingIoctlTest {
  private static final String PT = "mount passthrough\nlower file /a ino=10\nlower dir /d ino=11\n";

  /** Replays {@code body}; the last statement's result is replaced by {@code forced} if not null. */
  private static String judge(String body, String forced) {
    return judgeWith("", body, forced);
  }

  private static String judgeWith(String header, String body, String forced) {
    Trace t = TraceParser.parse("t", "trace: t\n" + header + "result: pass\n\n" + body);
    var k = StepRunner.newKernel(t.header(), Faults.none());
    StepRunner runner = new StepRunner("t", k);
    BackingIoctl j = new BackingIoctl(k);
    List<Stmt> stmts = t.body();
    for (int i = 0; i < stmts.size(); i++) {
      j.before(stmts.get(i));
      Observation o = runner.execute(stmts.get(i));
      if (i == stmts.size() - 1 && forced != null) {
        o = new Observation(o.line(), o.stmt(), forced, o.requests(), o.verdict());
      }
      var v = j.check(stmts.get(i), o);
      if (v != null) {
        assertThat(v.invariant().id()).isEqualTo(BackingIoctl.ID);
        return v.detail();
      }
    }
    return null;
  }

  @Test
  void theModelsOwnResultsPass() {
    assertThat(judge("mount\nlower file /a ino=10\nserver backing_open /a = -1 EPERM\n"
        + "server backing_close 1 = -1 EPERM\n", null)).isNull();
    assertThat(judge(PT + "server backing_open /a flags=1 = -1 EINVAL\nserver backing_open /a padding=2 = -1 EINVAL\n"
        + "server backing_open fd=-1 = -1 EBADF\nserver backing_open /d = -1 EISDIR\n"
        + "server backing_open mount:/a = -1 ELOOP\nserver backing_open /a = 1\nserver backing_open /a = 2\n"
        + "server backing_close 0 = -1 EINVAL\nserver backing_close 1 = 0\nserver backing_close 1 = -1 ENOENT\n",
        null)).isNull();
    assertThat(judge("mount passthrough max_stack_depth=1\nlower file /ovl ino=10 stack_depth=1\n"
        + "server backing_open /ovl = -1 ELOOP\n", null)).isNull();
  }

  /** EPERM comes first: a mount without passthrough refuses even a bad fd with EPERM. */
  @Test
  void aCheckOutOfOrderIsCaught() {
    assertThat(judge("mount\nserver backing_open fd=-1 = -1 EPERM\n", "-1 EBADF"))
        .isEqualTo("backing_open returned -1 EBADF, not -1 EPERM (the first check of fuse_backing_open that applies)");
    assertThat(judge(PT + "server backing_open fd=-1 flags=1 = -1 EINVAL\n", "-1 EBADF")).contains("not -1 EINVAL");
    assertThat(judge("mount\nserver backing_close 0 = -1 EPERM\n", "-1 EINVAL")).contains("not -1 EPERM");
  }

  /** Each errno swapped for another one backing.c can return (ERRNO-DOMAIN lets all of these by). */
  @Test
  void aWrongErrnoIsCaught() {
    assertThat(judge(PT + "server backing_open /d = -1 EISDIR\n", "-1 EINVAL")).contains("not -1 EISDIR");
    assertThat(judge(PT + "server backing_open mount:/a = -1 ELOOP\n", "-1 EINVAL")).contains("not -1 ELOOP");
    assertThat(judge(PT + "server backing_close 3 = -1 ENOENT\n", "-1 EINVAL")).contains("not -1 ENOENT");
    assertThat(judge(PT + "server backing_close -1 = -1 EINVAL\n", "-1 ENOENT")).contains("not -1 EINVAL");
  }

  @Test
  void aSuccessWhereACheckAppliesOrAnErrorWhereNoneDoesIsCaught() {
    assertThat(judge(PT + "server backing_open /a flags=1 = -1 EINVAL\n", "1")).contains("not -1 EINVAL");
    assertThat(judge(PT + "server backing_open /a = 1\n", "-1 ELOOP"))
        .isEqualTo("backing_open returned -1 ELOOP, but every check of fuse_backing_open passes");
    assertThat(judge(PT + "server backing_open /a = 1\nserver backing_close 1 = 0\n", "-1 ENOENT"))
        .contains("but every check of fuse_backing_close passes");
  }

  /** A success must name a free id now holding the file: a reused id, or id 0, is caught. */
  @Test
  void aReusedOrUnregisteredIdIsCaught() {
    assertThat(judge(PT + "server backing_open /a = 1\nserver backing_open /a = 2\n", "1"))
        .startsWith("backing_open returned id 1, not a free id >= 1");
    assertThat(judge(PT + "server backing_open /a = 1\n", "5")).startsWith("backing_open returned id 5");
  }

  /** v2: the ops_mask (02/21) and directory backings (03/21, A13 default einval) are judged too. */
  @Test
  void theSeriesOpsMaskAndDirectoryBackingsAreJudged() {
    String v2 = "semantics: v2\n" + PT;
    assertThat(judgeV2(v2 + "server backing_open /a ops=read,getattr = 1\nserver backing_open /d ops=readdir = 2\n"
        + "server backing_open /a ops=statx = -1 EINVAL\nserver backing_open /a ops=open = -1 EINVAL\n"
        + "server backing_open /d ops=read = -1 EINVAL\nserver backing_open /a ops=read,readdir = -1 EINVAL\n"
        + "server backing_open /d = -1 EISDIR\n", null)).isNull();
    assertThat(judgeV2(v2 + "server backing_open /a ops=statx = -1 EINVAL\n", "1")).contains("not -1 EINVAL");
    assertThat(judgeV2(v2 + "server backing_open /d ops=read = -1 EINVAL\n", "-1 EISDIR")).contains("not -1 EINVAL");
    assertThat(judgeV2(v2 + "server backing_open /d ops=readdir = 1\n", "-1 EINVAL"))
        .contains("every check of fuse_backing_open passes");
    assertThat(judgeV2(v2 + "server backing_open /a ops=read,readdir = -1 EINVAL\n", "1")).contains("not -1 EINVAL");
  }

  private static String judgeV2(String headerAndBody, String forced) {
    int cut = headerAndBody.indexOf('\n');
    return judgeWith(headerAndBody.substring(0, cut + 1), headerAndBody.substring(cut + 1), forced);
  }
}
