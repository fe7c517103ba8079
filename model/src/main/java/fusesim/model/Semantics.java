package fusesim.model;

import java.util.Objects;

/**
 * Which kernel the model executes: {@code mainline} (v6.18), {@code v2@K} (mainline plus the first
 * K patches of "fuse: extend passthrough to inode operations" v2, K = 0..21), {@code v2} (= v2@21)
 * or {@code v1}.
 *
 * <p>Semantics are data: every behaviour a patch adds is guarded by {@link #has(int)} with the
 * patch number, so any prefix of the series is runnable, and {@code v2@0} is exactly mainline.
 */
public final class Semantics {
  public enum Series { MAINLINE, V1, V2 }

  public static final int V2_PATCHES = 21;
  public static final int V1_PATCHES = 17;
  public static final Semantics MAINLINE = new Semantics(Series.MAINLINE, 0);

  public final Series series;
  /** Number of applied patches of the series (0 for mainline). */
  public final int applied;

  private Semantics(Series series, int applied) {
    this.series = series;
    this.applied = applied;
  }

  public static Semantics v2(int k) {
    if (k < 0 || k > V2_PATCHES) {
      throw new IllegalArgumentException("v2@K takes K in 0.." + V2_PATCHES + ", got " + k);
    }
    return new Semantics(Series.V2, k);
  }

  public static Semantics v1() {
    return new Semantics(Series.V1, V1_PATCHES);
  }

  /**
   * Parses "mainline", "v1", "v2" or "v2@K"; returns null for anything else.
   */
  public static Semantics parse(String text) {
    switch (text) {
      case "mainline":
        return MAINLINE;
      case "v1":
        return v1();
      case "v2":
        return v2(V2_PATCHES);
      default:
        if (text.startsWith("v2@")) {
          try {
            int k = Integer.parseInt(text.substring(3));
            return k >= 0 && k <= V2_PATCHES ? v2(k) : null;
          } catch (NumberFormatException e) {
            return null;
          }
        }
        return null;
    }
  }

  /** Whether patch {@code n} of this series (1-based) is applied. Mainline has none. */
  public boolean has(int n) {
    return series != Series.MAINLINE && n <= applied;
  }

  @Override
  public String toString() {
    switch (series) {
      case MAINLINE:
        return "mainline";
      case V1:
        return "v1";
      default:
        return applied == V2_PATCHES ? "v2" : "v2@" + applied;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Semantics
        && ((Semantics) o).series == series
        && ((Semantics) o).applied == applied;
  }

  @Override
  public int hashCode() {
    return Objects.hash(series, applied);
  }
}
