package fusesim.explore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * One BFS level of packed core states, in order: on the heap while it holds at most
 * {@code limitStates} states, then spilled to a temporary file (appended through a small buffer,
 * read back in segments), so the memory a level takes is bounded by the threshold whatever its
 * size. The order of the states is the order they were added, in memory or on disk.
 */
final class Frontier implements AutoCloseable {
  private final int words;
  private final long limitStates;
  private long[] mem;
  private long size;
  private Path file;
  private FileChannel ch;
  private ByteBuffer out;

  Frontier(int words, long limitStates) {
    this.words = words;
    this.limitStates = Math.max(1, limitStates);
    this.mem = new long[Math.max(1, (int) Math.min(1024, this.limitStates)) * words];
  }

  long size() {
    return size;
  }

  boolean spilled() {
    return ch != null;
  }

  /** Appends the state at {@code src[off..off+words)}. */
  void add(long[] src, int off) {
    try {
      if (ch == null && size + 1 > limitStates) {
        spill();
      }
      if (ch != null) {
        if (out.remaining() < 8 * words) {
          flush();
        }
        for (int i = 0; i < words; i++) {
          out.putLong(src[off + i]);
        }
      } else {
        if ((size + 1) * words > mem.length) {
          mem = Arrays.copyOf(mem, (int) Math.min((long) mem.length * 2, limitStates * words));
        }
        System.arraycopy(src, off, mem, (int) (size * words), words);
      }
      size++;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void spill() throws IOException {
    file = Files.createTempFile("fusesim-explore-", ".frontier");
    ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
        StandardOpenOption.DELETE_ON_CLOSE);
    out = ByteBuffer.allocate(1 << 16);
    for (long i = 0; i < size * words; i++) {
      if (out.remaining() < 8) {
        flush();
      }
      out.putLong(mem[(int) i]);
    }
    mem = null;
  }

  private long written;

  private void flush() throws IOException {
    out.flip();
    while (out.hasRemaining()) {
      written += ch.write(out, written);
    }
    out.clear();
  }

  /** The states, when they are in memory (from index 0; {@link #size} of them). */
  long[] inMemory() {
    if (ch != null) {
      throw new IllegalStateException("the frontier is on disk");
    }
    return mem;
  }

  /** Reads states {@code from .. from+n} into {@code dst} (from index 0). */
  void read(long from, int n, long[] dst) {
    if (ch == null) {
      System.arraycopy(mem, (int) (from * words), dst, 0, n * words);
      return;
    }
    try {
      flush();
      ByteBuffer b = ByteBuffer.allocate(n * words * 8);
      long at = from * words * 8;
      while (b.hasRemaining()) {
        int r = ch.read(b, at + b.position());
        if (r < 0) {
          throw new IOException("frontier file ends early");
        }
      }
      b.flip();
      b.asLongBuffer().get(dst, 0, n * words);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      if (ch != null) {
        ch.close();
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
