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
 *
 * <p>That is the old engine ({@code --engine full-stateless}); the default, stateful engine is
 * {@link StatefulSearch}, with partial-order reduction in {@link SleepSets}. This class holds the
 * run's configuration and what both engines share: running a move on a state, storing and
 * restoring a state.
 */
public final class ModelExplorer {
  /** A violation: the invariant, the depth in moves, the statements up to the violating one, and what broke. */
  public record Violation(String invariant, int depth, List<String> lines, String detail) {}

  record Succ(long key, List<String> lines, byte[] enc, Session.Violation violation, String invalid) {}

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

  final Bounds bounds;
  final Setup setup;
  final ModelAlphabet alphabet;
  final CoreExplorer.Progress progress;
  final AtomicBoolean stop = new AtomicBoolean();
  public final CoreExplorer.Stats stats = new CoreExplorer.Stats();
  final Map<String, Violation> violations = new LinkedHashMap<>();
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

  ModelPath replay(List<String> lines) {
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

  Succ move(List<String> parent, List<String> move, long key, ModelEncoder enc) {
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
      return new StatefulSearch(this).run();
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
          List<Succ> part = StatefulSearch.await(f);
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
    return SHARED.get(o.getClass());
  }

  /** {@link #shared} depends on the class alone: decided once per class (the codec asks for every object). */
  private static final ClassValue<Boolean> SHARED = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> c) {
      if (fusesim.model.series.Semantics.class.isAssignableFrom(c) || fusesim.model.Faults.class.isAssignableFrom(c)
          || Setup.class.isAssignableFrom(c) || fusesim.invariants.Checker.class.isAssignableFrom(c)) {
        return true;
      }
      String n = c.getName();
      return n.startsWith("fusesim.invariants.") || n.startsWith("fusesim.traces.lang.");
    }
  };

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

  ModelPath root() {
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
  record Out(long parent, int move, long fp, byte[] canon, byte[] state, String invariant, String detail,
      String invalid, Set<String> sleep, long plain, boolean pruned) {
    Out(long parent, int move, long fp, byte[] canon, byte[] state, String invariant, String detail, String invalid) {
      this(parent, move, fp, canon, state, invariant, detail, invalid, Set.of(), 0, false);
    }

    /** With a sleep set, and the fingerprint of the successor's own (unrenamed) encoding. */
    Out withSleep(Set<String> z, long plainFp) {
      return new Out(parent, move, fp, canon, state, invariant, detail, invalid, z, plainFp, false);
    }
  }


  /**
   * Runs {@code move} on {@code q}, a restored copy of the parent {@code stored}; returns the
   * successor, or null when the move ends in state {@code q} (then {@code q} holds it). A call that
   * blocks is run again on a fresh copy in its {@code <unfinished ...>} form, as the stateless
   * engine does.
   */
  Out step(byte[] stored, ModelPath[] qs, List<String> move, long parent, int m) {
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


  /** The invariants in report order. */
  public static List<String> invariantIds() {
    List<String> out = new ArrayList<>();
    for (Invariant inv : Invariants.ALL) {
      out.add(inv.id());
    }
    return out;
  }
}
