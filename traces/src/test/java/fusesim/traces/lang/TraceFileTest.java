package fusesim.traces.lang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trace file is untrusted input: each way a file can be unusable has its own message, bytes that
 * are not UTF-8 are located, a byte-order mark is skipped, and long tokens are cut in messages.
 */
class TraceFileTest {
  private static final String OK = "trace: t\nresult: pass\nmount passthrough\nlower file /a ino=10\n"
      + "T1 stat(\"/a\") = 0\n";

  @TempDir
  Path dir;

  @Test
  void aByteOrderMarkIsSkipped() throws IOException {
    Path f = dir.resolve("bom.trace");
    byte[] text = OK.getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[text.length + 3];
    bytes[0] = (byte) 0xEF;
    bytes[1] = (byte) 0xBB;
    bytes[2] = (byte) 0xBF;
    System.arraycopy(text, 0, bytes, 3, text.length);
    Files.write(f, bytes);
    Trace t = TraceFile.read(f);
    assertThat(t.header().name().text()).isEqualTo("t");
    assertThat(TracePrinter.print(t)).isEqualTo(TracePrinter.print(TraceParser.parse("x", OK)));
  }

  @Test
  void theFirstBadByteIsLocatedByLineAndColumn() throws IOException {
    Path f = dir.resolve("latin1.trace");
    // line 3: "doc: caf" + U+00E9 (two bytes, one column) + " " + 0xff
    byte[] head = "trace: t\nresult: pass\ndoc: caf\u00e9 ".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[head.length + 2];
    System.arraycopy(head, 0, bytes, 0, head.length);
    bytes[head.length] = (byte) 0xff;
    bytes[head.length + 1] = '\n';
    Files.write(f, bytes);
    assertThatThrownBy(() -> TraceFile.read(f)).isInstanceOf(TraceSyntaxError.class)
        .hasMessage(f + ":3:11: expected UTF-8 text, found byte 0xff (offset " + head.length + "), not UTF-8");
  }

  @Test
  void aTruncatedSequenceAtTheEndIsLocatedToo() {
    byte[] bytes = {'t', 'r', 'a', 'c', 'e', ':', ' ', (byte) 0xC3};
    assertThatThrownBy(() -> TraceFile.decode("e.trace", bytes))
        .hasMessage("e.trace:1:8: expected UTF-8 text, found byte 0xc3 (offset 7), not UTF-8");
  }

  @Test
  void anOverlongEncodingIsNotUtf8() {
    byte[] bytes = {'a', '\n', (byte) 0xC0, (byte) 0xAF}; // '/' encoded in two bytes
    assertThatThrownBy(() -> TraceFile.decode("e.trace", bytes)).hasMessageStartingWith("e.trace:2:1: expected UTF-8");
  }

  @Test
  void eachUnusableFileHasItsOwnMessage() throws IOException {
    Path d = Files.createDirectory(dir.resolve("d.trace"));
    assertThatThrownBy(() -> TraceFile.read(d)).isInstanceOf(TraceFile.Unreadable.class)
        .hasMessage(d + ": is a directory, not a trace file");
    Path missing = dir.resolve("missing.trace");
    assertThatThrownBy(() -> TraceFile.read(missing)).isInstanceOf(TraceFile.Unreadable.class)
        .hasMessage(missing + ": no such file");
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling.trace"), dir.resolve("nowhere"));
    assertThatThrownBy(() -> TraceFile.read(dangling)).hasMessage(dangling + ": no such file");
  }

  @Test
  void aFifoIsNeverOpened() throws Exception {
    Path fifo = dir.resolve("fifo.trace");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(p.waitFor() == 0, "mkfifo not available");
    // opening it would block until a writer came: the check must come before the open
    assertThatThrownBy(() -> TraceFile.read(fifo)).isInstanceOf(TraceFile.Unreadable.class)
        .hasMessage(fifo + ": is not a regular file (a device, FIFO or socket), not read");
  }

  @Test
  void aFileWhoseReadFailsSaysSo() {
    // a regular file even root cannot read from offset 0 (nothing is mapped at address 0)
    Path mem = Path.of("/proc/self/mem");
    assumeTrue(Files.isRegularFile(mem), "no /proc/self/mem");
    assertThatThrownBy(() -> TraceFile.read(mem)).isInstanceOf(TraceFile.Unreadable.class)
        .hasMessage(mem + ": cannot read: Input/output error");
  }

  @Test
  void aFileWithoutReadPermissionSaysSo() throws IOException {
    assumeFalse("root".equals(System.getProperty("user.name")), "root reads a mode-000 file");
    Path f = Files.writeString(dir.resolve("secret.trace"), OK);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
    assertThatThrownBy(() -> TraceFile.read(f)).hasMessage(f + ": cannot read: permission denied");
  }

  @Test
  void aFileOverTheSizeLimitIsNotRead() throws IOException {
    Path f = dir.resolve("big.trace");
    Files.write(f, new byte[TraceFile.MAX_BYTES + 1]);
    assertThatThrownBy(() -> TraceFile.read(f)).isInstanceOf(TraceFile.Unreadable.class)
        .hasMessage(f + ": " + (TraceFile.MAX_BYTES + 1) + " bytes, over the limit on a trace file's size ("
            + TraceFile.MAX_BYTES + " bytes)");
  }

  @Test
  void aMillionCharacterTokenIsCutInTheMessage() {
    String word = "z".repeat(1_000_000);
    String text = "trace: t\nresult: pass\nmount passthrough\nT1 " + word + "(\"/a\") = 3\n";
    assertThatThrownBy(() -> TraceParser.parse("e.trace", text)).isInstanceOfSatisfying(TraceSyntaxError.class, e -> {
      assertThat(e.getMessage()).isEqualTo("e.trace:4:4: expected a syscall name (open, close, read, ...), found \""
          + "z".repeat(TraceError.MAX_QUOTED) + "...\"");
      assertThat(e.found()).hasSize(TraceError.MAX_QUOTED + 5);
    });
  }

  @Test
  void aLongStringLiteralIsCutAndEscapesAreKeptWhole() {
    String lit = "\"" + "a".repeat(TraceError.MAX_QUOTED - 1) + "\\\"tail\"";
    String cut = TraceError.cutQuoted("found string " + lit + " here");
    // the cut falls inside the escape \" : the escape's backslash is not left dangling
    assertThat(cut).isEqualTo("found string \"" + "a".repeat(TraceError.MAX_QUOTED - 1) + "...\" here");
    assertThat(TraceError.cutQuoted("short \"abc\" text and more words, well over eighty characters in all, "
        + "but no long quote")).contains("\"abc\"");
    String unclosed = "x \"" + "b".repeat(200);
    assertThat(TraceError.cutQuoted(unclosed)).isEqualTo("x \"" + "b".repeat(TraceError.MAX_QUOTED) + "...");
  }
}
