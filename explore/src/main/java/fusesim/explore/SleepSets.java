package fusesim.explore;

import fusesim.explore.ModelExplorer.Out;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The stateful engine's partial-order reduction by sleep sets ({@code --por}; explore/README.md,
 * "Partial-order reduction"): which moves of a state are asleep and not run, the sleep set each
 * successor inherits from the moves of its parent that commute with its own ({@link Independence}),
 * and the intersection of the sets of the ways a level reaches one state.
 */
final class SleepSets {
  private final ModelExplorer x;
  private final StatefulSearch search;
  /** The successor's own encoding (sleep sets name its fds and threads). */
  private final ThreadLocal<ModelEncoder> plainEncoders = ThreadLocal.withInitial(() -> new ModelEncoder(false));

  SleepSets(ModelExplorer x, StatefulSearch search) {
    this.x = x;
    this.search = search;
  }

  /** A move asleep in its parent (partial-order reduction): not run. */
  static Out asleep(long parent, int m) {
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
   * Expansion with sleep sets (Godefroid 1996): a move asleep in its state is not run; a
   * successor by move m sleeps on the earlier moves i of the same parent that were run, are
   * independent of m ({@link Independence}), and after which m is enabled: the order i, m covers
   * m, i.
   */
  List<Out> expand(List<byte[]> parents, long base, List<Set<String>> sleeps) {
    ModelEncoder enc = search.encoders.get();
    List<Out> out = new ArrayList<>();
    for (int j = 0; j < parents.size() && !x.stop.get(); j++) {
      byte[] stored = parents.get(j);
      ModelPath p = x.restore(stored);
      List<List<String>> moves = x.alphabet.moves(p);
      String idle = p.idleThread(x.bounds.threads());
      int n = moves.size();
      Out[] outs = new Out[n];
      Independence.Footprint[] fps = new Independence.Footprint[n];
      boolean[] busy = new boolean[n];
      ModelPath[] succ = new ModelPath[n];
      String[] keys = new String[n];
      for (int m = 0; m < n && !x.stop.get(); m++) {
        keys[m] = key(idle, moves.get(m));
        if (sleeps.get(j).contains(keys[m])) {
          outs[m] = asleep(base + j, m);
          continue;
        }
        ModelPath[] qs = {x.restore(stored)};
        Out o = x.step(stored, qs, moves.get(m), base + j, m);
        if (o == null) {
          fps[m] = Independence.of(p, moves.get(m));
          busy[m] = !qs[0].unfinished.equals(p.unfinished);
          succ[m] = qs[0];
          o = search.visit(enc, qs[0], base + j, m);
        }
        outs[m] = o;
      }
      sleepSets(outs, fps, busy, succ, keys);
      out.addAll(java.util.Arrays.asList(outs).subList(0, x.stop.get() ? 0 : n));
    }
    return out;
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
          if (x.diamonds != null) {
            x.diamonds.diamond(keys[i], keys[m], after(succ[m], keys[i]), after(succ[i], keys[m]));
          }
        }
      }
      if (!z.isEmpty()) {
        long plain = x.bounds.symmetry() ? plainEncoders.get().fingerprint(succ[m].kernel()) : outs[m].fp();
        outs[m] = outs[m].withSleep(Set.copyOf(z), plain);
      }
    }
  }

  /** The encoding of q's successor by the move named {@code key} (a test's diamond check). */
  private String after(ModelPath q, String key) {
    String idle = q.idleThread(x.bounds.threads());
    for (List<String> mv : x.alphabet.moves(q)) {
      if (key(idle, mv).equals(key)) {
        byte[] b = x.codec.encode(q);
        ModelPath[] qs = {x.restore(b)};
        Out o = x.step(b, qs, mv, 0, 0);
        if (o == null && x.dump != null) {
          return x.dump.apply(qs[0].kernel());
        }
        return o != null ? (o.invalid() != null ? "?" + o.invalid() : "!" + o.invariant())
            : java.util.HexFormat.of().formatHex(search.encoders.get().encode(qs[0].kernel()));
      }
    }
    return "no such move";
  }

  private Set<String> enabledKeys(ModelPath q) {
    Set<String> keys = new HashSet<>();
    String idle = q.idleThread(x.bounds.threads());
    for (List<String> mv : x.alphabet.moves(q)) {
      keys.add(key(idle, mv));
    }
    return keys;
  }

  /**
   * A state reached again within its level: it sleeps only on what every way to it lets sleep.
   * The sets name fds and threads as the concrete state does, so they are intersected only when
   * this way reached the stored state itself (same plain fingerprint), not a renaming of it;
   * otherwise the state sleeps on nothing. A state first reached at an earlier level was
   * expanded there: nothing to do (explore/README.md, "Partial-order reduction").
   */
  static void intersect(List<Set<String>> sleeps, long[] at, Out o) {
    if (at == null) {
      return;
    }
    Set<String> old = sleeps.get((int) at[0]);
    if (old.isEmpty()) {
      return;
    }
    Set<String> both = new HashSet<>(old);
    both.retainAll(o.plain() == at[1] ? o.sleep() : Set.of());
    sleeps.set((int) at[0], both.isEmpty() ? Set.of() : Set.copyOf(both));
  }
}
