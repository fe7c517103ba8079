package fusesim.traces.lang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed traces: each gives exactly one error, at the first problem, as
 * {@code FILE:LINE:COL: expected ..., found ...}. Body cases get a two-line header, so their
 * statement is on line 3.
 */
class SyntaxErrorTest {
  private static final String HEADER = "trace: t\nresult: pass\n";

  static Stream<Arguments> bodyErrors() {
    return Stream.of(
        body("read data shorter than the count", "T1 read(3, 4) = 4 \"abc\"",
            "3:19: expected 4 bytes of data (the result), found 3 bytes"),
        body("read data with a raw non-ASCII char", "T1 read(3, 2) = 2 \"a\u00e9\"",
            "3:21: expected a data byte as ASCII or \\xHH, found \"\u00e9\""),
        body("lower write without offset", "lower write /a \"x\"",
            "3:16: expected \"offset\", found string \"x\""),
        body("lower write negative offset", "lower write /a offset=-1 \"x\"",
            "3:23: expected an offset >= 0, found -1"),
        body("unknown syscall", "T1 opne(\"/a\", O_RDONLY) = 3",
            "3:4: expected a syscall name (open, close, read, ...), found \"opne\""),
        body("bad open flag", "T1 open(\"/a\", O_RDONLYX) = 3",
            "3:15: expected an open flag O_*, found \"O_RDONLYX\""),
        body("bad flag after a good one", "T1 open(\"/a\", O_RDWR|O_DIRECTX) = 3",
            "3:22: expected an open flag O_*, found \"O_DIRECTX\""),
        body("bad errno name", "T1 open(\"/a\", O_RDONLY) = -1 EFOO",
            "3:30: expected an errno name (EIO, ENOENT, ...), found \"EFOO\""),
        body("-1 without errno", "T1 close(3) = -1",
            "3:17: expected an errno name (EIO, ENOENT, ...), found end of line"),
        body("unterminated string", "T1 stat(\"/a) = 0",
            "3:17: expected '\"' to close the string opened at column 9, found end of line"),
        body("bad escape", "T1 stat(\"/a\\q\") = 0",
            "3:12: expected an escape (\\\\ \\\" \\n \\t \\r \\0 \\xHH), found \"\\q\""),
        body("= without result", "T1 close(3) = ",
            "3:14: expected a result (an integer, -1 ERRNO or ?), found end of line"),
        body("result missing =", "T1 close(3) 0",
            "3:13: expected \"=\" and the result, found \"0\""),
        body("unknown mount option", "mount passthrough fast",
            "3:19: expected a mount option (passthrough, passthrough_ino, writeback_cache, no_open,"
                + " max_stack_depth=N, ...), found \"fast\""),
        body("bare mount option with a value", "mount passthrough=1",
            "3:18: expected a space or end of line (passthrough takes no value), found \"=\""),
        body("mount option without its value", "mount max_stack_depth",
            "3:22: expected \"=\" (max_stack_depth needs an integer), found end of line"),
        body("unknown statement keyword", "frobnicate /a",
            "3:1: expected a statement (mount, lower, thread, server, expect, tick, evict,"
                + " drop_caches, umount, or a thread step like T1 open(...)), found \"frobnicate\""),
        body("utimensat times neither NULL nor a list", "T1 utimensat(\"/a\", 0, 0) = 0",
            "3:20: expected times: NULL or [ATIME, MTIME], each UTIME_NOW, UTIME_OMIT or"
                + " {tv_sec=S, tv_nsec=N}, found \"0\""),
        body("utimensat one time only", "T1 futimens(3, [UTIME_NOW]) = 0",
            "3:26: expected \",\" and the mtime (utimensat takes [atime, mtime]), found \"]\""),
        body("utimensat three times", "T1 futimens(3, [UTIME_NOW, UTIME_NOW, UTIME_NOW]) = 0",
            "3:37: expected \"]\" (utimensat takes [atime, mtime]), found \",\""),
        body("utimensat unknown UTIME_ name", "T1 futimens(3, [UTIME_LATER, UTIME_NOW]) = 0",
            "3:17: expected UTIME_NOW, UTIME_OMIT or {tv_sec=S, tv_nsec=N}, found \"UTIME_LATER\""),
        body("utimensat timespec without tv_nsec", "T1 futimens(3, [{tv_sec=1}, UTIME_NOW]) = 0",
            "3:26: expected \",\" and tv_nsec=N, found \"}\""),
        body("utimensat timespec fields swapped", "T1 futimens(3, [{tv_nsec=1, tv_sec=1}, UTIME_NOW]) = 0",
            "3:18: expected \"tv_sec\", found \"tv_nsec\""),
        body("utimensat tv_nsec not an integer", "T1 futimens(3, [{tv_sec=1, tv_nsec=x}, UTIME_NOW]) = 0",
            "3:36: expected an integer (tv_nsec), found \"x\""),
        body("utimensat bad flag", "T1 utimensat(\"/a\", NULL, AT_REMOVEDIR) = 0",
            "3:26: expected utimensat flags AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH or 0, found"
                + " \"AT_REMOVEDIR\""),
        body("utimensat without flags", "T1 utimensat(\"/a\", NULL) = 0",
            "3:24: expected \",\" and utimensat flags AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH or 0"
                + " (utimensat takes 3 arguments), found \")\""),
        body("bad number", "T1 read(3, 40x96) = 0",
            "3:12: expected a byte count, found \"40x96\""),
        body("bad octal mode", "T1 chmod(\"/a\", 0968) = 0",
            "3:16: expected a mode like 0644, found \"0968\""),
        body("too many arguments", "T1 close(3, 4) = 0",
            "3:11: expected \")\" (close takes 1 argument), found \",\""),
        body("too few arguments", "T1 read(3) = 0",
            "3:10: expected \",\" and a byte count (read takes 2 arguments), found \")\""),
        body("open without flags", "T1 open(\"/a\") = 3",
            "3:13: expected \",\" and an open flag O_* (open takes 2 or 3 arguments), found \")\""),
        body("path not quoted", "T1 stat(/a) = 0",
            "3:9: expected a path string like \"/a\", found \"/a\""),
        body("whence is one name", "T1 lseek(3, 0, SEEK_SET|SEEK_END) = 0",
            "3:24: expected \")\" or \"<unfinished ...>\", found \"|\""),
        body("mmap returns a mapping", "T1 mmap(3, PROT_READ, MAP_SHARED) = 5",
            "3:37: expected a result (a mapping name like m1, -1 ERRNO or ?), found \"5\""),
        body("check on a call without a struct", "T1 close(3) = 0 {size=1}",
            "3:17: expected end of line (close returns no struct to check), found \"{\""),
        body("unknown check key", "T1 fstat(3) = 0 {color=1}",
            "3:18: expected a field of fstat (ino, size, mode, nlink, uid, gid, blocks, mtime,"
                + " ctime), found \"color\""),
        body("unclosed check", "T1 fstat(3) = 0 {size=1",
            "3:24: expected \"}\" or a field (ino, size, mode, nlink, uid, gid, blocks, mtime,"
                + " ctime), found end of line"),
        body("misspelled unfinished marker", "T1 stat(\"/a\" <unfinished>",
            "3:14: expected \"<unfinished ...>\" or \"<...\", found \"<unfinished>\""),
        body("resumed without resumed>", "T1 <... stat) = 0",
            "3:13: expected \"resumed>\", found \")\""),
        body("unknown server op", "server lookpu /a enoent",
            "3:8: expected a server action (like, hold, unhold, reply, backing_open, backing_close,"
                + " crash, notify, fault) or an opcode (lookup, getattr, open, create, ...),"
                + " found \"lookpu\""),
        body("reply kind not for this op", "server getattr /a entry ino=1",
            "3:19: expected a reply to getattr (attr, an errno, default), found \"entry\""),
        body("bad errno as a reply", "server lookup /a enoentx",
            "3:18: expected a reply to lookup (entry, negative, an errno, default),"
                + " found \"enoentx\""),
        body("bad open reply flag", "server open /a keepcache",
            "3:16: expected an open reply flag (cached, keep_cache, direct_io, passthrough,"
                + " nonseekable, cache_dir, stream, noflush, parallel_direct_writes),"
                + " found \"keepcache\""),
        body("open= only in a create reply", "server lookup /a entry ino=1 open=passthrough",
            "3:30: expected a key of entry (ino, nodeid, generation, entry_valid, attr_valid,"
                + " mode, size, uid, gid, nlink, backing, statx_mask, new_backing), found \"open\""),
        body("unknown mknod type", "T1 mknod(\"/x\", S_IFREGX|0644) = 0",
            "3:16: expected a file type S_IF* or permission bits, found \"S_IFREGX\""),
        body("symlink target not a string", "T1 symlink(a, \"/l\") = 0",
            "3:12: expected a symlink target string like \"a\", found \"a\""),
        body("LINK without its old nodeid", "expect requests LINK(1,\"b\")",
            "3:27: expected \",\" and the old nodeid (LINK(NODEID,\"NAME\",OLDNODEID)), found \")\""),
        body("SYMLINK target not a string", "expect requests SYMLINK(1,\"l\",2)",
            "3:31: expected a link target string like \"a\", found \"2\""),
        body("bad time", "server lookup /a entry entry_valid=2h",
            "3:36: expected a time (5, 2s, 500ms, 1500ns or inf), found \"2h\""),
        body("backing_open without result", "server backing_open /a",
            "3:23: expected \"=\" and the expected result, or a parameter (flags, padding, ops),"
                + " found end of line"),
        body("bad backing op", "server backing_open /a ops=read,mmap = 1",
            "3:33: expected a backing op (read, write, getattr, setattr, statx, open, readdir),"
                + " found \"mmap\""),
        body("reply to a non-thread", "server reply X1 lookup",
            "3:14: expected a thread name like T1, found \"X1\""),
        body("unknown lower attribute", "lower file /a color=1",
            "3:15: expected an attribute (ino, mode, uid, gid, size, nlink, atime, mtime, ctime,"
                + " generation, stack_depth, data), found \"color\""),
        body("duplicate key", "lower file /a size=1 size=2",
            "3:22: expected an attribute not given yet (size is already set on this line),"
                + " found \"size\""),
        body("lower path without slash", "lower file a",
            "3:12: expected a path like /a, found \"a\""),
        body("lower link without arrow", "lower link /b /a",
            "3:15: expected \"->\", found \"/a\""),
        body("unknown expected opcode", "expect requests LOKUP(1)",
            "3:17: expected a FUSE opcode (LOOKUP, GETATTR, OPEN, READ, FLUSH, RELEASE, FORGET,"
                + " ...), found \"LOKUP\""),
        body("FORGET needs nlookup", "expect requests FORGET(10)",
            "3:26: expected \",\" and the nlookup count (FORGET(NODEID,NLOOKUP)), found \")\""),
        body("opcodes are upper case", "expect no read",
            "3:11: expected a FUSE opcode (LOOKUP, GETATTR, OPEN, READ, FLUSH, RELEASE, FORGET,"
                + " ...), found \"read\""),
        body("bool out of range", "expect conn passthrough=2",
            "3:25: expected 0 or 1, found \"2\""),
        body("unknown expectation", "expect dentry /a",
            "3:8: expected an expectation (requests, no, inode, backing, file, conn),"
                + " found \"dentry\""),
        body("tick needs a finite duration", "tick inf",
            "3:6: expected a duration (2s, 500ms, 1500ns or 5), found \"inf\""),
        body("mount twice", "mount\nmount passthrough",
            "4:1: expected at most one mount line (the first is at line 3), found \"mount\""),
        body("mount after a step", "T1 close(3) = -1 EBADF\nmount",
            "4:1: expected mount before the first thread step (line 3), found \"mount\""),
        body("header line in the body", "mount\ntrace: u",
            "4:1: expected a statement (header lines come before the body), found \"trace:\""),
        body("doc line in the body", "mount\n  doc: late",
            "4:3: expected a statement (header lines come before the body), found \"doc:\""));
  }

  static Stream<Arguments> headerErrors() {
    return Stream.of(
        whole("missing result", "trace: t\nmount\n",
            "2:1: expected a \"result:\" line in the header (result: pass, or result: violates"
                + " ID), found \"mount\""),
        whole("missing trace", "result: pass\nmount\n",
            "2:1: expected a \"trace: NAME\" line to start the trace, found \"mount\""),
        whole("missing trace at end of file", "result: pass\n",
            "2:1: expected a \"trace: NAME\" line to start the trace, found end of file"),
        whole("empty file", "",
            "1:1: expected a \"trace: NAME\" line to start the trace, found end of file"),
        whole("duplicate trace", "trace: t\ntrace: u\nresult: pass\n",
            "2:1: expected a single \"trace:\" line (already given at line 1), found \"trace:\""),
        whole("duplicate result", "trace: t\nresult: pass\nresult: pass\n",
            "3:1: expected a single \"result:\" line (already given at line 2), found \"result:\""),
        whole("v2@22 out of range", "trace: t\nsemantics: v2@22\nresult: pass\n",
            "2:15: expected a patch count 0..21 after v2@, found \"22\""),
        whole("unknown semantics", "trace: t\nsemantics: v3\nresult: pass\n",
            "2:12: expected mainline, v1, v2 or v2@K (K = 0..21), found \"v3\""),
        whole("bad trace name", "trace: a/b\nresult: pass\n",
            "1:8: expected a trace name ([A-Za-z0-9._-]+), found \"a/b\""),
        whole("bad assumption id", "trace: t\nassume: a3=x\nresult: pass\n",
            "2:9: expected an assumption id like A3, found \"a3\""),
        whole("bad result", "trace: t\nresult: fail\n",
            "2:9: expected pass or violates INVARIANT-ID, found \"fail\""),
        whole("lower-case invariant", "trace: t\nresult: violates inv-1\n",
            "2:18: expected an invariant id ([A-Z0-9-]+), found \"inv-1\""),
        whole("at line not naming a statement", "trace: t\nresult: violates X at line 99\nmount\n",
            "2:28: expected the line number of a statement of this trace, found \"99\""),
        whole("trailing words after the name", "trace: t u\nresult: pass\n",
            "1:10: expected end of line, found \"u\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"bodyErrors", "headerErrors"})
  void reportsTheFirstErrorWithFileLineAndColumn(String what, String text, String message) {
    assertThatThrownBy(() -> TraceParser.parse("t.trace", text))
        .isInstanceOf(TraceSyntaxError.class)
        .hasMessage("t.trace:" + message);
  }

  @Test
  void errorFieldsMatchTheMessage() {
    TraceSyntaxError e = catchThrowableOfType(TraceSyntaxError.class,
        () -> TraceParser.parse("dir/x.trace", HEADER + "T1 open(\"/a\", O_RDONLYX) = 3\n"));
    assertThat(e.file()).isEqualTo("dir/x.trace");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.col()).isEqualTo(15);
    assertThat(e.expected()).isEqualTo("an open flag O_*");
    assertThat(e.found()).isEqualTo("\"O_RDONLYX\"");
    assertThat(e.detail()).isEqualTo("expected an open flag O_*, found \"O_RDONLYX\"");
  }

  @Test
  void onlyTheFirstErrorIsReported() {
    String text = HEADER + "T1 opne(3) = 0\nfrobnicate\n";
    assertThatThrownBy(() -> TraceParser.parse("t.trace", text)).hasMessageStartingWith("t.trace:3:4:");
  }

  @Test
  void resumedCallIsNotPairedByTheParser() {
    Trace t = TraceParser.parse("t.trace",
        HEADER + "T1 stat(\"/a\" <unfinished ...>\nT1 <... open resumed>) = 3\n");
    assertThat(((Stmt.Resumed) t.body().get(1)).syscall()).isEqualTo(Syscall.OPEN);
  }

  @Test
  void semanticErrorsUseTheSameFormat() {
    Trace t = TraceParser.parse("t.trace", HEADER + "T1 close(7) = 0\n");
    Stmt.Call close = (Stmt.Call) t.body().get(0);
    TraceSemanticError e = TraceSemanticError.at(t, close.args().get(0).pos(), "fd 7 was never opened");
    assertThat(e).hasMessage("t.trace:3:10: fd 7 was never opened");
    assertThat(e).isInstanceOf(TraceError.class);
    assertThat(e.detail()).isEqualTo("fd 7 was never opened");
  }

  private static Arguments body(String what, String lines, String message) {
    return Arguments.of(what, HEADER + lines + "\n", message);
  }

  private static Arguments whole(String what, String text, String message) {
    return Arguments.of(what, text, message);
  }
}
