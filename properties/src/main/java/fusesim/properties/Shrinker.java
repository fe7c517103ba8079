package fusesim.properties;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A deterministic shrinker for sequences: delta debugging (remove chunks, halving the chunk size
 * down to single elements), then simplification of elements (each element's simpler forms, and
 * whole-sequence rewrites such as renaming a thread), then removal again, until nothing changes.
 * The result is 1-minimal: removing any single element no longer fails the same way.
 *
 * <p>Bounded by a number of attempts (deterministic) and, as a safety net only, by wall time; the
 * statistics say whether the result is complete (1-minimal) or was cut short.
 *
 * @param <T> the element type (trace statements; integers in the unit tests)
 */
public final class Shrinker<T> {
  /** Statistics of one shrink. */
  public record Stats(int before, int after, int attempts, long millis, boolean complete) {
    @Override
    public String toString() {
      return before + " -> " + after + " steps, " + attempts + " attempts, " + millis + " ms"
          + (complete ? "" : " (cut short: not proven 1-minimal)");
    }
  }

  /** A shrunk sequence and how it was shrunk. */
  public record Result<T>(List<T> items, Stats stats) {}

  private final Function<List<T>, List<T>> test;
  private final Function<T, List<T>> simpler;
  private final Function<List<T>, List<List<T>>> rewrites;
  private final int maxAttempts;
  private final long deadlineNanos;
  private final Set<List<T>> tried = new HashSet<>();
  private int attempts;
  private boolean cut;

  /**
   * @param test runs a candidate: null if it does not fail the same way, else the failing
   *     sequence (which may be a prefix of the candidate: the run stops at the failure)
   * @param simpler the simpler forms of one element, simplest first
   * @param rewrites whole-sequence simplifications (e.g. thread renames)
   */
  public Shrinker(Function<List<T>, List<T>> test, Function<T, List<T>> simpler,
      Function<List<T>, List<List<T>>> rewrites, int maxAttempts, long maxMillis) {
    this.test = test;
    this.simpler = simpler;
    this.rewrites = rewrites;
    this.maxAttempts = maxAttempts;
    this.deadlineNanos = System.nanoTime() + maxMillis * 1_000_000L;
  }

  /** Removal only: the toy form used by tests. */
  public static <T> Result<T> minimise(List<T> failing, Function<List<T>, List<T>> test, int maxAttempts) {
    return new Shrinker<T>(test, x -> List.of(), x -> List.of(), maxAttempts, 60_000).shrink(failing);
  }

  public Result<T> shrink(List<T> failing) {
    long t0 = System.nanoTime();
    List<T> cur = List.copyOf(failing);
    boolean changed = true;
    while (changed && !exhausted()) {
      cur = ddmin(cur);
      cur = removeSingles(cur);
      changed = false;
      List<T> s = removePair(cur);
      if (s == null) {
        s = simplify(cur);
      }
      if (s != null) {
        cur = s;
        changed = true;
      }
    }
    boolean complete = !cut && isOneMinimal(cur);
    return new Result<>(cur, new Stats(failing.size(), cur.size(), attempts,
        (System.nanoTime() - t0) / 1_000_000, complete));
  }

  private boolean exhausted() {
    if (attempts >= maxAttempts || System.nanoTime() > deadlineNanos) {
      cut = true;
    }
    return cut;
  }

  private List<T> attempt(List<T> cand) {
    if (exhausted() || !tried.add(cand)) {
      return null;
    }
    attempts++;
    return test.apply(cand);
  }

  /** Delta debugging over complements: remove one of n chunks; refine n when none can go. */
  private List<T> ddmin(List<T> cur) {
    int n = 2;
    while (cur.size() >= 2 && !exhausted()) {
      int chunk = (cur.size() + n - 1) / n;
      boolean reduced = false;
      for (int start = 0; start < cur.size() && !reduced; start += chunk) {
        List<T> cand = new ArrayList<>(cur.subList(0, start));
        cand.addAll(cur.subList(Math.min(cur.size(), start + chunk), cur.size()));
        List<T> r = attempt(cand);
        if (r != null) {
          cur = r;
          n = Math.max(n - 1, 2);
          reduced = true;
        }
      }
      if (!reduced) {
        if (n >= cur.size()) {
          break;
        }
        n = Math.min(cur.size(), 2 * n);
      }
    }
    return cur;
  }

  /** Single removals, from the end, until none succeeds. */
  private List<T> removeSingles(List<T> cur) {
    boolean changed = true;
    while (changed && !exhausted()) {
      changed = false;
      for (int i = cur.size() - 1; i >= 0 && !exhausted(); i--) {
        if (i >= cur.size()) {
          continue;
        }
        List<T> cand = new ArrayList<>(cur);
        cand.remove(i);
        List<T> r = attempt(cand);
        if (r != null) {
          cur = r;
          changed = true;
        }
      }
    }
    return cur;
  }

  /**
   * One successful removal of two elements at once (an open and its close, a blocked call and its
   * resumption): 1-minimal sequences can still shrink this way.
   */
  private List<T> removePair(List<T> cur) {
    for (int i = cur.size() - 1; i >= 1; i--) {
      for (int j = i - 1; j >= 0; j--) {
        List<T> cand = new ArrayList<>(cur);
        cand.remove(i);
        cand.remove(j);
        List<T> r = attempt(cand);
        if (r != null) {
          return r;
        }
      }
    }
    return null;
  }

  /** One successful simplification (a rewrite or a simpler element), or null. */
  private List<T> simplify(List<T> cur) {
    for (List<T> cand : rewrites.apply(cur)) {
      List<T> r = attempt(cand);
      if (r != null) {
        return r;
      }
    }
    for (int i = 0; i < cur.size(); i++) {
      for (T alt : simpler.apply(cur.get(i))) {
        List<T> cand = new ArrayList<>(cur);
        cand.set(i, alt);
        List<T> r = attempt(cand);
        if (r != null) {
          return r;
        }
      }
    }
    return null;
  }

  /** Re-checks 1-minimality without the cache (and without counting). */
  private boolean isOneMinimal(List<T> cur) {
    for (int i = 0; i < cur.size(); i++) {
      List<T> cand = new ArrayList<>(cur);
      cand.remove(i);
      if (test.apply(cand) != null) {
        return false;
      }
    }
    return true;
  }

}
