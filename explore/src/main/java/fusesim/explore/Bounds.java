package fusesim.explore;

import fusesim.model.Fault;
import fusesim.model.series.Semantics;
import fusesim.traces.replay.ServerMode;
import java.util.List;
import java.util.Set;

/**
 * What an exploration covers. {@code depth} is in moves (full model) or actions (core);
 * {@code opens} is open fds in the whole process (full model) or open files per inode (core, as
 * MaxOpen of the TLA+ toy spec of the TLC comparison, explore/README.md).
 *
 * @param assumptions the {@code --assume ID=choice} texts as given; the choices themselves are applied to
 *     {@code semantics} (the assumption registry, {@code Semantics.assume})
 */
public record Bounds(Semantics semantics, int depth, int inodes, int backings, int threads, int opens,
    int ticks, ServerMode server, Set<Fault> faults, List<String> assumptions, boolean dio,
    boolean symmetry, int workers) {
  public Bounds {
    faults = Set.copyOf(faults);
    assumptions = List.copyOf(assumptions);
  }

  /**
   * The full engine's default depth: 5 moves, 4 in the FUSE_PASSTHROUGH_INO world of a semantics
   * with the series (its alphabet is about three times wider: depth 5 holds 222,534 states, 15 to
   * 70 s on this shared machine, depth 4 27,669 in 6 to 17 s; explore/README.md).
   */
  public static int fullDepth(Semantics sem) {
    return sem.has(1) ? 4 : 5;
  }

  /** The default bounds of the full-model explorer. */
  public static Bounds fullDefaults(Semantics sem) {
    return new Bounds(sem, fullDepth(sem), 2, 1, 2, 2, 0, ServerMode.WELL_BEHAVED, Set.of(), List.of(), true, true,
        Runtime.getRuntime().availableProcessors());
  }

  /** Checks the bounds; throws IllegalArgumentException with a one-line message naming what was expected. */
  public void validate(boolean core) {
    if (depth < 0) {
      throw new IllegalArgumentException("--depth must be 0 or more, got " + depth);
    }
    if (inodes < 1) {
      throw new IllegalArgumentException("--inodes must be at least 1, got " + inodes);
    }
    if (backings < (core ? 1 : 0)) {
      throw new IllegalArgumentException("--backings must be at least " + (core ? 1 : 0) + ", got " + backings);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
    }
    if (opens < 1) {
      throw new IllegalArgumentException("--opens must be at least 1, got " + opens);
    }
    if (ticks < 0) {
      throw new IllegalArgumentException("--ticks must be 0 or more, got " + ticks);
    }
    if (workers < 1) {
      throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
    }
    if (core) {
      if (semantics.series != Semantics.Series.MAINLINE) {
        throw new IllegalArgumentException("the io-mode core mirrors mainline only; use --engine full for " + semantics);
      }
      if (inodes > 12 || backings > 4 || opens > 7 || threads > 9) {
        throw new IllegalArgumentException("the io-mode core takes --inodes 1..12, --backings 1..4, --opens 1..7, "
            + "--threads 1..9");
      }
      if (!semantics.choices().isEmpty()) {
        throw new IllegalArgumentException("the io-mode core takes no --assume (it mirrors mainline); use --engine full");
      }
      if (server != ServerMode.WELL_BEHAVED) {
        throw new IllegalArgumentException("the io-mode core has a well-behaved server only; use --engine full for "
            + "--server arbitrary");
      }
    } else if (inodes > 6 || backings > 4 || threads > 4 || opens > 8) {
      throw new IllegalArgumentException("the full-model explorer takes --inodes 1..6, --backings 0..4, "
          + "--threads 1..4, --opens 1..8");
    }
  }
}
