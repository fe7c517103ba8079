package fusesim.explore;

import fusesim.traces.replay.ServerMode;
import java.util.Locale;

/**
 * An up-front estimate of the states and memory a bound needs, from small pilot runs, so that a
 * bound that would exhaust memory is refused before it starts. Deliberately rough (a geometric
 * extrapolation, which overestimates symmetric state spaces); it only has to catch the bounds
 * that are far too large.
 */
record Estimate(double states, long bytes, String how) {
  /** The core: explore 1..3 inodes with the other bounds as given, extrapolate the growth per inode. */
  static Estimate core(Bounds b) {
    int max = Math.min(b.inodes(), 3);
    double[] s = new double[max + 1];
    s[0] = 1;
    for (int i = 1; i <= max; i++) {
      IoCore c = new IoCore(i, b.backings(), b.opens(), b.threads(), b.dio(), b.symmetry(), b.faults());
      CoreExplorer pilot = new CoreExplorer(c, b.depth(), 1, null);
      pilot.stateCap = 300_000;
      CoreExplorer.Stats st = pilot.run();
      s[i] = st.distinct;
      if (!st.exhausted && st.depth < b.depth()) { // capped: extrapolate from here
        max = i;
        s[i] *= 10;
        break;
      }
    }
    double est = s[max];
    if (b.inodes() > max) {
      double ratio = Math.max(2, s[max] / Math.max(1, s[max - 1]));
      est = s[max] * Math.pow(ratio, b.inodes() - max);
    }
    IoCore c = new IoCore(b.inodes(), b.backings(), b.opens(), b.threads(), b.dio(), b.symmetry(), b.faults());
    long perState = LongStateSet.bytesPerState(c.words) + 16L * c.words; // visited + frontier buffers
    return new Estimate(est, (long) Math.min(Long.MAX_VALUE / 2, est * perState),
        String.format(Locale.ROOT, "pilot runs with 1..%d inodes", max));
  }

  /**
   * The full model: explore 2 levels, extrapolate the growth per level to the depth bound. The
   * stateless engine and {@code --exact} keep every state's encoding on the heap; the stateful
   * engine with fingerprints keeps 32 bytes per state at most, plus one level's stored states up
   * to {@code frontierBytes} (the rest goes to disk).
   */
  static Estimate full(Bounds b, boolean wholeEncodings, long frontierBytes) {
    int pilot = Math.min(b.depth(), 2);
    Bounds small = new Bounds(b.semantics(), pilot, b.inodes(), b.backings(), b.threads(), b.opens(), b.ticks(),
        b.server() == null ? ServerMode.WELL_BEHAVED : b.server(), b.faults(), b.assumptions(), b.dio(),
        b.symmetry(), 1);
    ModelExplorer ex = new ModelExplorer(small, null);
    ex.exact = true; // the encodings' size
    CoreExplorer.Stats st = ex.run();
    double perState = st.distinct == 0 ? 2048 : ex.encodedBytes / (double) st.distinct + 600;
    double est = st.distinct;
    if (b.depth() > pilot && st.frontier > 0) {
      double ratio = Math.max(1.5, st.frontier / Math.max(1.0, st.distinct - st.frontier));
      double level = st.frontier;
      for (int d = pilot + 1; d <= b.depth() && est < 1e15; d++) {
        level *= ratio;
        est += level;
      }
    }
    double bytes = wholeEncodings ? est * perState : est * 32 + frontierBytes + 64e6;
    return new Estimate(est, (long) Math.min(Long.MAX_VALUE / 2, bytes),
        String.format(Locale.ROOT, "a pilot run to depth %d", pilot));
  }
}
