package fusesim.model.series;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

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

  /**
   * v1's behaviours, named by the v2 patch that carries the same behaviour (INF: v1's patches
   * 02-16 were not seen; the v2 cover letter lists the changes since v1). v1 attaches at LOOKUP only (its server sends entry2 for
   * LOOKUP only) and has no creation attach (14, 15), no backing_id=0 inheritance (16) and no
   * backing-inode helpers or suid/sgid rework (17, 18, 20); its setattr passthrough (19) applies
   * the change to the backing without copying attributes back. It adds the kernel-initiated open.
   */
  static final Set<Integer> V1_AS_V2 = Set.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 19);

  public final Series series;
  /** Number of applied patches of the series (0 for mainline). */
  public final int applied;
  /** Choices for the {@link Assumption} registry that differ from the default, by id. */
  private final TreeMap<String, String> choices;

  private Semantics(Series series, int applied) {
    this(series, applied, new TreeMap<>());
  }

  private Semantics(Series series, int applied, TreeMap<String, String> choices) {
    this.series = series;
    this.applied = applied;
    this.choices = choices;
  }

  /** The same semantics with {@code a} answered {@code choice}. */
  public Semantics assume(Assumption a, String choice) {
    if (!a.hasChoice(choice)) {
      throw new IllegalArgumentException(a.id() + " has no choice '" + choice + "'");
    }
    TreeMap<String, String> c = new TreeMap<>(choices);
    if (choice.equals(a.defaultChoice())) {
      c.remove(a.id());
    } else {
      c.put(a.id(), choice);
    }
    return new Semantics(series, applied, c);
  }

  /**
   * Applies {@code ID=CHOICE} texts (trace {@code assume:} lines, {@code --assume}); the
   * exception's message says what was expected.
   */
  public Semantics assume(Iterable<String> texts) {
    Semantics s = this;
    for (String t : texts) {
      int eq = t.indexOf('=');
      String id = eq < 0 ? t : t.substring(0, eq);
      Assumption a = Assumption.byId(id).orElseThrow(() -> new IllegalArgumentException(
          "unknown assumption '" + id + "' (known: A1..A" + Assumption.ALL.size() + ")"));
      if (eq < 0) {
        throw new IllegalArgumentException("expected " + id + "=CHOICE, one of " + choiceNames(a));
      }
      String choice = t.substring(eq + 1);
      if (!a.hasChoice(choice)) {
        throw new IllegalArgumentException(id + " (" + a.key() + ") has no choice '" + choice
            + "'; expected one of " + choiceNames(a));
      }
      s = s.assume(a, choice);
    }
    return s;
  }

  private static String choiceNames(Assumption a) {
    return String.join(", ", a.choices().stream().map(Assumption.Choice::name).toList());
  }

  /** The choice in force for {@code a}. */
  public String choice(Assumption a) {
    return choices.getOrDefault(a.id(), a.defaultChoice());
  }

  /** Whether {@code a} is answered {@code choice}; a choice the registry lacks is an error. */
  public boolean is(Assumption a, String choice) {
    if (!a.hasChoice(choice)) {
      throw new IllegalStateException(a.id() + " has no choice '" + choice + "'");
    }
    return choice(a).equals(choice);
  }

  /** The non-default choices, by id (empty = every default). */
  public Map<String, String> choices() {
    return Collections.unmodifiableMap(choices);
  }

  /** v1's kernel-initiated open (FUSE_PASSTHROUGH_OP_OPEN): v1 only. */
  public boolean kernelOpen() {
    return series == Series.V1;
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
    if (series == Series.V1) {
      return V1_AS_V2.contains(n);
    }
    return series != Series.MAINLINE && n <= applied;
  }

  /** The series plus the non-default choices, e.g. {@code v2 A5=degrade}. */
  public String describe() {
    StringBuilder b = new StringBuilder(toString());
    choices.forEach((id, c) -> b.append(' ').append(id).append('=').append(c));
    return b.toString();
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
        && ((Semantics) o).applied == applied
        && ((Semantics) o).choices.equals(choices);
  }

  @Override
  public int hashCode() {
    return Objects.hash(series, applied, choices);
  }
}
