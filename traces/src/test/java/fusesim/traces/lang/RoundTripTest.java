package fusesim.traces.lang;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** print(parse(text)) is canonical: it parses back to the same AST and prints identically. */
class RoundTripTest {

  /** Every statement form, with odd but legal spellings. */
  private static final String EVERY_FORM = String.join("\n",
      "trace: every-form.v1",
      "semantics: v2@3",
      "assume: A3=yes",
      "assume: B12=no.2",
      "result: violates IOMODE-1 at line 12",
      "doc: all statement forms # with a hash kept verbatim",
      "doc:",
      "",
      "mount passthrough passthrough_ino max_stack_depth=2 init_error=enosys max_write=0x1000",
      "lower file /a ino=10 mode=0100644 uid=0 gid=0 size=0 nlink=1 atime=1 mtime=2 ctime=3",
      "lower dir /d ino=20 mode=040755 generation=7 stack_depth=1",
      "lower chr /c",
      "lower fifo /p",
      "lower link /b -> /a",
      "lower unlink /b",
      "lower set /a size=8192 mode=0600",
      "thread T2 uid=1000 gid=1000",
      "thread T10",
      "server lookup /a entry ino=10 nodeid=10 generation=1 entry_valid=500ms attr_valid=1500ns"
          + " mode=0644 size=1 uid=1 gid=2 nlink=1 backing=-1",
      "server lookup /gone negative entry_valid=2",
      "server lookup /x EIO",
      "server getattr /a attr ino=10 size=5 attr_valid=inf mtime=1 ctime=2",
      "server open /a passthrough,direct_io,0x100 backing=0 fh=7",
      "server opendir /d cache_dir",
      "server create /n entry ino=11 open=passthrough,noflush backing=1 fh=2",
      "server read /a data size=10",
      "server write /a written size=10",
      "server readdir /d dirents names=a,b,c",
      "server readdir /e dirents names=",
      "server flush /a ok",
      "server fsync /a default",
      "server hold lookup /a",
      "server hold open",
      "server unhold lookup /a",
      "server reply T2 lookup entry ino=10",
      "server reply T1 open",
      "server backing_open /a = 1",
      "server backing_open fd=-1 flags=0 padding=0 ops=0x4 = -1 EINVAL",
      "server backing_open mount:/a ops=read,statx = -1 EPERM",
      "server backing_close -3 = -1 EINVAL",
      "server notify inval_entry /a",
      "server notify inval_inode /a",
      "server notify prune /a",
      "T1 open(\"/a\", O_RDWR|O_CREAT|O_EXCL, 0644) = 3",
      "T1 open(\"/q\\\"uote\\\\d\\n\", 0x8000) = -1 enoent",
      "T1 creat(\"/n\", 0600) = 4",
      "T2 dup(3) = 5",
      "T1 pread(3, 4096, 0x1000) = 4096",
      "T1 pwrite(3, 1, -1) = -1 EINVAL",
      "T1 lseek(3, 0, SEEK_DATA) = ?",
      "T1 mmap(3, PROT_READ|PROT_WRITE, MAP_SHARED) = m1",
      "T1 mread(m1, 0, 4096) = 4096",
      "T1 mwrite(m1, 0, 1) = 1",
      "T1 munmap(m1) = 0",
      "T1 stat(\"/a\") = 0 {ino=10 size=4096 mode=0100644 nlink=1 uid=0 gid=0 blocks=8 mtime=2"
          + " ctime=3}",
      "T1 lstat(\"/a\") = 0 {}",
      "T1 truncate(\"/a\", 0) = 0",
      "T1 ftruncate(3, 10) = 0",
      "T1 chmod(\"/a\", 04755) = 0",
      "T1 fchmod(3, 0644) = 0",
      "T1 chown(\"/a\", 1000, 1000) = -1 EPERM",
      "T1 fchown(3, 0, 0) = 0",
      "T1 fallocate(3, FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE, 0, 4096) = 0",
      "T1 fallocate(3, 0, 0, 1) = 0",
      "T1 fsync(3) = 0",
      "T1 open(\"/d\", O_RDONLY|O_DIRECTORY) = 6",
      "T1 getdents(6) = 3 {names=.,..,x}",
      "T1 mkdir(\"/d/e\", 0755) = 0",
      "T1 unlink(\"/a\") = 0",
      "T1 rmdir(\"/d/e\") = 0",
      "T1 link(\"/a\", \"/b\") = 0",
      "T1 rename(\"/a\", \"/c\") = 0",
      "T1 access(\"/a\", R_OK|W_OK) = 0",
      "T1 readlink(\"/l\") = 2",
      "T1 mknod(\"/x\", S_IFREG|0644) = 0",
      "T1 mknod(\"/p\", 010600) = 0",
      "T1 symlink(\"a\", \"/l\") = 0",
      "server mknod /x entry new_backing=read,write,getattr,setattr",
      "expect requests MKNOD(1,\"x\",0100644) SYMLINK(1,\"l\",\"a\") LINK(1,\"b\",10)",
      "T1 close(3) = 0",
      "T2 read(5, 10 <unfinished ...>",
      "T2 <... read resumed>) = 10",
      "T3 <... open resumed>) = -1 EINTR",
      "tick 2s",
      "tick 7",
      "tick 3us",
      "evict /a",
      "drop_caches",
      "expect requests LOOKUP(1,\"a\") OPEN(10) FORGET(10,2) INIT(0)",
      "expect requests",
      "expect no READ",
      "expect inode /a iocachectr=-1 backing=none nlookup=1 cache_io_mode=0 bad=0 size=3"
          + " mode=0100644",
      "expect inode /b backing=2",
      "expect backing 1 refcount=2 freed=0 registered=1",
      "expect file 3 iomode=uncached passthrough=1",
      "expect conn passthrough=1 max_stack_depth=2 connected=0",
      "lower file /f ino=12 data=\"ab\\0\\xff\\\"\\n\" size=9",
      "lower write /f offset=2 \"x\\0\\x7f\"",
      "T1 pread(3, 3, 0) = 3 \"a\\x01b\"",
      "T1 read(3, 4) = 4",
      "server crash",
      "umount",
      "");

  @ParameterizedTest
  @ValueSource(strings = {"01-header", "02-setup", "03-server-policy", "04-concurrency",
      "05-steps", "06-expectations", "07-whole-example"})
  void examplesRoundTrip(String name) {
    assertRoundTrip(Fixtures.exampleText(name));
  }

  @Test
  void everyFormRoundTrips() {
    assertRoundTrip(EVERY_FORM);
  }

  @Test
  void canonicalTextPrintsBackByteForByte() {
    String lowerSetOnLine16 = EVERY_FORM.replace(" {}", "").replace("at line 12", "at line 16");
    Trace t = TraceParser.parse("every.trace", lowerSetOnLine16);
    assertThat(t.stmtAtLine(16)).containsInstanceOf(Stmt.LowerSet.class);
    assertThat(TracePrinter.print(t)).isEqualTo(lowerSetOnLine16);
  }

  @Test
  void wholeExampleIsCanonicalExceptForItsBlankLine() {
    String text = Fixtures.exampleText("07-whole-example");
    assertThat(TracePrinter.print(TraceParser.parse("w.trace", text))).isEqualTo(text);
  }

  @Test
  void commentsAndSpacingAreNotKept() {
    String text = "trace: t   # name\n\nresult:   pass\n# a comment line\nT1   close( 3 )=0   # c\n";
    assertThat(TracePrinter.print(TraceParser.parse("t.trace", text)))
        .isEqualTo("trace: t\nresult: pass\n\nT1 close(3) = 0\n");
  }

  @Test
  void atLineFollowsItsStatementWhenLinesMove() {
    String text = "trace: t\nresult: violates X at line 7\n# c\n# c\nmount\n\nT1 close(3) = 0\n";
    String printed = TracePrinter.print(TraceParser.parse("t.trace", text));
    assertThat(printed)
        .isEqualTo("trace: t\nresult: violates X at line 5\n\nmount\nT1 close(3) = 0\n");
    assertThat(TraceParser.parse("t.trace", printed).stmtAtLine(5))
        .containsInstanceOf(Stmt.Call.class);
  }

  @Test
  void headerLinesArePrintedInCanonicalOrder() {
    String text = "doc: why\nresult: pass\nassume: A1=x\ntrace: t\nsemantics: v1\n";
    assertThat(TracePrinter.print(TraceParser.parse("t.trace", text)))
        .isEqualTo("trace: t\nsemantics: v1\nassume: A1=x\nresult: pass\ndoc: why\n");
  }

  @Test
  void flagListsOfRepliesPrintWithCommas() {
    String text = Fixtures.MINIMAL_HEADER + "server open /a passthrough|direct_io backing=1\n";
    assertThat(TracePrinter.print(TraceParser.parse("t.trace", text)))
        .endsWith("\nserver open /a passthrough,direct_io backing=1\n");
  }

  @Test
  void aProgramBuiltTracePrintsAndParsesBack() {
    Header header = new Header(Pos.NONE, Word.of("built"), Optional.empty(), List.of(),
        new Header.Verdict(Pos.NONE, Optional.empty(), Optional.empty()), List.of());
    Value.Flags rdonly = new Value.Flags(Pos.NONE, 0, List.of("O_RDONLY"));
    Stmt open = new Stmt.Call(Pos.NONE, Word.of("T1"), Syscall.OPEN,
        List.of(Value.Str.of("/a b"), rdonly),
        new Outcome.Returns(Pos.NONE, Value.Int.of(3)), List.of());
    Stmt stat = new Stmt.Call(Pos.NONE, Word.of("T1"), Syscall.FSTAT, List.of(Value.Int.of(3)),
        new Outcome.Returns(Pos.NONE, Value.Int.of(0)),
        List.of(Item.of("mode", Value.Int.octal(0100644))));
    Trace built = new Trace("built.trace", header, List.of(open, stat));
    String text = TracePrinter.print(built);
    assertThat(text).isEqualTo("trace: built\nresult: pass\n\n"
        + "T1 open(\"/a b\", O_RDONLY) = 3\nT1 fstat(3) = 0 {mode=0100644}\n");
    assertThat(Fixtures.withoutPositions(TraceParser.parse("built.trace", text)))
        .isEqualTo(built);
  }

  @Test
  void stringEscapesRoundTrip() {
    String text = Fixtures.MINIMAL_HEADER + "\nT1 stat(\"/\\x01\\t\\\"\\\\\") = 0\n";
    Trace t = TraceParser.parse("t.trace", text);
    Stmt.Call call = (Stmt.Call) t.body().get(0);
    assertThat(((Value.Str) call.args().get(0)).value()).isEqualTo("/\u0001\t\"\\");
    assertThat(TracePrinter.print(t)).isEqualTo(text);
  }

  private static void assertRoundTrip(String text) {
    Trace parsed = TraceParser.parse("a.trace", text);
    String printed = TracePrinter.print(parsed);
    Trace reparsed = TraceParser.parse("a.trace", printed);
    assertThat(Fixtures.withoutPositions(reparsed)).isEqualTo(Fixtures.withoutPositions(parsed));
    assertThat(TracePrinter.print(reparsed)).isEqualTo(printed);
  }
}
