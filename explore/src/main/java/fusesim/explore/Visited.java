package fusesim.explore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The full engine's visited set, keyed by a state's canonical encoding ({@link ModelEncoder}).
 * One writer (the thread inserting a level in key order) and any number of readers (the workers,
 * which skip serializing a successor already seen); a reader may miss a state inserted while it
 * looks, never report one that is absent, so the readers' answer is only a filter and the
 * writer's {@link #add} decides.
 */
abstract class Visited {
  /** Adds the state; true if it was absent. Called by one thread at a time. */
  abstract boolean add(byte[] canonical, long fingerprint);

  /** Whether the state is surely present (false: absent, or inserted too recently to be seen). */
  abstract boolean seen(byte[] canonical, long fingerprint);

  abstract long size();

  /** Heap bytes the set holds. */
  abstract long bytes();

  /** The 64-bit fingerprint of a canonical encoding (MurmurHash3's 64-bit mixing over 8-byte words). */
  static long fingerprint(byte[] b) {
    return fingerprint(b, b.length);
  }

  /** The fingerprint of {@code b[0..n)}, equal to that of a copy of those bytes. */
  static long fingerprint(byte[] b, int n) {
    long h = 0x9E3779B97F4A7C15L ^ (n * 0xC2B2AE3D27D4EB4FL);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      long k = (long) LONGS.get(b, i);
      k *= 0x87C37B91114253D5L;
      k = Long.rotateLeft(k, 31);
      k *= 0x4CF5AD432745937FL;
      h ^= k;
      h = Long.rotateLeft(h, 27) * 5 + 0x52DCE729;
    }
    long k = 0;
    for (int s = 0; i < n; i++, s += 8) {
      k |= (b[i] & 0xFFL) << s;
    }
    k *= 0x87C37B91114253D5L;
    k = Long.rotateLeft(k, 31);
    k *= 0x4CF5AD432745937FL;
    h ^= k;
    h ^= n;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return h;
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Exact dedup ({@code --exact}): the whole canonical encoding is kept and compared. */
  static final class Exact extends Visited {
    private static final class Key {
      final byte[] b;
      final int h;

      Key(byte[] b, long fp) {
        this.b = b;
        this.h = (int) (fp ^ (fp >>> 32));
      }

      @Override
      public boolean equals(Object o) {
        return o instanceof Key k && k.h == h && Arrays.equals(k.b, b);
      }

      @Override
      public int hashCode() {
        return h;
      }
    }

    private final Set<Key> set = ConcurrentHashMap.newKeySet();
    private long bytes;

    @Override
    boolean add(byte[] canonical, long fingerprint) {
      if (set.add(new Key(canonical, fingerprint))) {
        bytes += canonical.length + 64L; // the array, its header, the key and the table entry
        return true;
      }
      return false;
    }

    @Override
    boolean seen(byte[] canonical, long fingerprint) {
      return set.contains(new Key(canonical, fingerprint));
    }

    @Override
    long size() {
      return set.size();
    }

    @Override
    long bytes() {
      return bytes;
    }
  }

  /**
   * Fingerprints (the default): 64 bits per state in an open-addressing table of longs (linear
   * probing, load at most 1/2, so 16 to 32 bytes per state). Two states with equal fingerprints
   * are merged: the probability that this happened is printed at the end (TLC's estimate).
   */
  static final class Fingerprints extends Visited {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    private volatile long[] table = new long[1 << 12];
    private long size;

    private static long key(long fp) {
      return fp == 0 ? 1 : fp; // 0 marks an empty slot
    }

    @Override
    boolean add(byte[] canonical, long fingerprint) {
      long k = key(fingerprint);
      long[] t = table;
      if ((size + 1) * 2 > t.length) {
        t = grow(t);
      }
      int mask = t.length - 1;
      for (int i = (int) (k ^ (k >>> 32)) & mask;; i = (i + 1) & mask) {
        long v = (long) SLOT.getAcquire(t, i);
        if (v == k) {
          return false;
        }
        if (v == 0) {
          SLOT.setRelease(t, i, k);
          size++;
          return true;
        }
      }
    }

    private long[] grow(long[] t) {
      long[] n = new long[t.length * 2];
      int mask = n.length - 1;
      for (long k : t) {
        if (k != 0) {
          int i = (int) (k ^ (k >>> 32)) & mask;
          while (n[i] != 0) {
            i = (i + 1) & mask;
          }
          n[i] = k;
        }
      }
      table = n; // volatile: readers see the copy whole
      return n;
    }

    @Override
    boolean seen(byte[] canonical, long fingerprint) {
      long k = key(fingerprint);
      long[] t = table;
      int mask = t.length - 1;
      for (int i = (int) (k ^ (k >>> 32)) & mask;; i = (i + 1) & mask) {
        long v = (long) SLOT.getAcquire(t, i);
        if (v == k) {
          return true;
        }
        if (v == 0) {
          return false;
        }
      }
    }

    @Override
    long size() {
      return size;
    }

    @Override
    long bytes() {
      return table.length * 8L;
    }
  }
}
