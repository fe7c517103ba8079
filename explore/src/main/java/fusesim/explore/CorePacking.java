package fusesim.explore;

import fusesim.explore.IoCore.World;
import java.util.ArrayList;
import java.util.List;

/**
 * How the io-mode core packs a state into longs: the dense numbering of per-inode tuples (c, p, n,
 * w, q, fb), where each inode's code sits in the words, and the canonical form under symmetry (the
 * least, over the permutations of backing slots, of the sorted inode codes). Only the stored fields
 * are packed; {@link #unpack} derives the rest, as {@link IoCore} explains.
 */
final class CorePacking {
  private final int inodes;
  private final int backings;
  private final int opens;
  private final boolean symmetry;
  final int tuples;
  private final byte[] tc, tp, tn, tw, tq, tfb;
  private final int[] index;
  private final int o1;
  final int bitsPerInode;
  /** Words per packed state. */
  final int words;
  private final int[] wordOf, shiftOf;
  private final long codeMask;
  /** Backing permutations (symmetry) and their code remap tables. */
  private final int[][] perms;
  private final int[][] remapCode;
  private final int[][] remapReg;

  CorePacking(int inodes, int backings, int opens, boolean symmetry) {
    this.inodes = inodes;
    this.backings = backings;
    this.opens = opens;
    this.symmetry = symmetry;
    o1 = opens + 1;
    int nfb = backings + 1;
    index = new int[o1 * o1 * o1 * o1 * o1 * nfb];
    java.util.Arrays.fill(index, -1);
    List<int[]> ts = new ArrayList<>();
    for (int c = 0; c <= opens; c++) {
      for (int p = 0; p <= opens - c; p++) {
        for (int n = 0; n <= opens - c - p; n++) {
          for (int w = 0; w <= opens - c - p - n; w++) {
            for (int q = 0; q <= opens - c - p - n - w; q++) {
              for (int fb = 0; fb < nfb; fb++) {
                index[key(c, p, n, w, q, fb)] = ts.size();
                ts.add(new int[] {c, p, n, w, q, fb});
              }
            }
          }
        }
      }
    }
    tuples = ts.size();
    tc = new byte[tuples];
    tp = new byte[tuples];
    tn = new byte[tuples];
    tw = new byte[tuples];
    tq = new byte[tuples];
    tfb = new byte[tuples];
    for (int i = 0; i < tuples; i++) {
      int[] t = ts.get(i);
      tc[i] = (byte) t[0];
      tp[i] = (byte) t[1];
      tn[i] = (byte) t[2];
      tw[i] = (byte) t[3];
      tq[i] = (byte) t[4];
      tfb[i] = (byte) t[5];
    }
    bitsPerInode = 32 - Integer.numberOfLeadingZeros(tuples - 1);
    codeMask = (1L << bitsPerInode) - 1;
    wordOf = new int[inodes];
    shiftOf = new int[inodes];
    int word = 0;
    int shift = backings; // word 0 starts with the registered bits
    for (int i = 0; i < inodes; i++) {
      if (shift + bitsPerInode > 64) {
        word++;
        shift = 0;
      }
      wordOf[i] = word;
      shiftOf[i] = shift;
      shift += bitsPerInode;
    }
    words = word + 1;
    perms = symmetry ? permutations(backings) : new int[][] {identity(backings)};
    remapCode = new int[perms.length][tuples];
    remapReg = new int[perms.length][1 << backings];
    for (int s = 0; s < perms.length; s++) {
      int[] sigma = perms[s];
      for (int i = 0; i < tuples; i++) {
        int fb = tfb[i];
        remapCode[s][i] = index[key(tc[i], tp[i], tn[i], tw[i], tq[i], fb == 0 ? 0 : sigma[fb - 1] + 1)];
      }
      for (int r = 0; r < 1 << backings; r++) {
        int out = 0;
        for (int b = 0; b < backings; b++) {
          if ((r & 1 << b) != 0) {
            out |= 1 << sigma[b];
          }
        }
        remapReg[s][r] = out;
      }
    }
  }

  private int key(int c, int p, int n, int w, int q, int fb) {
    return ((((c * o1 + p) * o1 + n) * o1 + w) * o1 + q) * (backings + 1) + fb;
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  private static int[][] permutations(int n) {
    List<int[]> out = new ArrayList<>();
    permute(identity(n), 0, out);
    return out.toArray(new int[0][]);
  }

  private static void permute(int[] a, int k, List<int[]> out) {
    if (k == a.length) {
      out.add(a.clone());
      return;
    }
    for (int i = k; i < a.length; i++) {
      int t = a[k];
      a[k] = a[i];
      a[i] = t;
      permute(a, k + 1, out);
      a[i] = a[k];
      a[k] = t;
    }
  }

  /** Unpacks a stored state (all invariants hold in it) into {@code w}, derived fields included. */
  void unpack(long[] s, int off, World w) {
    long w0 = s[off];
    System.arraycopy(s, off, w.packed, 0, words);
    for (int b = 0; b < backings; b++) {
      w.reg[b] = (w0 & 1L << b) != 0;
      w.count[b] = w.reg[b] ? 1 : 0;
      w.freed[b] = false;
      w.holders[b] = 0;
    }
    int blocked = 0;
    for (int i = 0; i < inodes; i++) {
      int code = (int) (s[off + wordOf[i]] >>> shiftOf[i] & codeMask);
      w.codes[i] = code;
      w.c[i] = tc[code];
      w.p[i] = tp[code];
      w.n[i] = tn[code];
      w.w[i] = tw[code];
      w.q[i] = tq[code];
      w.fb[i] = tfb[code];
      w.ctr[i] = w.c[i] - w.p[i] - w.w[i];
      w.bit[i] = w.ctr[i] > 0 || w.q[i] > 0;
      blocked += w.w[i] + w.q[i];
      if (w.fb[i] != 0) {
        w.count[w.fb[i] - 1]++;
        w.holders[w.fb[i] - 1]++;
      }
    }
    w.blocked = blocked;
    w.warned = false;
    w.warning = null;
  }

  private int regBits(World w) {
    int reg = 0;
    for (int b = 0; b < backings; b++) {
      if (w.reg[b]) {
        reg |= 1 << b;
      }
    }
    return reg;
  }

  /**
   * Packs a state in which every invariant holds into {@code out[off..off+words)}, in canonical
   * form when symmetry is on. {@code perm}, if not null, receives for each canonical inode position
   * the position in {@code w} it came from, then (at {@code inodes + b}) for each canonical slot
   * the slot of {@code w}.
   */
  void pack(World w, long[] out, int off, int[] perm) {
    int[] codes = w.sCodes;
    for (int i = 0; i < inodes; i++) {
      codes[i] = index[key(w.c[i], w.p[i], w.n[i], w.w[i], w.q[i], w.fb[i])];
    }
    canonical(w, codes, regBits(w), out, off, perm);
  }

  void canonical(World w, int[] codes, int reg, long[] out, int off, int[] perm) {
    int[] best = w.sBest;
    int[] bestOrder = w.sBestOrder;
    int[] cand = w.sCand;
    int[] order = w.sOrder;
    int bestReg = -1;
    int bestPerm = 0;
    for (int s = 0; s < perms.length; s++) {
      int[] rc = remapCode[s];
      for (int i = 0; i < inodes; i++) {
        cand[i] = rc[codes[i]];
        order[i] = i;
      }
      int r = remapReg[s][reg];
      if (symmetry) {
        // insertion sort of (code, origin): inodes are at most 12
        for (int i = 1; i < inodes; i++) {
          int v = cand[i];
          int o = order[i];
          int j = i - 1;
          while (j >= 0 && cand[j] > v) {
            cand[j + 1] = cand[j];
            order[j + 1] = order[j];
            j--;
          }
          cand[j + 1] = v;
          order[j + 1] = o;
        }
      }
      if (bestReg < 0 || less(r, cand, bestReg, best)) {
        System.arraycopy(cand, 0, best, 0, inodes);
        System.arraycopy(order, 0, bestOrder, 0, inodes);
        bestReg = r;
        bestPerm = s;
      }
    }
    for (int k = 0; k < words; k++) {
      out[off + k] = 0;
    }
    out[off] = bestReg;
    for (int i = 0; i < inodes; i++) {
      out[off + wordOf[i]] |= (long) best[i] << shiftOf[i];
    }
    if (perm != null) {
      System.arraycopy(bestOrder, 0, perm, 0, inodes);
      int[] sigma = perms[bestPerm];
      for (int b = 0; b < backings; b++) {
        perm[inodes + sigma[b]] = b; // canonical slot sigma[b] came from slot b
      }
    }
  }

  private static boolean less(int r, int[] a, int br, int[] b) {
    if (r != br) {
      return r < br;
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        return a[i] < b[i];
      }
    }
    return false;
  }

  /**
   * Packs the successor of a stored state in which only inode {@code i} (-1: none) and the
   * backings changed: the other inodes keep their codes, so without symmetry only {@code i}'s
   * bits and the registered bits are rewritten.
   */
  void packChanged(World w, int i, long[] out, int off) {
    int reg = regBits(w);
    if (i < 0) {
      System.arraycopy(w.codes, 0, w.sCodes, 0, inodes);
    } else {
      int code = index[key(w.c[i], w.p[i], w.n[i], w.w[i], w.q[i], w.fb[i])];
      if (!symmetry) {
        System.arraycopy(w.packed, 0, out, off, words);
        out[off + wordOf[i]] = out[off + wordOf[i]] & ~(codeMask << shiftOf[i]) | (long) code << shiftOf[i];
        out[off] = out[off] & ~((1L << backings) - 1) | reg;
        return;
      }
      System.arraycopy(w.codes, 0, w.sCodes, 0, inodes);
      w.sCodes[i] = code;
    }
    if (!symmetry) {
      System.arraycopy(w.packed, 0, out, off, words);
      out[off] = out[off] & ~((1L << backings) - 1) | reg;
    } else {
      canonical(w, w.sCodes, reg, out, off, null);
    }
  }
}
