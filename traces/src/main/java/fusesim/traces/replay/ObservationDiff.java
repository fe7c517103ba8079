package fusesim.traces.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Two runs of one trace compared line by line over a declared set of observables. What a line can
 * show is declared once, in {@link Observable}; each comparison ({@code MainlineEquivalence},
 * {@code SemanticsDiff}, the kernel oracle's {@code Comparison}, the fuzzer's {@code Differential})
 * is an {@code ObservationDiff}: the observables it compares, in the order it reports them, each
 * with the relation that decides "the same" and why that relation (a {@link Rule}). The two runs
 * are the first side (the model, or the "from" semantics) and the second (the kernel, or "to").
 */
public final class ObservationDiff {

  /** What one trace line can show, in a form both the model and a real kernel can give. */
  public enum Observable {
    REFUSED("refused", "the model refused the statement (a TraceError: not modelled under this "
        + "semantics or fault set): the message"),
    RESULT("result", "the statement's result as a trace writes it: the return value or -1 ERRNO "
        + "(the errno), the stat fields {ino=10 size=4096 ...} in trace order, the bytes a read or "
        + "write moved, a mapping's name (m1), `unfinished` for a call that blocked, a backing id"),
    REQUESTS("requests", "the FUSE requests the line caused, in order, OP(nodeid[,\"name\"]"
        + "[,field=value...]): opcode, nodeid, name, and the in-struct fields the sender states "
        + "(flags, offset, size, valid, fh, ...); FORGET(nodeid,nlookup)"),
    VERDICT("verdict", "null when the line met what the trace states (a stated outcome, an "
        + "expect), else what was expected and what was found"),
    INVARIANTS("invariants", "the ids of the invariants broken after the step (their details "
        + "name serials, so they are shown, not compared)"),
    WARNINGS("kernel warnings", "the kernel WARN_ONs the step fired (the model's warnOn)");

    /** The word a report uses for it. */
    public final String word;
    /** What it is, for the README and the review. */
    public final String meaning;

    Observable(String word, String meaning) {
      this.word = word;
      this.meaning = meaning;
    }

    /** This observable's value on {@code s}. */
    public Object of(Step s) {
      switch (this) {
        case REFUSED:
          return s.refused();
        case RESULT:
          return s.result();
        case REQUESTS:
          return s.requests();
        case VERDICT:
          return s.verdict();
        case INVARIANTS:
          return s.invariants();
        default:
          return s.warnings();
      }
    }
  }

  /**
   * What one side showed on one line: every observable, the ones a side cannot give empty (the
   * kernel has no invariants or refusals; the model has no senders).
   *
   * @param senders for each request, the trace thread that sent it ("" another sender), where known
   */
  public record Step(int line, String stmt, String refused, String result, List<String> requests,
      String verdict, List<String> invariants, List<String> warnings, List<String> senders) {
    public Step {
      requests = List.copyOf(requests);
      invariants = List.copyOf(invariants);
      warnings = List.copyOf(warnings);
      senders = List.copyOf(senders);
    }

    /** The observables an {@link Observation} holds: result, requests, verdict. */
    public static Step of(Observation o) {
      return new Step(o.line(), o.stmt(), null, o.result(), o.requests(), o.verdict(), List.of(),
          List.of(), List.of());
    }

    /** The same step with the senders of its requests. */
    public Step withSenders(List<String> s) {
      return new Step(line, stmt, refused, result, requests, verdict, invariants, warnings, s);
    }
  }

  /** When an observable counts as the same on both sides. */
  @FunctionalInterface
  public interface Relation {
    boolean same(Observable o, Step first, Step second);
  }

  /** Equal values. */
  public static final Relation EQUAL = (o, a, b) -> Objects.equals(o.of(a), o.of(b));

  /**
   * The second side (the kernel) sent what the first (the model) sent: {@link Requests#agree}, in
   * order but FORGETs as a multiset, the model's fields but the server-chosen {@code fh}.
   */
  public static final Relation REQUESTS_AGREE = (o, a, b) -> Requests.agree(a.requests(), b.requests());

  /** The second side's own check on the line passed (its verdict is null), whatever the first's. */
  public static final Relation MET_BY_SECOND = (o, a, b) -> b.verdict() == null;

  /** One observable a comparison compares, the relation it uses, and why. */
  public record Rule(Observable observable, Relation relation, String why) {}

  /** A rule. */
  public static Rule rule(Observable o, Relation r, String why) {
    return new Rule(o, r, why);
  }

  /**
   * One line of both runs.
   *
   * @param first the first side's step, null if it did not run the line
   * @param second the second side's step, null if it did not run the line
   * @param differing the observables that differ, in the rules' order (both sides ran the line)
   * @param whySecondMissing why the second side has no step, when it says (not a difference)
   */
  public record Row(int line, String stmt, Step first, Step second, List<Observable> differing,
      String whySecondMissing) {
    public Row {
      differing = List.copyOf(differing);
    }

    /** Both ran the line and an observable differs, or only one ran it without saying why. */
    public boolean differs() {
      if (first == null || second == null) {
        return whySecondMissing == null;
      }
      return !differing.isEmpty();
    }
  }

  private final String name;
  private final List<Rule> rules;

  /** A comparison called {@code name} (for the README and errors) over {@code rules}, in order. */
  public ObservationDiff(String name, List<Rule> rules) {
    this.name = name;
    this.rules = List.copyOf(rules);
  }

  public static ObservationDiff of(String name, Rule... rules) {
    return new ObservationDiff(name, List.of(rules));
  }

  public String name() {
    return name;
  }

  public List<Rule> rules() {
    return rules;
  }

  /** The observables that differ between two steps of the same line, in the rules' order. */
  public List<Observable> differing(Step a, Step b) {
    List<Observable> out = new ArrayList<>();
    for (Rule r : rules) {
      if (!r.relation().same(r.observable(), a, b)) {
        out.add(r.observable());
      }
    }
    return out;
  }

  /** The first observable that differs between two steps, or null. */
  public Observable first(Step a, Step b) {
    List<Observable> d = differing(a, b);
    return d.isEmpty() ? null : d.get(0);
  }

  /** Rows for every line either side ran, in line order. */
  public List<Row> rows(List<Step> a, List<Step> b) {
    return rows(a, b, Map.of());
  }

  /**
   * Rows for every line either side ran, in line order; a line the second side skipped with a
   * reason in {@code skippedBySecond} is not a difference.
   */
  public List<Row> rows(List<Step> a, List<Step> b, Map<Integer, String> skippedBySecond) {
    Map<Integer, Step> la = byLine(a);
    Map<Integer, Step> lb = byLine(b);
    TreeSet<Integer> lines = new TreeSet<>(la.keySet());
    lines.addAll(lb.keySet());
    List<Row> out = new ArrayList<>();
    for (int line : lines) {
      Step x = la.get(line);
      Step y = lb.get(line);
      List<Observable> d = x != null && y != null ? differing(x, y) : List.of();
      String why = y == null ? skippedBySecond.get(line) : null;
      out.add(new Row(line, x != null ? x.stmt() : y.stmt(), x, y, d, why));
    }
    return out;
  }

  /** Steps by line; a line observed twice keeps its last step. */
  public static Map<Integer, Step> byLine(List<Step> steps) {
    Map<Integer, Step> m = new TreeMap<>();
    for (Step s : steps) {
      m.put(s.line(), s);
    }
    return m;
  }

  /** The steps of a run's observations. */
  public static List<Step> steps(List<Observation> obs) {
    List<Step> out = new ArrayList<>();
    for (Observation o : obs) {
      out.add(Step.of(o));
    }
    return out;
  }
}
