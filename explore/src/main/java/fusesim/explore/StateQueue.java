package fusesim.explore;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One BFS level of the full engine: the stored states ({@link StateCodec} bytes) in the order they
 * were added, on the heap up to {@code limitBytes}, then appended to a temporary file and read back
 * in order. A full disk surfaces as the IOException of {@link #add}, before anything is lost.
 */
final class StateQueue implements AutoCloseable {
  private final long limitBytes;
  private final List<byte[]> mem = new ArrayList<>();
  private long memBytes;
  private long size;
  private Path file;
  private DataOutputStream out;
  private long diskBytes;
  private long diskCount;

  StateQueue(long limitBytes) {
    this.limitBytes = limitBytes;
  }

  void add(byte[] state) throws IOException {
    size++;
    if (out == null && memBytes + state.length <= limitBytes) {
      mem.add(state);
      memBytes += state.length + 16L;
      return;
    }
    if (out == null) {
      file = Files.createTempFile("fusesim-explore-", ".frontier");
      file.toFile().deleteOnExit();
      out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    }
    out.writeInt(state.length);
    out.write(state);
    diskBytes += 4L + state.length;
    diskCount++;
  }

  long size() {
    return size;
  }

  boolean spilled() {
    return file != null;
  }

  long memoryBytes() {
    return memBytes;
  }

  long diskBytes() {
    return diskBytes;
  }

  /** Reads the states back in order (once). */
  Reader reader() throws IOException {
    if (out != null) {
      out.close();
      out = null;
    }
    return new Reader();
  }

  final class Reader implements AutoCloseable {
    private int i;
    private long read;
    private DataInputStream in;

    /** The next state, or null after the last. */
    byte[] next() throws IOException {
      if (i < mem.size()) {
        byte[] b = mem.get(i);
        mem.set(i++, null); // read once: the heap is freed as the level is expanded
        return b;
      }
      if (read == diskCount) {
        return null;
      }
      if (in == null) {
        in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
      }
      read++;
      byte[] b = new byte[in.readInt()];
      in.readFully(b);
      return b;
    }

    @Override
    public void close() throws IOException {
      if (in != null) {
        in.close();
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (out != null) {
      out.close();
    }
    if (file != null) {
      Files.deleteIfExists(file);
    }
  }
}
