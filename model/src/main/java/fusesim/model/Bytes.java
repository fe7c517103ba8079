package fusesim.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable run of file bytes: what a READ reply, a read(2) result or a WRITE request carries.
 * Kept compact as a list of runs (literal bytes, zeros, or the trace conventions' patterns), so a
 * 128 KiB readahead costs a few objects, not 128 KiB; equality is by content.
 *
 * <p>The patterns are the kernel oracle's conventions ({@code kernel/README.md}): a lower file
 * made by a trace holds {@code 'a' + i % 26} at offset i (LowerTree.pattern); a write(2),
 * pwrite(2) or mwrite of the trace writes {@code 'A' + (origin + i) % 26}, origin 0 for write(2)
 * and the offset for pwrite(2), so written bytes are told apart from the lower file's.
 */
public final class Bytes {
  /** Literal bytes, or (lit == null) zeros (base 0) or a pattern {@code base + (origin + i) % 26}. */
  record Run(long len, byte base, long origin, byte[] lit) {
    byte at(long i) {
      return lit != null ? lit[(int) i] : base == 0 ? 0 : (byte) (base + Math.floorMod(origin + i, 26));
    }

    Run sub(long from, long n) {
      return lit != null ? new Run(n, (byte) 0, 0, java.util.Arrays.copyOfRange(lit, (int) from, (int) (from + n)))
          : new Run(n, base, base == 0 ? 0 : origin + from, null);
    }
  }

  public static final Bytes EMPTY = new Bytes(List.of());
  /** The longest literal a trace may state (a {@code data=} or a read's bytes). */
  public static final int MAX_LITERAL = 65536;

  final List<Run> runs;
  private final long length;

  Bytes(List<Run> runs) {
    this.runs = List.copyOf(runs);
    long n = 0;
    for (Run r : runs) {
      n += r.len;
    }
    this.length = n;
  }

  /** The lower-file pattern: byte i is {@code 'a' + (offset + i) % 26}. */
  public static Bytes lowerPattern(long offset, long len) {
    return len <= 0 ? EMPTY : new Bytes(List.of(new Run(len, (byte) 'a', offset, null)));
  }

  /** What a trace's write of {@code len} bytes writes: {@code 'A' + (origin + i) % 26}. */
  public static Bytes written(long origin, long len) {
    return len <= 0 ? EMPTY : new Bytes(List.of(new Run(len, (byte) 'A', origin, null)));
  }

  public static Bytes zeros(long len) {
    return len <= 0 ? EMPTY : new Bytes(List.of(new Run(len, (byte) 0, 0, null)));
  }

  /** Literal bytes: each char of {@code latin1} (0..255) is one byte. */
  public static Bytes of(String latin1) {
    byte[] b = new byte[latin1.length()];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) latin1.charAt(i);
    }
    return b.length == 0 ? EMPTY : new Bytes(List.of(new Run(b.length, (byte) 0, 0, b)));
  }

  public long length() {
    return length;
  }

  public byte at(long i) {
    for (Run r : runs) {
      if (i < r.len) {
        return r.at(i);
      }
      i -= r.len;
    }
    throw new IndexOutOfBoundsException();
  }

  /** Bytes [from, from + n) of this, clamped to its length. */
  public Bytes slice(long from, long n) {
    List<Run> out = new ArrayList<>();
    long pos = 0;
    long end = Math.min(length, from + Math.max(0, n));
    for (Run r : runs) {
      long a = Math.max(from, pos);
      long b = Math.min(end, pos + r.len);
      if (a < b) {
        out.add(r.sub(a - pos, b - a));
      }
      pos += r.len;
    }
    return new Bytes(out);
  }

  /** This followed by {@code o}. */
  public Bytes concat(Bytes o) {
    List<Run> out = new ArrayList<>(runs);
    out.addAll(o.runs);
    return new Bytes(out);
  }

  /** The bytes as a latin-1 string (one char per byte), for traces and comparisons. */
  public String latin1() {
    StringBuilder out = new StringBuilder((int) Math.min(length, Integer.MAX_VALUE));
    for (Run r : runs) {
      for (long i = 0; i < r.len; i++) {
        out.append((char) (r.at(i) & 0xff));
      }
    }
    return out.toString();
  }

  /**
   * The first byte where this and {@code o} differ, or -1 if they are equal. Walks both run lists
   * together: a stretch where both sides are the same zeros or the same pattern in phase is skipped
   * whole, so comparing two 128 KiB pattern reads costs a few steps, not 128 Ki byte lookups (it was
   * byte by byte through {@link #at}, each a walk of the runs: READ-RESULT's cost per read).
   */
  public long mismatch(Bytes o) {
    long n = Math.min(length, o.length);
    int i = 0;
    int j = 0;
    long ri = 0;
    long rj = 0;
    long pos = 0;
    while (pos < n) {
      Run a = runs.get(i);
      Run b = o.runs.get(j);
      long seg = Math.min(Math.min(a.len - ri, b.len - rj), n - pos);
      if (!samePhase(a, ri, b, rj)) {
        for (long k = 0; k < seg; k++) {
          if (a.at(ri + k) != b.at(rj + k)) {
            return pos + k;
          }
        }
      }
      pos += seg;
      ri += seg;
      rj += seg;
      if (ri == a.len) {
        i++;
        ri = 0;
      }
      if (rj == b.len) {
        j++;
        rj = 0;
      }
    }
    return length == o.length ? -1 : n;
  }

  /** Whether byte {@code ra + k} of {@code a} equals byte {@code rb + k} of {@code b} for every k. */
  private static boolean samePhase(Run a, long ra, Run b, long rb) {
    return a.lit == null && b.lit == null && a.base == b.base
        && (a.base == 0 || Math.floorMod(a.origin + ra - (b.origin + rb), 26) == 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes b && b.length == length && sameRuns(b) || o instanceof Bytes c && mismatch(c) < 0;
  }

  private boolean sameRuns(Bytes b) {
    return runs.equals(b.runs) && runs.stream().allMatch(r -> r.lit == null);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(length);
  }

  /** A short form for messages: the first bytes, quoted. */
  @Override
  public String toString() {
    String s = slice(0, 32).latin1();
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      out.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? String.valueOf(c) : String.format("\\x%02x", (int) c));
    }
    return out.append(length > 32 ? "\"... (" + length + " bytes)" : "\"").toString();
  }

  List<Run> runs() {
    return Collections.unmodifiableList(runs);
  }
}
