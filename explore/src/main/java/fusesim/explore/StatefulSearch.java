package fusesim.explore;

import fusesim.explore.ModelExplorer.Out;
import fusesim.explore.ModelExplorer.Succ;
import fusesim.explore.ModelExplorer.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The full model's stateful engine: a level-synchronous BFS over stored states (explore/README.md,
 * "The stateful engine"). Each parent is restored from its bytes ({@link StateCodec}), each move
 * run on a fresh copy, the successor deduplicated in {@link Visited} and stored to the next level
 * if new; the main thread takes the workers' chunks in (parent, move) order, so the result does
 * not depend on thread timing. With {@code --por} the expansion is {@link SleepSets}'.
 */
final class StatefulSearch {
  /** The violation kept for an invariant: where it was found; its path is rebuilt at the end. */
  private record Pending(int depth, long parent, int move, String detail) {}

  final Visited visited;
  final Map<String, Pending> pending = new LinkedHashMap<>();
  final ThreadLocal<ModelEncoder> encoders;
  private final ModelExplorer x;
  private final SleepSets reduced;

  StatefulSearch(ModelExplorer x) {
    this.x = x;
    visited = x.exact ? new Visited.Exact() : new Visited.Fingerprints();
    encoders = ThreadLocal.withInitial(() -> new ModelEncoder(x.bounds.symmetry()));
    reduced = new SleepSets(x, this);
  }

  private List<Out> expand(List<byte[]> parents, long base, List<Set<String>> sleeps) {
    if (x.por) {
      return reduced.expand(parents, base, sleeps);
    }
    ModelEncoder enc = encoders.get();
    List<Out> out = new ArrayList<>();
    for (int j = 0; j < parents.size() && !x.stop.get(); j++) {
      byte[] stored = parents.get(j);
      ModelPath p = x.restore(stored);
      List<List<String>> moves = x.alphabet.moves(p);
      for (int m = 0; m < moves.size() && !x.stop.get(); m++) {
        ModelPath[] qs = {m == moves.size() - 1 ? p : x.restore(stored)};
        Out o = x.step(stored, qs, moves.get(m), base + j, m);
        if (o == null) {
          o = visit(enc, qs[0], base + j, m);
        }
        out.add(o);
      }
    }
    return out;
  }

  /** A new successor q of parent {@code parent} by move m: fingerprinted, and stored if unseen. */
  Out visit(ModelEncoder enc, ModelPath q, long parent, int m) {
    byte[] canon = x.exact ? enc.encode(q.kernel()) : null; // fingerprints need no copy of the encoding
    long fp = canon != null ? Visited.fingerprint(canon) : enc.fingerprint(q.kernel());
    byte[] state = visited.seen(canon, fp) ? null : x.store(q);
    return new Out(parent, m, fp, canon, state, null, null, null);
  }

  CoreExplorer.Stats run() throws java.io.IOException {
    long t0 = System.nanoTime();
    ModelPath root = x.root();
    byte[] e0 = new ModelEncoder(x.bounds.symmetry()).encode(root.kernel());
    visited.add(e0, Visited.fingerprint(e0));
    x.encodedBytes = e0.length;
    StateQueue frontier = new StateQueue(x.frontierBytes);
    byte[] r0 = x.store(root);
    frontier.add(r0);
    if (x.stateListener != null) {
      x.stateListener.state(0, 0, -1, -1, r0);
    }
    x.stats.distinct = 1;
    int workers = x.bounds.workers();
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "explore-worker");
      t.setDaemon(true);
      return t;
    });
    ParentLog parents = new ParentLog();
    int[] pbuf = new int[4096];
    int[] mbuf = new int[4096];
    List<Set<String>> sleep = new ArrayList<>(List.of(Set.of())); // this level's states' sleep sets
    try {
      int depth = 0;
      while (frontier.size() > 0 && depth < x.bounds.depth() && !x.stop.get() && x.stats.distinct < x.stateCap) {
        long tl = System.nanoTime();
        StateQueue next = new StateQueue(x.frontierBytes);
        List<Set<String>> nextSleep = new ArrayList<>();
        Map<Long, long[]> levelIndex = x.por ? new java.util.HashMap<>() : null; // fp: index, plain fp
        final List<Set<String>> sl = sleep;
        parents.level();
        int nbuf = 0;
        int chunk = (int) Math.max(1, Math.min(32, frontier.size() / (workers * 8L)));
        java.util.ArrayDeque<Future<List<Out>>> inflight = new java.util.ArrayDeque<>();
        long base = 0;
        int index = 0;
        try (StateQueue.Reader rd = frontier.reader()) {
          boolean more = true;
          while (true) {
            while (more && inflight.size() < workers * 4 && !x.stop.get()) {
              List<byte[]> ps = new ArrayList<>(chunk);
              for (byte[] b; ps.size() < chunk && (b = rd.next()) != null;) {
                ps.add(b);
              }
              if (ps.size() < chunk) {
                more = false;
              }
              if (ps.isEmpty()) {
                break;
              }
              final long at = base;
              base += ps.size();
              List<Set<String>> zs = x.por ? sl.subList((int) at, (int) base) : null;
              inflight.add(pool.submit(() -> expand(ps, at, zs)));
            }
            if (inflight.isEmpty()) {
              break;
            }
            for (Out o : await(inflight.poll())) { // chunks in order, each in (parent, move) order
              if (o.pruned()) {
                x.asleep++;
                continue;
              }
              if (o.invalid() != null) {
                x.invalid++;
                if (x.firstInvalid == null) {
                  x.firstInvalid = o.invalid();
                }
                continue;
              }
              x.stats.transitions++;
              if (o.invariant() != null) {
                pending.putIfAbsent(o.invariant(), new Pending(depth + 1, o.parent(), o.move(), o.detail()));
                continue;
              }
              if (visited.add(o.canon(), o.fp())) {
                if (o.state() == null) {
                  throw new IllegalStateException("a state the workers saw is new to the visited set");
                }
                x.encodedBytes += o.canon() != null ? o.canon().length : 0;
                try {
                  next.add(o.state());
                } catch (java.io.IOException e) { // a full disk: stop with what was explored
                  if (x.diskError == null) {
                    x.diskError = "the frontier could not be written to disk (" + e.getMessage() + ")";
                  }
                  x.stop.set(true);
                }
                if (x.stateListener != null) {
                  x.stateListener.state(depth + 1, index, (int) o.parent(), o.move(), o.state());
                }
                if (x.por) {
                  nextSleep.add(o.sleep());
                  levelIndex.put(o.fp(), new long[] {index, o.plain()});
                }
                index++;
                if (nbuf == pbuf.length) {
                  parents.add(pbuf, mbuf, nbuf);
                  nbuf = 0;
                }
                pbuf[nbuf] = (int) o.parent();
                mbuf[nbuf++] = o.move();
              } else if (x.por) {
                SleepSets.intersect(nextSleep, levelIndex.get(o.fp()), o);
              }
            }
          }
        }
        parents.add(pbuf, mbuf, nbuf);
        frontier.close();
        if (x.stop.get()) {
          frontier = next;
          x.stats.interrupted = true;
          break;
        }
        frontier = next;
        sleep = nextSleep;
        depth++;
        long now = System.nanoTime();
        x.stats.depth = depth;
        x.stats.distinct = visited.size();
        x.stats.frontier = next.size();
        x.stats.visitedBytes = visited.bytes();
        x.stats.frontierMemory = next.memoryBytes();
        x.stats.diskBytes = Math.max(x.stats.diskBytes, next.diskBytes());
        x.stats.levelNanos = now - tl;
        // the next level expands next.size() parents at this level's cost per parent
        long expanded = base;
        x.stats.etaNanos = depth < x.bounds.depth() && expanded > 0 ? (long) ((now - tl) / (double) expanded * next.size()) : 0;
        x.stats.nanos = now - t0;
        if (x.stopAtFirstViolation && !pending.isEmpty()) {
          break;
        }
        if (x.progress != null) {
          x.progress.level(depth, next.size(), x.stats);
        }
      }
      x.stats.exhausted = frontier.size() == 0;
      frontier.close();
      for (Map.Entry<String, Pending> e : pending.entrySet()) {
        Pending v = e.getValue();
        List<String> path = pathLines(parents, v.depth - 1, v.parent);
        ModelPath at = x.replay(path);
        Succ s = x.move(path, x.alphabet.moves(at).get(v.move), 0, new ModelEncoder(false));
        if (s.violation() == null || !s.violation().invariant().equals(e.getKey())) {
          throw new IllegalStateException("the counterexample of " + e.getKey() + " does not re-execute to it");
        }
        x.violations.put(e.getKey(), new Violation(e.getKey(), v.depth, s.lines(), v.detail));
      }
    } finally {
      pool.shutdownNow();
      parents.close();
    }
    x.stats.nanos = System.nanoTime() - t0;
    return x.stats;
  }

  /** The result of a worker's task; its exception rethrown as it is (unchecked). */
  static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", ex);
    } catch (java.util.concurrent.ExecutionException ex) {
      throw ex.getCause() instanceof RuntimeException ? (RuntimeException) ex.getCause()
          : new IllegalStateException(ex.getCause());
    }
  }

  /** The statements of the path to state {@code index} of level {@code depth}: its moves re-executed once. */
  private List<String> pathLines(ParentLog log, int depth, long index) throws java.io.IOException {
    int[] moves = new int[depth];
    long i = index;
    for (int d = depth; d >= 1; d--) {
      long e = log.read(d, (int) i);
      moves[d - 1] = (int) e;
      i = e >>> 32;
    }
    List<String> lines = List.copyOf(x.root().lines);
    for (int mi : moves) {
      Succ s = x.move(lines, x.alphabet.moves(x.replay(lines)).get(mi), 0, new ModelEncoder(false));
      lines = List.copyOf(s.lines());
    }
    return lines;
  }
}
