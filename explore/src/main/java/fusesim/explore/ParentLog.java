package fusesim.explore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The (parent index, action) of every state of every level, on disk: a temporary file written
 * level by level and read back only to rebuild a counterexample's path. Level {@code d}'s entry
 * {@code i} says how the {@code i}-th state of level {@code d} was first reached from level
 * {@code d-1}. Eight bytes per state, none of them on the heap.
 */
final class ParentLog implements AutoCloseable {
  private final Path file;
  private final FileChannel ch;
  /** Byte offset of each level (level 1 first). */
  private final List<Long> offsets = new ArrayList<>();
  private long end;

  ParentLog() throws IOException {
    file = Files.createTempFile("fusesim-explore-", ".parents");
    ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
        StandardOpenOption.DELETE_ON_CLOSE);
  }

  void append(int[] parents, int[] actions) throws IOException {
    level();
    add(parents, actions, parents.length);
  }

  /** Starts the next level; its entries follow with {@link #add}. */
  void level() {
    offsets.add(end);
  }

  /** Appends the first {@code n} entries to the current level. */
  void add(int[] parents, int[] actions, int n) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    for (int i = 0; i < n; i++) {
      if (buf.remaining() < 8) {
        flush(buf);
      }
      buf.putInt(parents[i]).putInt(actions[i]);
    }
    flush(buf);
  }

  private void flush(ByteBuffer buf) throws IOException {
    buf.flip();
    while (buf.hasRemaining()) {
      end += ch.write(buf, end);
    }
    buf.clear();
  }

  /** Level {@code level} (1-based), state {@code i}: parent in the high int, action in the low int. */
  long read(int level, int i) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8);
    long at = offsets.get(level - 1) + 8L * i;
    while (b.hasRemaining()) {
      ch.read(b, at + b.position());
    }
    b.flip();
    return ((long) b.getInt() << 32) | (b.getInt() & 0xFFFFFFFFL);
  }

  @Override
  public void close() throws IOException {
    ch.close();
    Files.deleteIfExists(file);
  }
}
