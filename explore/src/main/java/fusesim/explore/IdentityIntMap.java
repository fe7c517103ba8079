package fusesim.explore;

/**
 * An identity map from objects to ints for the explorer's per-encoding object numbering
 * ({@link ModelEncoder}'s back references, {@link StateWriter}'s): open addressing with linear
 * probing, no boxing, and a {@link #clear} that touches only the slots in use. The
 * {@code IdentityHashMap} it replaces boxed every number past 127 and cleared its whole table (sized
 * for the largest state met) at every encoding, several times per successor (JFR, v2 depth 5:
 * {@code IdentityHashMap.get} and {@code clear} were 9% of the samples). One thread only.
 */
final class IdentityIntMap {
  private Object[] keys;
  private int[] vals;
  /** The slots in use, in insertion order: what {@link #clear} empties. */
  private int[] used;
  private int size;

  IdentityIntMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(8, expected) * 2 - 1) * 2;
    keys = new Object[cap];
    vals = new int[cap];
    used = new int[cap / 2];
  }

  int size() {
    return size;
  }

  private static int slot(Object k, int mask) {
    int x = System.identityHashCode(k) * 0x9E3779B9; // Fibonacci hashing, then the high bits folded in
    return (x ^ (x >>> 16)) & mask;
  }

  /** The value of {@code k}, or -1 when it is absent (values are never negative). */
  int get(Object k) {
    Object[] ks = keys;
    int mask = ks.length - 1;
    for (int i = slot(k, mask);; i = (i + 1) & mask) {
      Object x = ks[i];
      if (x == k) {
        return vals[i];
      }
      if (x == null) {
        return -1;
      }
    }
  }

  boolean containsKey(Object k) {
    return get(k) >= 0;
  }

  /** Maps {@code k} to {@code v} (at least 0), replacing its value if it is present. */
  void put(Object k, int v) {
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    int i = slot(k, mask);
    for (Object x; (x = keys[i]) != null; i = (i + 1) & mask) {
      if (x == k) {
        vals[i] = v;
        return;
      }
    }
    keys[i] = k;
    vals[i] = v;
    used[size++] = i;
  }

  private void grow() {
    Object[] oldKeys = keys;
    int[] oldVals = vals;
    int[] oldUsed = used;
    int n = size;
    keys = new Object[oldKeys.length * 2];
    vals = new int[keys.length];
    used = new int[keys.length / 2];
    size = 0;
    for (int j = 0; j < n; j++) { // insertion order kept, so clear() still empties every slot
      put(oldKeys[oldUsed[j]], oldVals[oldUsed[j]]);
    }
  }

  /** Empties the map; the table keeps its size, and no key stays reachable from it. */
  void clear() {
    for (int j = 0; j < size; j++) {
      keys[used[j]] = null;
    }
    size = 0;
  }
}
