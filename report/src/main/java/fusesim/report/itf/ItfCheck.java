package fusesim.report.itf;

import fusesim.model.Fault;
import fusesim.report.itf.Json.Arr;
import fusesim.report.itf.Json.Node;
import fusesim.report.itf.Json.Obj;
import fusesim.report.itf.Json.Str;
import fusesim.traces.lang.TraceError;
import fusesim.traces.lang.TraceFile;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code fusesim replay --itf FILE}: reads an ITF trace written by {@link ItfExport}, replays the
 * trace it carries in {@code #meta} on the model again, and compares every state, variable by
 * variable, as ITF values ({@link Itf#canonical}: a plain JSON integer equals its {@code #bigint},
 * sets and maps in any order). A file that is not JSON, or not an ITF trace of fusesim's, is an
 * {@link ItfError} at its place; a state that differs from the model's is a {@link Difference}.
 */
public final class ItfCheck {
  private ItfCheck() {}

  /** The file is not an ITF trace this checker can read: located message. */
  public static final class ItfError extends RuntimeException {
    ItfError(String file, Node at, String message) {
      super(file + ":" + at.line() + ":" + at.col() + ": " + TraceError.cutQuoted(message));
    }
  }

  /** Most states in a file: a trace of TraceFile.MAX_BYTES has fewer statements (one a line). */
  public static final int MAX_STATES = 1 << 17;

  /** Longest {@code #meta.source}: it names the trace in every message about it. */
  public static final int MAX_SOURCE = 4096;

  /** The first place where the file and the model's replay differ (null fields: none). */
  public record Difference(String message) {}

  /** What was compared. */
  public record Result(String source, int states, Difference difference) {
    public boolean agrees() {
      return difference == null;
    }
  }

  /** Parses and checks {@code text}, the contents of {@code file}. */
  public static Result check(String file, String text) {
    Obj root = obj(file, Json.parse(file, text), "the ITF trace");
    Obj meta = obj(file, member(file, root, "#meta"), "#meta");
    Obj fusesim = obj(file, member(file, meta, "fusesim"), "#meta.fusesim (the trace this ITF file replays)");
    String source = limited(file, member(file, meta, "source"), "#meta.source", MAX_SOURCE);
    String trace = limited(file, member(file, fusesim, "trace"), "#meta.fusesim.trace", TraceFile.MAX_BYTES);
    Set<Fault> faults = faults(file, member(file, fusesim, "faults"));
    checkVars(file, member(file, root, "vars"));
    Arr statesArr = arr(file, member(file, root, "states"), "states");
    List<Node> states = statesArr.items();
    if (states.size() > MAX_STATES) {
      throw new ItfError(file, statesArr, "more than " + MAX_STATES + " states (the limit ItfCheck.MAX_STATES)");
    }
    checkShape(file, states);
    Obj model = ItfExport.export(source, trace, faults);
    List<Node> want = ((Arr) model.get("states")).items();
    return new Result(source, states.size(), compare(file, root, states, want));
  }

  private static Difference compare(String file, Obj root, List<Node> got, List<Node> want) {
    int n = Math.min(got.size(), want.size());
    for (int i = 0; i < n; i++) {
      Obj g = (Obj) got.get(i);
      Obj w = (Obj) want.get(i);
      for (String v : ItfExport.vars()) {
        if (!Itf.canonical(g.get(v)).equals(Itf.canonical(w.get(v)))) {
          Node at = g.get(v);
          return new Difference(file + ":" + at.line() + ":" + at.col() + ": state " + i + " (trace line "
              + Itf.canonical(w.get("line")).substring(1) + ") differs from the model in '" + v + "': the model has "
              + Json.compact(w.get(v)) + ", the file has " + Json.compact(g.get(v)));
        }
      }
    }
    if (got.size() != want.size()) {
      Node at = got.size() > n ? got.get(n) : root.get("states");
      return new Difference(file + ":" + at.line() + ":" + at.col() + ": the file has " + got.size()
          + " states, the model's replay " + want.size());
    }
    return null;
  }

  private static void checkVars(String file, Node vars) {
    List<Node> items = arr(file, vars, "vars").items();
    List<String> want = ItfExport.vars();
    for (int i = 0; i < Math.max(items.size(), want.size()); i++) {
      String got = i < items.size() && items.get(i) instanceof Str s ? s.value() : null;
      if (i >= want.size() || !want.get(i).equals(got)) {
        Node at = i < items.size() ? items.get(i) : vars;
        throw new ItfError(file, at, "vars must be " + want + " (fusesim's ITF variables, in this order)");
      }
    }
  }

  private static void checkShape(String file, List<Node> states) {
    for (int i = 0; i < states.size(); i++) {
      Obj s = obj(file, states.get(i), "state " + i);
      Obj meta = obj(file, member(file, s, "#meta"), "state " + i + "'s #meta");
      Node index = member(file, meta, "index");
      if (!Itf.canonical(index).equals("#" + i)) {
        throw new ItfError(file, index, "state " + i + " has #meta.index " + shown(index));
      }
      for (String v : ItfExport.vars()) {
        member(file, s, v);
      }
      for (String k : s.members().keySet()) {
        if (!k.equals("#meta") && !ItfExport.vars().contains(k)) {
          throw new ItfError(file, s.get(k), "state " + i + " has " + Json.quote(k) + ", which is not in vars");
        }
      }
    }
  }

  private static Set<Fault> faults(String file, Node n) {
    Set<Fault> out = EnumSet.noneOf(Fault.class);
    for (Node f : arr(file, n, "#meta.fusesim.faults").items()) {
      Fault fault = Fault.byId(str(file, f, "a fault"));
      if (fault == null) {
        throw new ItfError(file, f, "unknown fault " + Json.compact(f) + " (fusesim faults lists them)");
      }
      out.add(fault);
    }
    return out;
  }

  /** A string member no longer than {@code max} UTF-8 bytes (the trace's limit is in bytes). */
  private static String limited(String file, Node n, String what, int max) {
    String s = str(file, n, what);
    if (s.length() > max || s.getBytes(StandardCharsets.UTF_8).length > max) {
      throw new ItfError(file, n, what + " is longer than " + max + " bytes, its limit");
    }
    return s;
  }

  /** A value of the file as a message shows it: cut at TraceError.MAX_QUOTED characters. */
  private static String shown(Node n) {
    String s = Json.compact(n);
    return s.length() <= TraceError.MAX_QUOTED ? s : s.substring(0, TraceError.MAX_QUOTED) + "...";
  }

  private static Node member(String file, Obj o, String key) {
    Node n = o.get(key);
    if (n == null) {
      throw new ItfError(file, o, "missing '" + key + "'");
    }
    return n;
  }

  private static Obj obj(String file, Node n, String what) {
    if (n instanceof Obj o) {
      return o;
    }
    throw new ItfError(file, n, what + " must be a JSON object");
  }

  private static Arr arr(String file, Node n, String what) {
    if (n instanceof Arr a) {
      return a;
    }
    throw new ItfError(file, n, what + " must be a JSON array");
  }

  private static String str(String file, Node n, String what) {
    if (n instanceof Str s) {
      return s.value();
    }
    throw new ItfError(file, n, what + " must be a JSON string");
  }
}
