package fusesim.explore;

import fusesim.invariants.Invariant;
import fusesim.invariants.Invariants;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.Setup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Breadth-first search over the full model: every invariant of invariants/, every planted fault, any
 * semantics. Stateless: a state is its path of trace statements, re-executed from the root on a
 * fresh model whenever it is needed, and deduplicated exactly by {@link ModelEncoder}'s bytes.
 *
 * <p>Levels are synchronous: the workers expand contiguous ranges of the frontier (each successor
 * re-executes its parent's path and one move), then the main thread inserts the successors in
 * (parent index, move index) order, so the first path kept for a state and the violation reported
 * for an invariant (the least key at the least depth) do not depend on thread timing.
 */
public final class ModelExplorer {
  /** A violation: the invariant, the depth in moves, the statements up to the violating one, and what broke. */
  public record Violation(String invariant, int depth, List<String> lines, String detail) {}

  private record Succ(long key, List<String> lines, byte[] enc, Session.Violation violation, String invalid) {}

  private static final class Key {
    final byte[] b;
    final int h;

    Key(byte[] b) {
      this.b = b;
      this.h = Arrays.hashCode(b);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key && ((Key) o).h == h && Arrays.equals(((Key) o).b, b);
    }

    @Override
    public int hashCode() {
      return h;
    }
  }

  private final Bounds bounds;
  private final Setup setup;
  private final ModelAlphabet alphabet;
  private final CoreExplorer.Progress progress;
  private final AtomicBoolean stop = new AtomicBoolean();
  public final CoreExplorer.Stats stats = new CoreExplorer.Stats();
  private final Map<String, Violation> violations = new LinkedHashMap<>();
  /** Moves the model rejected or threw on: the first one, and how many. */
  public volatile String firstInvalid;
  public volatile long invalid;
  public volatile long encodedBytes;
  /** Stop after the first level with a violation (the shrink table needs only the shortest). */
  public volatile boolean stopAtFirstViolation;
  /** Stop after the level at which this many distinct states are stored. */
  public volatile long stateCap = Long.MAX_VALUE;
  /**
   * The old engine ({@code --engine full-stateless}): a state is its path, re-executed from the root
   * for every successor, and dedup keeps every encoding. Kept to measure the stateful engine against.
   */
  public volatile boolean stateless;
  /**
   * Stateful engine: partial-order reduction by sleep sets ({@code --por}), the independence of two
   * moves from the objects they name ({@link Independence}); explore/README.md, "Partial-order reduction".
   */
  public volatile boolean por;
  /** A test's check of the independence relation: both orders of every pair a sleep set relies on. */
  interface Diamonds {
    void diamond(String first, String second, String mThenI, String iThenM);
  }

  /** A test's rendering of the states a diamond reaches (default: the canonical encoding in hex). */
  volatile java.util.function.Function<fusesim.model.Kernel, String> dump;
  /** When set, every diamond a sleep set relies on is run both ways and reported (slow: tests). */
  volatile Diamonds diamonds;
  /** Partial-order reduction: the moves not run because they were asleep in their state. */
  public volatile long asleep;
  /** Stateful engine: keep the canonical encodings whole ({@code --exact}) instead of 64-bit fingerprints. */
  public volatile boolean exact;
  /** Stateful engine: the heap one level's stored states may take before they go to a temporary file. */
  public volatile long frontierBytes = 256L << 20;
  /**
   * Stateful engine: called by the inserting thread with every new state: its depth, its index in
   * its level, its parent's index in the level above and the move's index in the parent's moves
   * (-1 for the root), and its stored bytes.
   */
  volatile StateListener stateListener;

  interface StateListener {
    void state(int depth, int index, int parent, int move, byte[] stored);
  }

  /** Why the stateful engine stopped early (a full disk), or null. */
  public volatile String diskError;

  /** The stateful engine's codec: what the explorer stores of a state, and restores it from. */
  final StateCodec codec = new StateCodec(ModelExplorer::shared);

  public ModelExplorer(Bounds bounds, CoreExplorer.Progress progress) {
    this.bounds = bounds;
    this.setup = Setup.of(bounds.semantics(), bounds.faults(), bounds.server());
    this.alphabet = new ModelAlphabet(bounds);
    this.progress = progress;
  }

  public Setup setup() {
    return setup;
  }

  public void stop() {
    stop.set(true);
  }

  /** The first violation of each invariant, in the report order of invariants/ (null: none found). */
  public Map<String, Violation> violations() {
    Map<String, Violation> out = new LinkedHashMap<>();
    for (Invariant inv : setup.checker().invariants()) {
      out.put(inv.id(), violations.get(inv.id()));
    }
    return out;
  }

  private ModelPath replay(List<String> lines) {
    ModelPath p = new ModelPath(setup);
    for (String l : lines) {
      ModelPath.Status s = p.run(l, false, setup);
      if (s != ModelPath.Status.OK) {
        throw new IllegalStateException("a stored path does not re-execute (" + s + ", " + p.invalid + "): " + l);
      }
    }
    return p;
  }

  private static String unfinishedForm(String call) {
    if (!call.endsWith(") = ?")) {
      throw new IllegalStateException("not a call: " + call);
    }
    return call.substring(0, call.length() - ") = ?".length()) + " <unfinished ...>";
  }

  private Succ move(List<String> parent, List<String> move, long key, ModelEncoder enc) {
    ModelPath q = replay(parent);
    for (int s = 0; s < move.size(); s++) {
      ModelPath.Status st = q.run(move.get(s), true, setup);
      if (st == ModelPath.Status.BLOCKED) {
        q = replay(parent);
        for (int u = 0; u < s; u++) {
          q.run(move.get(u), false, setup);
        }
        st = q.run(unfinishedForm(move.get(s)), true, setup);
      }
      if (st == ModelPath.Status.INVALID) {
        return new Succ(key, q.lines, null, null, q.invalid + " at: " + move.get(s));
      }
      if (st == ModelPath.Status.VIOLATED) {
        return new Succ(key, q.lines, null, q.violation, null);
      }
    }
    for (String r : q.resumedLines()) {
      ModelPath.Status st = q.run(r, true, setup);
      if (st == ModelPath.Status.INVALID) {
        return new Succ(key, q.lines, null, null, q.invalid + " at: " + r);
      }
      if (st == ModelPath.Status.VIOLATED) {
        return new Succ(key, q.lines, null, q.violation, null);
      }
    }
    return new Succ(key, q.lines, enc.encode(q.kernel()), null, null);
  }

  /**
   * The successors of a stored path (for the symmetry test): each move's path, with its encoding by
   * {@code enc}, or the violated invariant's id prefixed by {@code !}, or {@code ?} and what was invalid.
   */
  Map<List<String>, String> successors(List<String> path, ModelEncoder enc) {
    Map<List<String>, String> out = new LinkedHashMap<>();
    List<List<String>> moves = alphabet.moves(replay(path));
    for (int m = 0; m < moves.size(); m++) {
      Succ s = move(path, moves.get(m), m, enc);
      out.put(List.copyOf(s.lines), s.invalid != null ? "?" + s.invalid : s.violation != null
          ? "!" + s.violation.invariant() : java.util.HexFormat.of().formatHex(s.enc));
    }
    return out;
  }

  /** Called with (the path kept, the path merged into it) whenever a new path reaches a stored state. */
  volatile java.util.function.BiConsumer<List<String>, List<String>> mergeListener;

  private List<Succ> expand(List<List<String>> frontier, int lo, int hi) {
    ModelEncoder enc = new ModelEncoder(bounds.symmetry());
    List<Succ> out = new ArrayList<>();
    for (int j = lo; j < hi && !stop.get(); j++) {
      List<String> parent = frontier.get(j);
      List<List<String>> moves = alphabet.moves(replay(parent));
      for (int m = 0; m < moves.size() && !stop.get(); m++) {
        out.add(move(parent, moves.get(m), (long) j * 4096 + m, enc));
      }
    }
    return out;
  }

  /** Runs the search to the depth bound, to exhaustion, or until stopped. */
  public CoreExplorer.Stats run() {
    if (stateless || mergeListener != null) {
      return runStateless();
    }
    try {
      return new Stateful().run();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private CoreExplorer.Stats runStateless() {
    long t0 = System.nanoTime();
    ModelPath root = new ModelPath(setup);
    for (String l : alphabet.world()) {
      ModelPath.Status s = root.run(l, true, setup);
      if (s != ModelPath.Status.OK) {
        throw new IllegalStateException("the world does not set up: " + l + ": " + root.invalid);
      }
    }
    Set<Key> visited = new HashSet<>();
    java.util.Map<Key, List<String>> firstPath = new java.util.HashMap<>();
    byte[] e0 = new ModelEncoder(bounds.symmetry()).encode(root.kernel());
    visited.add(new Key(e0));
    encodedBytes = e0.length;
    List<List<String>> frontier = new ArrayList<>();
    frontier.add(List.copyOf(root.lines));
    stats.distinct = 1;
    int workers = bounds.workers();
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "explore-worker");
      t.setDaemon(true);
      return t;
    });
    try {
      int depth = 0;
      while (!frontier.isEmpty() && depth < bounds.depth() && !stop.get() && stats.distinct < stateCap) {
        List<Future<List<Succ>>> fs = new ArrayList<>();
        final List<List<String>> fr = frontier;
        int chunks = Math.min(fr.size(), workers * 8);
        for (int i = 0; i < chunks; i++) {
          int lo = (int) ((long) fr.size() * i / chunks);
          int hi = (int) ((long) fr.size() * (i + 1) / chunks);
          fs.add(pool.submit(() -> expand(fr, lo, hi)));
        }
        List<List<String>> next = new ArrayList<>();
        for (Future<List<Succ>> f : fs) {
          List<Succ> part;
          try {
            part = f.get();
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
          } catch (java.util.concurrent.ExecutionException ex) {
            throw ex.getCause() instanceof RuntimeException ? (RuntimeException) ex.getCause()
                : new IllegalStateException(ex.getCause());
          }
          for (Succ s : part) { // chunks in order, each in key order: the whole level in key order
            if (s.invalid != null) {
              invalid++;
              if (firstInvalid == null) {
                firstInvalid = s.invalid;
              }
              continue;
            }
            stats.transitions++;
            if (s.violation != null) {
              violations.putIfAbsent(s.violation.invariant(),
                  new Violation(s.violation.invariant(), depth + 1, s.lines, s.violation.detail()));
              continue;
            }
            Key key = new Key(s.enc);
            if (visited.add(key)) {
              encodedBytes += s.enc.length;
              next.add(List.copyOf(s.lines));
              if (mergeListener != null) {
                firstPath.put(key, List.copyOf(s.lines));
              }
            } else if (mergeListener != null && firstPath.containsKey(key)) {
              mergeListener.accept(firstPath.get(key), s.lines);
            }
          }
        }
        if (stop.get()) {
          stats.interrupted = true;
          break;
        }
        frontier = next;
        if (stopAtFirstViolation && !violations.isEmpty()) {
          depth++;
          stats.depth = depth;
          stats.distinct = visited.size();
          stats.frontier = next.size();
          break;
        }
        depth++;
        stats.depth = depth;
        stats.distinct = visited.size();
        stats.frontier = next.size();
        stats.visitedBytes = encodedBytes;
        stats.nanos = System.nanoTime() - t0;
        if (progress != null) {
          progress.level(depth, next.size(), stats);
        }
      }
      stats.exhausted = frontier.isEmpty();
    } finally {
      pool.shutdownNow();
    }
    stats.nanos = System.nanoTime() - t0;
    return stats;
  }

  // ---- the stateful engine -------------------------------------------------------------------

  /**
   * The run's configuration, which every state shares and the codec does not copy: the semantics,
   * the faults, the setup and its invariant checker, and the parsed trace statements.
   */
  static boolean shared(Object o) {
    if (o instanceof fusesim.model.series.Semantics || o instanceof fusesim.model.Faults || o instanceof Setup
        || o instanceof fusesim.invariants.Checker) {
      return true;
    }
    String n = o.getClass().getName();
    return n.startsWith("fusesim.invariants.") || n.startsWith("fusesim.traces.lang.");
  }

  /** A state restored from its stored bytes. */
  ModelPath restore(byte[] stored) {
    return (ModelPath) codec.decode(stored);
  }

  /** What the explorer stores of a state: its path's bookkeeping and model, not its statements. */
  byte[] store(ModelPath p) {
    p.lines.clear();
    p.violation = null;
    p.invalid = null;
    return codec.encode(p);
  }

  /** The root state (the world declared), stored. */
  byte[] rootState() {
    return store(root());
  }

  private ModelPath root() {
    ModelPath root = new ModelPath(setup);
    for (String l : alphabet.world()) {
      ModelPath.Status s = root.run(l, true, setup);
      if (s != ModelPath.Status.OK) {
        throw new IllegalStateException("the world does not set up: " + l + ": " + root.invalid);
      }
    }
    return root;
  }

  /** A successor in the stateful engine: its parent (index in its level), move, and what it is. */
  private record Out(long parent, int move, long fp, byte[] canon, byte[] state, String invariant, String detail,
      String invalid, Set<String> sleep, long plain, boolean pruned) {
    Out(long parent, int move, long fp, byte[] canon, byte[] state, String invariant, String detail, String invalid) {
      this(parent, move, fp, canon, state, invariant, detail, invalid, Set.of(), 0, false);
    }

    /** With a sleep set, and the fingerprint of the successor's own (unrenamed) encoding. */
    Out withSleep(Set<String> z, long plainFp) {
      return new Out(parent, move, fp, canon, state, invariant, detail, invalid, z, plainFp, false);
    }
  }

  /** A move asleep in its parent (partial-order reduction): not run. */
  private static Out asleep(long parent, int m) {
    return new Out(parent, m, 0, null, null, null, null, null, Set.of(), 0, true);
  }

  /**
   * A move's name in a sleep set: its statements, the idle thread a new call goes to written
   * {@code *} (the lowest idle thread: a move keeps its name when an independent move took or
   * freed another thread).
   */
  static String key(String idle, List<String> move) {
    StringBuilder b = new StringBuilder();
    for (String s : move) {
      b.append(idle != null && s.startsWith(idle + " ") ? "*" + s.substring(idle.length()) : s).append('\n');
    }
    return b.toString();
  }

  /**
   * Runs {@code move} on {@code q}, a restored copy of the parent {@code stored}; returns the
   * successor, or null when the move ends in state {@code q} (then {@code q} holds it). A call that
   * blocks is run again on a fresh copy in its {@code <unfinished ...>} form, as the stateless
   * engine does.
   */
  private Out step(byte[] stored, ModelPath[] qs, List<String> move, long parent, int m) {
    ModelPath q = qs[0];
    for (int s = 0; s < move.size(); s++) {
      ModelPath.Status st = q.run(move.get(s), true, setup);
      if (st == ModelPath.Status.BLOCKED) {
        q = restore(stored);
        for (int u = 0; u < s; u++) {
          q.run(move.get(u), false, setup);
        }
        st = q.run(unfinishedForm(move.get(s)), true, setup);
      }
      qs[0] = q;
      if (st == ModelPath.Status.INVALID) {
        return new Out(parent, m, 0, null, null, null, null, q.invalid + " at: " + move.get(s));
      }
      if (st == ModelPath.Status.VIOLATED) {
        return new Out(parent, m, 0, null, null, q.violation.invariant(), q.violation.detail(), null);
      }
    }
    for (String r : q.resumedLines()) {
      ModelPath.Status st = q.run(r, true, setup);
      if (st == ModelPath.Status.INVALID) {
        return new Out(parent, m, 0, null, null, null, null, q.invalid + " at: " + r);
      }
      if (st == ModelPath.Status.VIOLATED) {
        return new Out(parent, m, 0, null, null, q.violation.invariant(), q.violation.detail(), null);
      }
    }
    return null;
  }

  /**
   * The successors of a stored state (for the restore test): each move's statements, with the
   * successor's encoding by {@code enc}, or {@code !} and the violated invariant, or {@code ?} and
   * what was invalid; the same shape as {@link #successors} gives for the move's part of a path.
   */
  Map<List<String>, String> successorsOf(byte[] stored, ModelEncoder enc) {
    Map<List<String>, String> out = new LinkedHashMap<>();
    List<List<String>> moves = alphabet.moves(restore(stored));
    for (int m = 0; m < moves.size(); m++) {
      ModelPath[] qs = {restore(stored)};
      Out o = step(stored, qs, moves.get(m), 0, m);
      List<String> lines = List.copyOf(qs[0].lines);
      out.put(lines, o == null ? java.util.HexFormat.of().formatHex(enc.encode(qs[0].kernel()))
          : o.invalid != null ? "?" + o.invalid : "!" + o.invariant);
    }
    return out;
  }

  /** The violation kept for an invariant: where it was found; its path is rebuilt at the end. */
  private record Pending(int depth, long parent, int move, String detail) {}

  /** Level-synchronous BFS over stored states (explore/README.md, "The stateful engine"). */
  private final class Stateful {
    final Visited visited = exact ? new Visited.Exact() : new Visited.Fingerprints();
    final Map<String, Pending> pending = new LinkedHashMap<>();
    final ThreadLocal<ModelEncoder> encoders = ThreadLocal.withInitial(() -> new ModelEncoder(bounds.symmetry()));
    /** Partial-order reduction: the successor's own encoding (sleep sets name its fds and threads). */
    final ThreadLocal<ModelEncoder> plainEncoders = ThreadLocal.withInitial(() -> new ModelEncoder(false));

    private List<Out> expand(List<byte[]> parents, long base, List<Set<String>> sleeps) {
      if (por) {
        return expandReduced(parents, base, sleeps);
      }
      ModelEncoder enc = encoders.get();
      List<Out> out = new ArrayList<>();
      for (int j = 0; j < parents.size() && !stop.get(); j++) {
        byte[] stored = parents.get(j);
        ModelPath p = restore(stored);
        List<List<String>> moves = alphabet.moves(p);
        for (int m = 0; m < moves.size() && !stop.get(); m++) {
          ModelPath[] qs = {m == moves.size() - 1 ? p : restore(stored)};
          Out o = step(stored, qs, moves.get(m), base + j, m);
          if (o == null) {
            o = visit(enc, qs[0], base + j, m);
          }
          out.add(o);
        }
      }
      return out;
    }

    /**
     * Expansion with sleep sets (Godefroid 1996): a move asleep in its state is not run; a
     * successor by move m sleeps on the earlier moves i of the same parent that were run, are
     * independent of m ({@link Independence}), and after which m is enabled: the order i, m covers
     * m, i.
     */
    private List<Out> expandReduced(List<byte[]> parents, long base, List<Set<String>> sleeps) {
      ModelEncoder enc = encoders.get();
      List<Out> out = new ArrayList<>();
      for (int j = 0; j < parents.size() && !stop.get(); j++) {
        byte[] stored = parents.get(j);
        ModelPath p = restore(stored);
        List<List<String>> moves = alphabet.moves(p);
        String idle = p.idleThread(bounds.threads());
        int n = moves.size();
        Out[] outs = new Out[n];
        Independence.Footprint[] fps = new Independence.Footprint[n];
        boolean[] busy = new boolean[n];
        ModelPath[] succ = new ModelPath[n];
        String[] keys = new String[n];
        for (int m = 0; m < n && !stop.get(); m++) {
          keys[m] = key(idle, moves.get(m));
          if (sleeps.get(j).contains(keys[m])) {
            outs[m] = asleep(base + j, m);
            continue;
          }
          ModelPath[] qs = {restore(stored)};
          Out o = step(stored, qs, moves.get(m), base + j, m);
          if (o == null) {
            fps[m] = Independence.of(p, moves.get(m));
            busy[m] = !qs[0].unfinished.equals(p.unfinished);
            succ[m] = qs[0];
            o = visit(enc, qs[0], base + j, m);
          }
          outs[m] = o;
        }
        sleepSets(outs, fps, busy, succ, keys);
        out.addAll(java.util.Arrays.asList(outs).subList(0, stop.get() ? 0 : n));
      }
      return out;
    }

    /** A new successor q of parent {@code parent} by move m: fingerprinted, and stored if unseen. */
    private Out visit(ModelEncoder enc, ModelPath q, long parent, int m) {
      byte[] canon = enc.encode(q.kernel());
      long fp = Visited.fingerprint(canon);
      byte[] state = visited.seen(canon, fp) ? null : store(q);
      return new Out(parent, m, fp, exact ? canon : null, state, null, null, null);
    }

    /** Each run successor's sleep set, and its plain fingerprint when the set is not empty. */
    private void sleepSets(Out[] outs, Independence.Footprint[] fps, boolean[] busy, ModelPath[] succ, String[] keys) {
      List<Set<String>> enabled = new ArrayList<>(java.util.Collections.nCopies(outs.length, null));
      for (int m = 0; m < outs.length; m++) {
        if (fps[m] == null) {
          continue;
        }
        Set<String> z = new HashSet<>();
        for (int i = 0; i < m; i++) {
          if (fps[i] == null || !Independence.independent(fps[i], busy[i], fps[m], busy[m])) {
            continue;
          }
          if (enabled.get(i) == null) {
            enabled.set(i, enabledKeys(succ[i]));
          }
          if (enabled.get(i).contains(keys[m])) { // the cover i, m exists
            z.add(keys[i]);
            if (diamonds != null) {
              diamonds.diamond(keys[i], keys[m], after(succ[m], keys[i]), after(succ[i], keys[m]));
            }
          }
        }
        if (!z.isEmpty()) {
          long plain = bounds.symmetry() ? Visited.fingerprint(plainEncoders.get().encode(succ[m].kernel())) : outs[m].fp;
          outs[m] = outs[m].withSleep(Set.copyOf(z), plain);
        }
      }
    }

    /** The encoding of q's successor by the move named {@code key} (a test's diamond check). */
    private String after(ModelPath q, String key) {
      String idle = q.idleThread(bounds.threads());
      for (List<String> mv : alphabet.moves(q)) {
        if (key(idle, mv).equals(key)) {
          byte[] b = codec.encode(q);
          ModelPath[] qs = {restore(b)};
          Out o = step(b, qs, mv, 0, 0);
          if (o == null && dump != null) {
            return dump.apply(qs[0].kernel());
          }
          return o != null ? (o.invalid != null ? "?" + o.invalid : "!" + o.invariant)
              : java.util.HexFormat.of().formatHex(encoders.get().encode(qs[0].kernel()));
        }
      }
      return "no such move";
    }

    private Set<String> enabledKeys(ModelPath q) {
      Set<String> keys = new HashSet<>();
      String idle = q.idleThread(bounds.threads());
      for (List<String> mv : alphabet.moves(q)) {
        keys.add(key(idle, mv));
      }
      return keys;
    }

    CoreExplorer.Stats run() throws java.io.IOException {
      long t0 = System.nanoTime();
      ModelPath root = root();
      byte[] e0 = new ModelEncoder(bounds.symmetry()).encode(root.kernel());
      visited.add(e0, Visited.fingerprint(e0));
      encodedBytes = e0.length;
      StateQueue frontier = new StateQueue(frontierBytes);
      byte[] r0 = store(root);
      frontier.add(r0);
      if (stateListener != null) {
        stateListener.state(0, 0, -1, -1, r0);
      }
      stats.distinct = 1;
      int workers = bounds.workers();
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
        while (frontier.size() > 0 && depth < bounds.depth() && !stop.get() && stats.distinct < stateCap) {
          long tl = System.nanoTime();
          StateQueue next = new StateQueue(frontierBytes);
          List<Set<String>> nextSleep = new ArrayList<>();
          Map<Long, long[]> levelIndex = por ? new java.util.HashMap<>() : null; // fp: index, plain fp
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
              while (more && inflight.size() < workers * 4 && !stop.get()) {
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
                List<Set<String>> zs = por ? sl.subList((int) at, (int) base) : null;
                inflight.add(pool.submit(() -> expand(ps, at, zs)));
              }
              if (inflight.isEmpty()) {
                break;
              }
              for (Out o : await(inflight.poll())) { // chunks in order, each in (parent, move) order
                if (o.pruned) {
                  asleep++;
                  continue;
                }
                if (o.invalid != null) {
                  invalid++;
                  if (firstInvalid == null) {
                    firstInvalid = o.invalid;
                  }
                  continue;
                }
                stats.transitions++;
                if (o.invariant != null) {
                  pending.putIfAbsent(o.invariant, new Pending(depth + 1, o.parent, o.move, o.detail));
                  continue;
                }
                if (visited.add(o.canon, o.fp)) {
                  if (o.state == null) {
                    throw new IllegalStateException("a state the workers saw is new to the visited set");
                  }
                  encodedBytes += o.canon != null ? o.canon.length : 0;
                  try {
                    next.add(o.state);
                  } catch (java.io.IOException e) { // a full disk: stop with what was explored
                    if (diskError == null) {
                      diskError = "the frontier could not be written to disk (" + e.getMessage() + ")";
                    }
                    stop.set(true);
                  }
                  if (stateListener != null) {
                    stateListener.state(depth + 1, index, (int) o.parent, o.move, o.state);
                  }
                  if (por) {
                    nextSleep.add(o.sleep);
                    levelIndex.put(o.fp, new long[] {index, o.plain});
                  }
                  index++;
                  if (nbuf == pbuf.length) {
                    parents.add(pbuf, mbuf, nbuf);
                    nbuf = 0;
                  }
                  pbuf[nbuf] = (int) o.parent;
                  mbuf[nbuf++] = o.move;
                } else if (por) {
                  intersect(nextSleep, levelIndex.get(o.fp), o);
                }
              }
            }
          }
          parents.add(pbuf, mbuf, nbuf);
          frontier.close();
          if (stop.get()) {
            frontier = next;
            stats.interrupted = true;
            break;
          }
          frontier = next;
          sleep = nextSleep;
          depth++;
          long now = System.nanoTime();
          stats.depth = depth;
          stats.distinct = visited.size();
          stats.frontier = next.size();
          stats.visitedBytes = visited.bytes();
          stats.frontierMemory = next.memoryBytes();
          stats.diskBytes = Math.max(stats.diskBytes, next.diskBytes());
          stats.levelNanos = now - tl;
          // the next level expands next.size() parents at this level's cost per parent
          long expanded = base;
          stats.etaNanos = depth < bounds.depth() && expanded > 0 ? (long) ((now - tl) / (double) expanded * next.size()) : 0;
          stats.nanos = now - t0;
          if (stopAtFirstViolation && !pending.isEmpty()) {
            break;
          }
          if (progress != null) {
            progress.level(depth, next.size(), stats);
          }
        }
        stats.exhausted = frontier.size() == 0;
        frontier.close();
        for (Map.Entry<String, Pending> e : pending.entrySet()) {
          Pending v = e.getValue();
          List<String> path = pathLines(parents, v.depth - 1, v.parent);
          ModelPath at = replay(path);
          Succ s = move(path, alphabet.moves(at).get(v.move), 0, new ModelEncoder(false));
          if (s.violation == null || !s.violation.invariant().equals(e.getKey())) {
            throw new IllegalStateException("the counterexample of " + e.getKey() + " does not re-execute to it");
          }
          violations.put(e.getKey(), new Violation(e.getKey(), v.depth, s.lines, v.detail));
        }
      } finally {
        pool.shutdownNow();
        parents.close();
      }
      stats.nanos = System.nanoTime() - t0;
      return stats;
    }

    /**
     * A state reached again within its level: it sleeps only on what every way to it lets sleep.
     * The sets name fds and threads as the concrete state does, so they are intersected only when
     * this way reached the stored state itself (same plain fingerprint), not a renaming of it;
     * otherwise the state sleeps on nothing. A state first reached at an earlier level was
     * expanded there: nothing to do (explore/README.md, "Partial-order reduction").
     */
    private void intersect(List<Set<String>> sleeps, long[] at, Out o) {
      if (at == null) {
        return;
      }
      Set<String> old = sleeps.get((int) at[0]);
      if (old.isEmpty()) {
        return;
      }
      Set<String> both = new HashSet<>(old);
      both.retainAll(o.plain == at[1] ? o.sleep : Set.of());
      sleeps.set((int) at[0], both.isEmpty() ? Set.of() : Set.copyOf(both));
    }

    private List<Out> await(Future<List<Out>> f) {
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
      List<String> lines = List.copyOf(root().lines);
      for (int mi : moves) {
        Succ s = move(lines, alphabet.moves(replay(lines)).get(mi), 0, new ModelEncoder(false));
        lines = List.copyOf(s.lines);
      }
      return lines;
    }
  }

  /** The invariants in report order. */
  public static List<String> invariantIds() {
    List<String> out = new ArrayList<>();
    for (Invariant inv : Invariants.ALL) {
      out.add(inv.id());
    }
    return out;
  }
}
