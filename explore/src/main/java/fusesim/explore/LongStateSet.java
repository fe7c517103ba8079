package fusesim.explore;

/**
 * The exact visited set of the io-mode core: states of {@code w} longs in open-addressing tables
 * (linear probing, load at most 1/2), split into {@link #PARTITIONS} partitions by the top bits of
 * the hash so that workers can insert into disjoint partitions without locks. Nothing is hashed
 * away: a state is found only if all its words are equal (no fingerprints, no false positives).
 *
 * <p>Each entry also keeps an int: the stamp of the level that inserted it, used by the explorer to
 * tell a state new in this level from an old one.
 */
final class LongStateSet {
  static final int PARTITIONS = 16;
  private final int w;
  private final Part[] parts = new Part[PARTITIONS];

  LongStateSet(int words, int initialPerPartition) {
    this.w = words;
    for (int i = 0; i < PARTITIONS; i++) {
      parts[i] = new Part(initialPerPartition);
    }
  }

  static long hash(long[] s, int off, int w) {
    long h = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < w; i++) {
      h ^= s[off + i];
      h *= 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    h *= 0x94D049BB133111EBL;
    return h ^ (h >>> 29);
  }

  static int partition(long h) {
    return (int) (h >>> 60);
  }

  /** Whether the state is present (read-only; safe while no partition is written). */
  boolean contains(long[] s, int off, long h) {
    return parts[partition(h)].find(s, off, h) >= 0;
  }

  /**
   * Inserts into partition {@code p} (the caller owns it). Returns -1 if the state was absent and
   * is now stored with {@code value}; else the value stored with it.
   */
  int insert(int p, long[] s, int off, long h, int value) {
    return parts[p].insert(s, off, h, value);
  }

  /** Overwrites the value of a present state. */
  void setValue(int p, long[] s, int off, long h, int value) {
    Part part = parts[p];
    int slot = part.find(s, off, h);
    part.vals[slot] = value;
  }

  long size() {
    long n = 0;
    for (Part p : parts) {
      n += p.size;
    }
    return n;
  }

  /** Bytes held by the tables. */
  long bytes() {
    long b = 0;
    for (Part p : parts) {
      b += (long) p.keys.length * 8 + (long) p.vals.length * 4;
    }
    return b;
  }

  /** Bytes per state at the largest load (for estimates): two slots per state. */
  static long bytesPerState(int words) {
    return 2L * (words * 8L + 4);
  }

  private final class Part {
    long[] keys;
    /** Level stamp per slot; Integer.MIN_VALUE = empty. */
    int[] vals;
    int mask;
    int size;

    Part(int cap) {
      int c = Integer.highestOneBit(Math.max(16, cap - 1)) << 1;
      keys = new long[c * w];
      vals = new int[c];
      java.util.Arrays.fill(vals, Integer.MIN_VALUE);
      mask = c - 1;
    }

    int find(long[] s, int off, long h) {
      int slot = (int) h & mask;
      while (true) {
        if (vals[slot] == Integer.MIN_VALUE) {
          return -1;
        }
        if (equal(slot, s, off)) {
          return slot;
        }
        slot = (slot + 1) & mask;
      }
    }

    private boolean equal(int slot, long[] s, int off) {
      int base = slot * w;
      for (int i = 0; i < w; i++) {
        if (keys[base + i] != s[off + i]) {
          return false;
        }
      }
      return true;
    }

    int insert(long[] s, int off, long h, int value) {
      if ((size + 1) * 2 > vals.length) {
        grow();
      }
      int slot = (int) h & mask;
      while (true) {
        if (vals[slot] == Integer.MIN_VALUE) {
          System.arraycopy(s, off, keys, slot * w, w);
          vals[slot] = value;
          size++;
          return -1;
        }
        if (equal(slot, s, off)) {
          return vals[slot];
        }
        slot = (slot + 1) & mask;
      }
    }

    private void grow() {
      long[] ok = keys;
      int[] ov = vals;
      int c = ov.length * 2;
      keys = new long[c * w];
      vals = new int[c];
      java.util.Arrays.fill(vals, Integer.MIN_VALUE);
      mask = c - 1;
      for (int slot = 0; slot < ov.length; slot++) {
        if (ov[slot] == Integer.MIN_VALUE) {
          continue;
        }
        long h = hash(ok, slot * w, w);
        int t = (int) h & mask;
        while (vals[t] != Integer.MIN_VALUE) {
          t = (t + 1) & mask;
        }
        System.arraycopy(ok, slot * w, keys, t * w, w);
        vals[t] = ov[slot];
      }
    }
  }
}
