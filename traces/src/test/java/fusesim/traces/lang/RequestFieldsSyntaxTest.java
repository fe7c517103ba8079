package fusesim.traces.lang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code expect requests} with in-struct fields: parsing, printing, and the bad-input lines. */
class RequestFieldsSyntaxTest {
  private static final String HEADER = "trace: t\nresult: pass\n";

  private static Stmt.Request only(String expect) {
    Trace t = TraceParser.parse("t.trace", HEADER + expect + "\n");
    return ((Stmt.ExpectRequests) t.body().get(0)).requests().get(0);
  }

  @Test
  void fieldsResolveByTheKernelsNames() {
    Stmt.Request q = only("expect requests SETATTR(10, valid=SIZE|LOCKOWNER, size=0)");
    assertThat(q.fields()).extracting(Stmt.ReqField::name).containsExactly("valid", "size");
    assertThat(q.fields().get(0).resolved()).isEqualTo(8 | 512);
    assertThat(TracePrinter.request(q)).isEqualTo("SETATTR(10,valid=SIZE|LOCKOWNER,size=0)");
    assertThat(TracePrinter.canonicalRequest(q)).isEqualTo("SETATTR(10,valid=SIZE|LOCKOWNER,size=0)");
  }

  @Test
  void canonicalSpellingIsStructOrderNamesAndOctal() {
    Stmt.Request q = only("expect requests SETATTR(10, mode=33188, valid=FATTR_MODE|0x800)");
    assertThat(TracePrinter.request(q)).isEqualTo("SETATTR(10,mode=33188,valid=FATTR_MODE|0x800)");
    assertThat(TracePrinter.canonicalRequest(q)).isEqualTo("SETATTR(10,valid=MODE|KILL_SUIDGID,mode=0100644)");
  }

  @Test
  void everyBriefExampleParses() {
    assertThat(TracePrinter.canonicalRequest(only("expect requests OPEN(10, flags=O_WRONLY|O_LARGEFILE)")))
        .isEqualTo("OPEN(10,flags=O_WRONLY|O_LARGEFILE)");
    assertThat(TracePrinter.canonicalRequest(
        only("expect requests WRITE(10, offset=4096, size=100, write_flags=KILL_SUIDGID)")))
        .isEqualTo("WRITE(10,offset=4096,size=100,write_flags=KILL_SUIDGID)");
    assertThat(TracePrinter.canonicalRequest(only("expect requests GETATTR(10, getattr_flags=FH)")))
        .isEqualTo("GETATTR(10,getattr_flags=FH)");
    assertThat(TracePrinter.canonicalRequest(only("expect requests FSYNC(10, fsync_flags=FDATASYNC)")))
        .isEqualTo("FSYNC(10,fsync_flags=FDATASYNC)");
    assertThat(TracePrinter.canonicalRequest(only("expect requests LSEEK(10, offset=0, whence=SEEK_DATA)")))
        .isEqualTo("LSEEK(10,offset=0,whence=SEEK_DATA)");
    assertThat(TracePrinter.canonicalRequest(only("expect requests LSEEK(10, whence=4)")))
        .isEqualTo("LSEEK(10,whence=SEEK_HOLE)");
    assertThat(TracePrinter.canonicalRequest(only("expect requests RELEASE(10, flags=O_RDWR|O_LARGEFILE, release_flags=0)")))
        .isEqualTo("RELEASE(10,flags=O_RDWR|O_LARGEFILE,release_flags=0)");
    assertThat(TracePrinter.canonicalRequest(only("expect requests GETXATTR(10, name=\"security.capability\", size=0)")))
        .isEqualTo("GETXATTR(10,name=\"security.capability\",size=0)");
    assertThat(TracePrinter.canonicalRequest(only("expect requests RENAME2(1,\"a\", newdir=1, flags=RENAME_NOREPLACE)")))
        .isEqualTo("RENAME2(1,\"a\",newdir=1,flags=RENAME_NOREPLACE)");
    assertThat(TracePrinter.canonicalRequest(only("expect requests MKNOD(1,\"x\",0100644, rdev=0)")))
        .isEqualTo("MKNOD(1,\"x\",0100644,rdev=0)");
  }

  @Test
  void aTraceWithoutFieldsPrintsAsBefore() {
    Trace t = TraceParser.parse("t.trace", HEADER + "expect requests LOOKUP(1,\"a\") OPEN(10) FORGET(10,1)\n");
    assertThat(TracePrinter.print(t.body().get(0))).isEqualTo("expect requests LOOKUP(1,\"a\") OPEN(10) FORGET(10,1)");
  }

  static Stream<Arguments> bad() {
    return Stream.of(
        Arguments.of("unknown field", "expect requests SETATTR(10, sizes=0)",
            "t.trace:3:29: expected a field of SETATTR (fuse_setattr_in: valid, fh, size, mode, uid, gid),"
                + " found \"sizes\""),
        Arguments.of("a field no trace can know", "expect requests WRITE(10, lock_owner=5)",
            "t.trace:3:27: expected a field of WRITE (fuse_write_in: fh, offset, size, write_flags, flags),"
                + " found \"lock_owner\", which a trace cannot state: a hash of the caller's files_struct"
                + " (fuse_lock_owner_id), not known to a trace; FATTR_LOCKOWNER/FUSE_*_LOCKOWNER say whether it is set"),
        Arguments.of("wrong flag name", "expect requests SETATTR(10, valid=SIZE|FROB)",
            "t.trace:3:40: expected FATTR bits (MODE, UID, GID, SIZE, ATIME, MTIME, FH, ATIME_NOW, MTIME_NOW,"
                + " LOCKOWNER, CTIME, KILL_SUIDGID) or a number for SETATTR's valid, found \"FROB\""),
        Arguments.of("wrong type", "expect requests WRITE(10, offset=O_RDONLY)",
            "t.trace:3:34: expected a number for WRITE's offset, found \"O_RDONLY\""),
        Arguments.of("string for a number", "expect requests WRITE(10, size=\"a\")",
            "t.trace:3:32: expected a number for WRITE's size, found string \"a\""),
        Arguments.of("out of range u32", "expect requests WRITE(10, size=0x100000000)",
            "t.trace:3:32: expected a u32 (0..4294967295) for WRITE's size, found 0x100000000 (out of range)"),
        Arguments.of("negative u64", "expect requests WRITE(10, offset=-1)",
            "t.trace:3:34: expected a u64 for WRITE's offset, found -1 (out of range)"),
        Arguments.of("unknown whence", "expect requests LSEEK(10, whence=SEEK_FOO)",
            "t.trace:3:34: expected one of SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE or a number"
                + " for LSEEK's whence, found \"SEEK_FOO\""),
        Arguments.of("opcode without fields", "expect requests LOOKUP(1,\"a\", size=1)",
            "t.trace:3:31: expected \")\" (LOOKUP has no in-struct fields to state),"
                + " found \"size\""),
        Arguments.of("an xattr name is the field name", "expect requests GETXATTR(10, \"user.a\")",
            "t.trace:3:30: expected a field of GETXATTR (fuse_getxattr_in: name, size), found string \"user.a\""),
        Arguments.of("field twice", "expect requests OPEN(10, flags=O_RDONLY, flags=O_RDWR)",
            "t.trace:3:42: expected each field of OPEN once, found a second \"flags\""),
        Arguments.of("no equals", "expect requests OPEN(10, flags)",
            "t.trace:3:31: expected \"=\" and the value of OPEN's flags, found \")\""),
        Arguments.of("bad close", "expect requests OPEN(10 flags=0)",
            "t.trace:3:25: expected \")\" or \",\" and a field of OPEN (fuse_open_in: flags, open_flags),"
                + " found \"flags\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bad")
  void badInputNamesTheOpcodesFields(String what, String line, String message) {
    assertThatThrownBy(() -> TraceParser.parse("t.trace", HEADER + line + "\n")).hasMessage(message);
  }
}
