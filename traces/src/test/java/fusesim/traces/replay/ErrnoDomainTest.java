package fusesim.traces.replay;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.Faults;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ERRNO-DOMAIN: the table loads and covers every syscall of the language and both ioctls; an errno
 * outside a call's domain is reported, unless the server replied it to one of that call's own
 * requests; the model's own errnos on the corpus pass (MainlineCorpusTest replays it with the
 * invariant on).
 */
class ErrnoDomainTest {
  private static final String OPENED = "mount\nlower file /a ino=10\nT1 open(\"/a\", O_RDONLY) = 3\n";

  private static Trace trace(String body) {
    return TraceParser.parse("t", "trace: t\nresult: pass\n\n" + body);
  }

  /** Replays {@code body} and hands the last statement with a changed result to the judge. */
  private static String judge(String body, String forcedResult) {
    Trace t = trace(body);
    var k = StepRunner.newKernel(t.header(), Faults.none());
    StepRunner runner = new StepRunner("t", k);
    ErrnoDomain d = new ErrnoDomain(k, runner.driver());
    String v = null;
    List<Stmt> stmts = t.body();
    for (int i = 0; i < stmts.size(); i++) {
      Observation o = runner.execute(stmts.get(i));
      if (i == stmts.size() - 1 && forcedResult != null) {
        o = new Observation(o.line(), o.stmt(), forcedResult, o.requests(), o.verdict());
      }
      v = d.after(stmts.get(i), o);
      if (v != null) {
        return v;
      }
    }
    return v;
  }

  @Test
  void theTableCoversEverySyscallAndBothIoctls() {
    for (fusesim.traces.lang.Syscall s : fusesim.traces.lang.Syscall.values()) {
      assertThat(ErrnoDomain.TABLE).as(s.word()).containsKey(s.word());
    }
    assertThat(ErrnoDomain.TABLE.get("backing_close").keySet()).containsExactlyInAnyOrder("EPERM", "EINVAL",
        "ENOENT", "EFAULT");
    Map<String, ErrnoDomain.Row> open = ErrnoDomain.TABLE.get("open");
    assertThat(open.get("EIO").function()).contains("fuse_file_io_open");
    assertThat(open.get("ENOTCONN").source()).contains("(@fuse)");
    assertThat(ErrnoDomain.TABLE.get("close")).doesNotContainKey("ENOENT");
  }

  @Test
  void theModelsOwnErrnosPass() {
    assertThat(judge("mount passthrough\nlower file /a ino=10\nserver backing_close 5 = -1 ENOENT\n", null)).isNull();
    assertThat(judge(OPENED + "T1 close(3) = 0\nT1 close(3) = -1 EBADF\n", null)).isNull();
  }

  /** A backing close answering EBADF for an unknown id (not one of backing.c's) is caught. */
  @Test
  void aWrongIoctlErrnoIsCaught() {
    assertThat(judge("mount passthrough\nserver backing_close 5 = -1 ENOENT\n", "-1 EBADF"))
        .startsWith("backing_close returned EBADF, which neither its man page nor its kernel path allows");
  }

  @Test
  void aWrongSyscallErrnoIsCaught() {
    assertThat(judge(OPENED + "T1 close(3) = 0\n", "-1 ENOENT")).startsWith("close returned ENOENT");
  }

  /** FUSE passes the server's errno through: EXDEV from an OPEN reply is the open's to return. */
  @Test
  void theServersOwnErrnoIsAllowed() {
    String body = "mount\nlower file /a ino=10\nserver open /a EXDEV\nT1 open(\"/a\", O_RDONLY) = -1 EXDEV\n";
    assertThat(judge(body, null)).isNull();
    // the same errno without the server saying it is not
    assertThat(judge("mount\nlower file /a ino=10\nT1 open(\"/a\", O_RDONLY) = 3\n", "-1 EXDEV"))
        .startsWith("open returned EXDEV");
  }

  /** A held call is judged when it resumes, against the replies its thread's requests got. */
  @Test
  void aResumedCallIsJudgedWithItsOwnRequests() {
    String body = "mount\nlower file /a ino=10\nserver hold open\nT1 open(\"/a\", O_RDONLY <unfinished ...>\n"
        + "server reply T1 open EXDEV\nT1 <... open resumed>) = -1 EXDEV\n";
    assertThat(judge(body, null)).isNull();
  }
}
