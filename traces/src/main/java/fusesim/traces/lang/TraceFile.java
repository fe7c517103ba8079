package fusesim.traces.lang;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reading a trace file, which is untrusted input: every way it can be unusable gets its own
 * message. A missing file, a directory, a file that is not a regular file (a FIFO is never
 * opened: that would block), an unreadable file and a file over {@link #MAX_BYTES} are
 * {@link Unreadable} ({@code FILE: what}); text that is not UTF-8 is a {@link TraceSyntaxError} at
 * the line and column of the first bad byte; a UTF-8 byte-order mark at the start is skipped.
 */
public final class TraceFile {
  /** The largest trace file read (the corpus' largest is under 6 KiB). */
  public static final int MAX_BYTES = 1 << 20;

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private TraceFile() {}

  /** A file that cannot be a trace; the message is {@code FILE: why}. */
  public static final class Unreadable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unreadable(Path file, String why) {
      super(file + ": " + why);
    }
  }

  /**
   * Reads and parses {@code file}.
   *
   * @throws Unreadable when the file cannot be read as text
   * @throws TraceSyntaxError when its bytes are not UTF-8 or its text does not follow the grammar
   */
  public static Trace read(Path file) {
    return TraceParser.parse(file.toString(), text(file));
  }

  /** The text of {@code file}, checked as {@link #read} does, unparsed. */
  public static String text(Path file) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new Unreadable(file, "no such file");
    } catch (IOException e) {
      throw new Unreadable(file, "cannot read: " + reason(e));
    }
    if (a.isDirectory()) {
      throw new Unreadable(file, "is a directory, not a trace file");
    }
    if (!a.isRegularFile()) {
      throw new Unreadable(file, "is not a regular file (a device, FIFO or socket), not read");
    }
    if (a.size() > MAX_BYTES) {
      throw new Unreadable(file, tooLarge(a.size()));
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1); // the size may have changed, or lie (/proc)
    } catch (AccessDeniedException e) {
      throw new Unreadable(file, "cannot read: permission denied");
    } catch (IOException e) {
      throw new Unreadable(file, "cannot read: " + reason(e));
    }
    if (bytes.length > MAX_BYTES) {
      throw new Unreadable(file, tooLarge(bytes.length));
    }
    return decode(file.toString(), bytes);
  }

  private static String tooLarge(long size) {
    return size + " bytes, over the limit on a trace file's size (" + MAX_BYTES + " bytes)";
  }

  private static String reason(IOException e) {
    String m = e.getMessage();
    if (e.getClass() != IOException.class && m != null && m.startsWith("/")) {
      return e.getClass().getSimpleName(); // FileSystemException names the file again
    }
    return m == null ? e.getClass().getSimpleName() : m;
  }

  /**
   * Decodes {@code bytes} as UTF-8, skipping a leading byte-order mark.
   *
   * @throws TraceSyntaxError at the line and column (in characters, as the parser counts them) of
   *     the first byte that is not part of a well-formed UTF-8 sequence
   */
  public static String decode(String fileName, byte[] bytes) {
    int start = startsWithBom(bytes) ? BOM.length : 0;
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length - start);
    CoderResult r = d.decode(in, out, true);
    if (r.isError()) {
      int bad = in.position();
      throw new TraceSyntaxError(fileName, position(out), "UTF-8 text",
          String.format("byte 0x%02x (offset %d), not UTF-8", bytes[bad] & 0xff, bad));
    }
    r = d.flush(out);
    if (r.isError()) {
      throw new IllegalStateException("UTF-8 flush cannot fail: " + r);
    }
    out.flip();
    return out.toString();
  }

  /** The position after the decoded text in {@code out} (which is not yet flipped). */
  private static Pos position(CharBuffer out) {
    int line = 1;
    int lineStart = 0;
    int end = out.position();
    for (int i = 0; i < end; i++) {
      if (out.get(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new Pos(line, end - lineStart + 1);
  }

  private static boolean startsWithBom(byte[] b) {
    return b.length >= 3 && b[0] == BOM[0] && b[1] == BOM[1] && b[2] == BOM[2];
  }
}
