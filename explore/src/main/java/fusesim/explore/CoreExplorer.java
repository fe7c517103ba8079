package fusesim.explore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Level-synchronous parallel breadth-first search over the {@link IoCore}.
 *
 * <p>Each level has two phases. Expansion: the workers split the frontier into contiguous ranges
 * and compute every successor; the visited set is only read, and each new-looking successor goes
 * with its key (parent index × actions + action) into a buffer per (worker, partition).
 * Insertion: each worker owns some partitions of the visited set and inserts their buffers in
 * worker order. Because worker w's range precedes worker w+1's and a worker emits successors in
 * key order, the first insertion of a state carries its least key, so each new state keeps the
 * least (parent, action) that reaches it, whatever the thread timing. The next frontier is the
 * new states sorted by key. So the frontier order, the counts, and the counterexample chosen (the
 * least key at the least depth) are the same on every run and for any number of workers.
 *
 * <p>The (parent, action) of every level goes to a temporary file ({@link ParentLog}), read back
 * only to rebuild a counterexample's path. A level larger than {@link #frontierBytes} goes to a
 * temporary file too ({@link Frontier}) and is expanded segment by segment, each segment inserted
 * before the next is read; the keys grow from segment to segment, so the results are the same.
 */
public final class CoreExplorer {
  /** A violation: the invariant, its depth, the action path from the initial state, and what broke. */
  public record Violation(String invariant, int depth, int[] path, String detail) {}

  /** A progress report after each level. */
  public interface Progress {
    void level(int depth, long newStates, Stats s);
  }

  /** The statistics of a run (so far). */
  public static final class Stats {
    public volatile long distinct;
    public volatile long transitions;
    public volatile int depth;
    public volatile boolean exhausted;
    public volatile boolean interrupted;
    public volatile long frontier;
    public volatile long nanos;
    public volatile long visitedBytes;
    /** Full engine: the heap the next level's stored states take, the disk they took at most. */
    public volatile long frontierMemory;
    public volatile long diskBytes;
    /** Full engine: the last level's time, and the next level's time estimated from it. */
    public volatile long levelNanos;
    public volatile long etaNanos;
    /** Levels whose frontier went to disk (core), and the largest of them in states. */
    public volatile int spilledLevels;
    public volatile long largestSpilled;
  }

  private final IoCore core;
  private final int maxDepth;
  private final int workers;
  private final Progress progress;
  private final AtomicBoolean stop = new AtomicBoolean();
  public final Stats stats = new Stats();
  /**
   * The memory a BFS level may take on the heap (the next frontier being built, and the segment of
   * the current one being expanded); a larger level is spilled to a temporary file.
   */
  public volatile long frontierBytes = DEFAULT_FRONTIER_BYTES;
  public static final long DEFAULT_FRONTIER_BYTES = 256L << 20;
  /** Stop once this many distinct states are stored (pilot runs of the estimate). */
  public volatile long stateCap = Long.MAX_VALUE;
  private final Violation[] violations = new Violation[IoCore.INVARIANTS.size()];

  public CoreExplorer(IoCore core, int maxDepth, int workers, Progress progress) {
    this.core = core;
    this.maxDepth = maxDepth;
    this.workers = Math.max(1, workers);
    this.progress = progress;
  }

  /** Asks the search to stop after the current parent (Ctrl-C). */
  public void stop() {
    stop.set(true);
  }

  /** The first (shortest, least key) violation of each core invariant, or null, in INVARIANTS order. */
  public List<Violation> violations() {
    return Arrays.asList(violations.clone());
  }

  private static final class Buffer {
    long[] data = new long[64];
    int len;

    void add(long[] s, int w, long key) {
      add(s, 0, w, key);
    }

    void add(long[] s, int off, int w, long key) {
      if (len + w + 1 > data.length) {
        data = Arrays.copyOf(data, data.length * 2);
      }
      System.arraycopy(s, off, data, len, w);
      data[len + w] = key;
      len += w + 1;
    }
  }

  private final class Worker {
    final IoCore.World parent = core.newWorld();
    final IoCore.World work = core.newWorld();
    final long[] tmp = new long[core.words];
    final Buffer[] out = new Buffer[LongStateSet.PARTITIONS];
    final long[] violationKey = new long[IoCore.INVARIANTS.size()];
    final String[] violationDetail = new String[IoCore.INVARIANTS.size()];
    final IoCore.Effect effect = new IoCore.Effect();
    long transitions;

    Worker() {
      for (int p = 0; p < out.length; p++) {
        out[p] = new Buffer();
      }
    }

    /** At the start of a level. */
    void reset() {
      clearBuffers();
      Arrays.fill(violationKey, Long.MAX_VALUE);
      Arrays.fill(violationDetail, null);
      transitions = 0;
    }

    /** At the start of a segment of a level. */
    void clearBuffers() {
      for (Buffer b : out) {
        b.len = 0;
      }
    }

    /** States {@code base+lo .. base+hi} of the level, at {@code frontier[lo*w ..]}. */
    void expand(long[] frontier, long base, int lo, int hi, LongStateSet visited) {
      int w = core.words;
      int actions = core.actionCount;
      for (int i = lo; i < hi && !stop.get(); i++) {
        long j = base + i;
        core.unpack(frontier, i * w, parent);
        for (int a = 0; a < actions; a++) {
          int r = core.successor(parent, a, tmp, 0);
          if (r == IoCore.DISABLED) {
            continue;
          }
          transitions++;
          long key = j * actions + a;
          if (r >= 0) {
            if (key < violationKey[r]) {
              violationKey[r] = key;
              work.copyFrom(parent);
              core.apply(work, a, effect);
              violationDetail[r] = effect.detail;
            }
            continue;
          }
          if (same(tmp, parent)) {
            continue; // a failed open, for example: the state did not change
          }
          long h = LongStateSet.hash(tmp, 0, w);
          if (!visited.contains(tmp, 0, h)) {
            out[LongStateSet.partition(h)].add(tmp, w, key);
          }
        }
      }
    }
  }

  private boolean same(long[] s, IoCore.World parent) {
    long[] p = parent.packedWords();
    for (int i = 0; i < s.length; i++) {
      if (s[i] != p[i]) {
        return false;
      }
    }
    return true;
  }

  /** Runs the search to the depth bound, to exhaustion, or until stopped. */
  public Stats run() {
    long t0 = System.nanoTime();
    int w = core.words;
    long limitStates = Math.max(1, frontierBytes / (8L * w));
    LongStateSet visited = new LongStateSet(w, 1 << 10);
    long[] initial = core.initial();
    Frontier frontier = new Frontier(w, limitStates);
    frontier.add(initial, 0);
    visited.insert(LongStateSet.partition(LongStateSet.hash(initial, 0, w)), initial, 0,
        LongStateSet.hash(initial, 0, w), 0);
    stats.distinct = 1;
    List<Worker> ws = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      ws.add(new Worker());
    }
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "explore-worker");
      t.setDaemon(true);
      return t;
    });
    try (ParentLog log = new ParentLog()) {
      int depth = 0;
      while (frontier.size() > 0 && depth < maxDepth && !stop.get() && stats.distinct < stateCap) {
        long fsize = frontier.size();
        int seg = (int) Math.min(fsize, limitStates);
        long[] segment = frontier.spilled() ? new long[seg * w] : null;
        Frontier next = new Frontier(w, limitStates);
        log.level();
        for (Worker wk : ws) {
          wk.reset();
        }
        // a spilled level is expanded segment by segment, each inserted before the next is read:
        // keys grow from segment to segment, so the first insertion of a state is still its least key
        for (long base = 0; base < fsize && !stop.get(); base += seg) {
          int n = (int) Math.min(seg, fsize - base);
          long[] fr = segment == null ? frontier.inMemory() : segment;
          if (segment != null) {
            frontier.read(base, n, segment);
          }
          expandAndInsert(fr, base, n, depth + 1, visited, ws, pool, next, log);
        }
        if (stop.get()) {
          stats.interrupted = true;
          next.close();
          break;
        }
        for (Worker wk : ws) {
          stats.transitions += wk.transitions;
        }
        recordViolations(ws, depth + 1, log);
        if (frontier.spilled()) {
          stats.spilledLevels++;
          stats.largestSpilled = Math.max(stats.largestSpilled, fsize);
        }
        frontier.close();
        frontier = next;
        depth++;
        stats.depth = depth;
        stats.distinct = visited.size();
        stats.frontier = frontier.size();
        stats.visitedBytes = visited.bytes();
        stats.nanos = System.nanoTime() - t0;
        if (progress != null) {
          progress.level(depth, frontier.size(), stats);
        }
      }
      if (frontier.spilled()) { // the last level, not expanded
        stats.spilledLevels++;
        stats.largestSpilled = Math.max(stats.largestSpilled, frontier.size());
      }
      stats.exhausted = frontier.size() == 0;
      stats.interrupted |= stop.get() && frontier.size() > 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      frontier.close();
      pool.shutdownNow();
    }
    stats.nanos = System.nanoTime() - t0;
    return stats;
  }

  /**
   * Expands states {@code base .. base+n} of the level (in {@code fr} from index 0), inserts the
   * new ones into the visited set, and appends them, in key order, to {@code next} and the log.
   */
  private void expandAndInsert(long[] fr, long base, int n, int level, LongStateSet visited, List<Worker> ws,
      ExecutorService pool, Frontier next, ParentLog log) throws IOException {
    int w = core.words;
    List<Future<?>> fs = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      Worker wk = ws.get(i);
      int lo = (int) ((long) n * i / workers);
      int hi = (int) ((long) n * (i + 1) / workers);
      wk.clearBuffers();
      fs.add(pool.submit(() -> wk.expand(fr, base, lo, hi, visited)));
    }
    await(fs);
    if (stop.get()) {
      return;
    }
    // insertion, partition-parallel; per partition the new states in key order
    final long[][] newStates = new long[LongStateSet.PARTITIONS][];
    final int[] newLen = new int[LongStateSet.PARTITIONS];
    fs.clear();
    for (int i = 0; i < workers; i++) {
      final int me = i;
      fs.add(pool.submit(() -> {
        for (int p = me; p < LongStateSet.PARTITIONS; p += workers) {
          Buffer acc = new Buffer();
          for (Worker wk : ws) {
            Buffer b = wk.out[p];
            for (int k = 0; k < b.len; k += w + 1) {
              long h = LongStateSet.hash(b.data, k, w);
              if (visited.insert(p, b.data, k, h, level) < 0) {
                acc.add(b.data, k, w, b.data[k + w]);
              }
            }
          }
          newStates[p] = acc.data;
          newLen[p] = acc.len;
        }
      }));
    }
    await(fs);
    // merge the partitions by key: the next frontier, and its (parent, action) log
    int total = 0;
    for (int p = 0; p < LongStateSet.PARTITIONS; p++) {
      total += newLen[p] / (w + 1);
    }
    int[] parents = new int[total];
    int[] actions = new int[total];
    int[] pos = new int[LongStateSet.PARTITIONS];
    for (int m = 0; m < total; m++) {
      int bestP = -1;
      long bestKey = Long.MAX_VALUE;
      for (int p = 0; p < LongStateSet.PARTITIONS; p++) {
        if (pos[p] < newLen[p]) {
          long key = newStates[p][pos[p] + w];
          if (key < bestKey) {
            bestKey = key;
            bestP = p;
          }
        }
      }
      next.add(newStates[bestP], pos[bestP]);
      parents[m] = (int) (bestKey / core.actionCount);
      actions[m] = (int) (bestKey % core.actionCount);
      pos[bestP] += w + 1;
    }
    log.add(parents, actions, total);
  }

  private void recordViolations(List<Worker> ws, int depth, ParentLog log) throws IOException {
    for (int inv = 0; inv < violations.length; inv++) {
      if (violations[inv] != null) {
        continue;
      }
      long best = Long.MAX_VALUE;
      String detail = null;
      for (Worker wk : ws) {
        if (wk.violationKey[inv] < best) {
          best = wk.violationKey[inv];
          detail = wk.violationDetail[inv];
        }
      }
      if (best == Long.MAX_VALUE) {
        continue;
      }
      int[] path = new int[depth];
      path[depth - 1] = (int) (best % core.actionCount);
      int parent = (int) (best / core.actionCount);
      for (int d = depth - 1; d >= 1; d--) {
        long pa = log.read(d, parent);
        path[d - 1] = (int) (pa & 0xFFFFFFFFL);
        parent = (int) (pa >>> 32);
      }
      violations[inv] = new Violation(IoCore.INVARIANTS.get(inv), depth, path, detail);
    }
  }

  private static void await(List<Future<?>> fs) {
    for (Future<?> f : fs) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException) {
          throw (RuntimeException) c;
        }
        throw new IllegalStateException(c);
      }
    }
  }
}
