package fusesim.traces.lang;

import fusesim.model.Errno;
import fusesim.model.Opcode;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every example of the TRACE-FORMAT strawman (src/test/resources/trace-format/) parses and means what the strawman says. */
class TraceFormatExamplesTest {

  @ParameterizedTest
  @ValueSource(strings = {"01-header", "02-setup", "03-server-policy", "04-concurrency",
      "05-steps", "06-expectations", "07-whole-example"})
  void everyExampleParses(String name) {
    Trace t = Fixtures.example(name);
    assertThat(t.body().size() + t.header().docs().size()).isPositive();
  }

  @Test
  void headerExampleDeclaresSemanticsAssumptionVerdictAndDocs() {
    Header h = Fixtures.example("01-header").header();
    assertThat(h.name().text()).isEqualTo("cached-open-blocks-passthrough");
    assertThat(h.semantics().series()).isEqualTo(Header.Series.MAINLINE);
    assertThat(h.declaredSemantics()).isPresent();
    assertThat(h.assumptions()).singleElement().satisfies(a -> {
      assertThat(a.id().text()).isEqualTo("A5");
      assertThat(a.choice().text()).isEqualTo("fail-lookup");
    });
    assertThat(h.verdict().pass()).isTrue();
    assertThat(h.docs()).hasSize(2);
    assertThat(h.docText()).startsWith("A cached open holds the inode in cached io mode, so a")
        .endsWith("(fs/fuse/iomode.c, fuse_file_io_open).");
  }

  @Test
  void setupExampleMountsLowerFilesAndAThread() {
    List<Stmt> body = Fixtures.example("02-setup").body();
    Stmt.Mount mount = (Stmt.Mount) body.get(0);
    assertThat(mount.has(MountOption.PASSTHROUGH)).isTrue();
    assertThat(mount.option(MountOption.MAX_STACK_DEPTH).orElseThrow().value().orElseThrow())
        .isEqualTo(new Value.Int(new Pos(3, 35), 1, "1"));
    Stmt.LowerNode file = (Stmt.LowerNode) body.get(1);
    assertThat(file.type()).isEqualTo(Stmt.NodeType.FILE);
    assertThat(file.path().text()).isEqualTo("/a");
    assertThat(Item.longValue(file.attrs(), "mode")).contains(0644L);
    assertThat(Item.longValue(file.attrs(), "size")).contains(4096L);
    assertThat(((Stmt.LowerNode) body.get(2)).type()).isEqualTo(Stmt.NodeType.DIR);
    Stmt.ThreadDecl t2 = (Stmt.ThreadDecl) body.get(3);
    assertThat(t2.thread().text()).isEqualTo("T2");
    assertThat(Item.longValue(t2.creds(), "uid")).contains(1000L);
  }

  @Test
  void serverPolicyExampleHasEntriesErrnosOpenFlagsAndIoctls() {
    List<Stmt> body = Fixtures.example("03-server-policy").body();
    Stmt.ServerPolicy inf = (Stmt.ServerPolicy) body.get(0);
    ReplyClause.Fields entry = (ReplyClause.Fields) inf.reply();
    assertThat(entry.kind()).isEqualTo(ReplyKind.ENTRY);
    assertThat(((Value.Time) Item.get(entry.items(), "entry_valid").orElseThrow()).infinite())
        .isTrue();
    ReplyClause.Fails gone = (ReplyClause.Fails) ((Stmt.ServerPolicy) body.get(2)).reply();
    assertThat(gone.errno().errno()).isEqualTo(Errno.ENOENT);
    ReplyClause.Open keepCache = (ReplyClause.Open) ((Stmt.ServerPolicy) body.get(3)).reply();
    assertThat(keepCache.flags().value()).isEqualTo(0x2);
    ReplyClause.Open passthrough = (ReplyClause.Open) ((Stmt.ServerPolicy) body.get(4)).reply();
    assertThat(passthrough.flags().value()).isEqualTo(0x80);
    assertThat(Item.longValue(passthrough.items(), "backing")).contains(1L);
    Stmt.BackingOpen open = (Stmt.BackingOpen) body.get(5);
    assertThat(((Stmt.LowerTarget) open.target()).path().text()).isEqualTo("/a");
    assertThat(((Outcome.Returns) open.outcome()).value().value()).isEqualTo(1);
    Stmt.BackingOpen withOps = (Stmt.BackingOpen) body.get(6);
    Value.Flags ops = (Value.Flags) Item.get(withOps.params(), "ops").orElseThrow();
    assertThat(ops.value()).isEqualTo(0x4000 | 0x8000 | 0x4);
    assertThat(ops.terms()).containsExactly("read", "write", "getattr");
    Stmt.BackingClose close = (Stmt.BackingClose) body.get(7);
    assertThat(close.id().value()).isEqualTo(1);
  }

  @Test
  void concurrencyExampleHoldsAndRepliesOutOfOrder() {
    List<Stmt> body = Fixtures.example("04-concurrency").body();
    assertThat(body).extracting(s -> s.getClass().getSimpleName()).containsExactly(
        "LowerNode", "LowerLink", "ServerHold", "ServerHold", "Unfinished", "Unfinished",
        "ServerReply", "Resumed", "ServerReply", "Resumed");
    Stmt.LowerLink link = (Stmt.LowerLink) body.get(1);
    assertThat(link.path().text()).isEqualTo("/b");
    assertThat(link.target().text()).isEqualTo("/a");
    Stmt.Unfinished t1 = (Stmt.Unfinished) body.get(4);
    assertThat(t1.thread().text()).isEqualTo("T1");
    assertThat(t1.syscall()).isEqualTo(Syscall.STAT);
    assertThat(t1.args()).containsExactly(new Value.Str(new Pos(7, 9), "/a"));
    Stmt.ServerReply reply = (Stmt.ServerReply) body.get(6);
    assertThat(reply.thread().text()).isEqualTo("T2");
    assertThat(reply.op()).isEqualTo(ServerOp.LOOKUP);
    ReplyClause.Fields entry = (ReplyClause.Fields) reply.reply().orElseThrow();
    assertThat(Item.longValue(entry.items(), "backing")).contains(2L);
    Stmt.Resumed resumed = (Stmt.Resumed) body.get(7);
    assertThat(resumed.thread().text()).isEqualTo("T2");
    assertThat(((Outcome.Returns) resumed.outcome()).value().value()).isZero();
  }

  @Test
  void stepsExampleHasResultsChecksMappingsAndOtherSteps() {
    List<Stmt> body = Fixtures.example("05-steps").body();
    Stmt.Call open = (Stmt.Call) body.get(0);
    assertThat(((Value.Flags) open.args().get(1)).value()).isZero();
    Stmt.Call fstat = (Stmt.Call) body.get(2);
    assertThat(Item.longValue(fstat.checks(), "mode")).contains(0100644L);
    Stmt.Call mmap = (Stmt.Call) body.get(3);
    assertThat(mmap.outcome()).isInstanceOf(Outcome.Maps.class);
    assertThat(((Outcome.Maps) mmap.outcome()).mapping()).isEqualTo("m1");
    Stmt.Call failing = (Stmt.Call) body.get(4);
    assertThat(((Value.Flags) failing.args().get(1)).value()).isEqualTo(2 | 040000);
    assertThat(((Outcome.Fails) failing.outcome()).errno().errno()).isEqualTo(Errno.EIO);
    assertThat(((Stmt.Tick) body.get(6)).duration().nanos()).isEqualTo(2_000_000_000L);
    assertThat(body.subList(7, 11)).extracting(s -> s.getClass().getSimpleName())
        .containsExactly("Evict", "DropCaches", "ServerCrash", "Umount");
    assertThat(body).extracting(Stmt::line).containsExactly(3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
  }

  @Test
  void expectationsExampleSeparatesObservableFromModelOnly() {
    List<Stmt> body = Fixtures.example("06-expectations").body();
    Stmt.ExpectRequests requests = (Stmt.ExpectRequests) body.get(0);
    assertThat(requests.requests()).extracting(r -> r.opcode().name() + r.nodeid().value()
        + r.name().orElse("")).containsExactly("LOOKUP1a", "OPEN10", "FLUSH10", "RELEASE10");
    assertThat(((Stmt.ExpectNo) body.get(1)).opcode()).isEqualTo(Opcode.READ);
    Stmt.ExpectInode inode = (Stmt.ExpectInode) body.get(2);
    assertThat(Item.longValue(inode.items(), "iocachectr")).contains(-1L);
    assertThat(body).extracting(s -> ((Stmt.Expect) s).modelOnly())
        .containsExactly(false, false, true, true);
  }

  @Test
  void wholeExampleKeepsStepLines() {
    Trace t = Fixtures.example("07-whole-example");
    assertThat(t.name()).isEqualTo("passthrough-then-cached");
    assertThat(t.body().get(0).line()).isEqualTo(7);
    Stmt last = t.body().get(t.body().size() - 1);
    assertThat(last.line()).isEqualTo(18);
    Stmt.ExpectInode inode = (Stmt.ExpectInode) last;
    assertThat(Item.get(inode.items(), "backing").orElseThrow())
        .isEqualTo(new Value.Sym(new Pos(18, 38), "none"));
    assertThat(t.stmtAtLine(14)).containsInstanceOf(Stmt.ServerPolicy.class);
  }
}
