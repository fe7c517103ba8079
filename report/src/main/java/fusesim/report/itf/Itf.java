package fusesim.report.itf;

import fusesim.report.itf.Json.Arr;
import fusesim.report.itf.Json.Node;
import fusesim.report.itf.Json.Obj;
import fusesim.report.itf.Json.Str;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ITF values (the Informal Trace Format of Apalache and Quint, apalache-mc.org/docs/adr/015adr-trace.html):
 * integers as {@code {"#bigint":"N"}}, sets as {@code {"#set":[...]}}, maps as
 * {@code {"#map":[[k,v],...]}}, records as objects, lists as arrays, strings and booleans as JSON's.
 * Builders for the exporter, and {@link #canonical} for comparing two values as ITF means them
 * (a plain JSON integer equals its {@code #bigint}; set elements and map entries in any order).
 */
public final class Itf {
  private Itf() {}

  public static Obj bigint(long n) {
    return record(Map.of("#bigint", new Str(Long.toString(n))));
  }

  public static Json.Bool bool(boolean b) {
    return new Json.Bool(b);
  }

  public static Str str(String s) {
    return new Str(s);
  }

  public static Arr list(List<? extends Node> items) {
    return new Arr(new ArrayList<>(items));
  }

  /** A set: elements written in canonical order, so the file is the same on every run. */
  public static Obj set(List<? extends Node> items) {
    List<Node> sorted = new ArrayList<>(items);
    sorted.sort((a, b) -> canonical(a).compareTo(canonical(b)));
    return record(Map.of("#set", new Arr(sorted)));
  }

  /** A map, entries in the given (deterministic) order. */
  public static Obj map(Map<? extends Node, ? extends Node> m) {
    List<Node> pairs = new ArrayList<>();
    m.forEach((k, v) -> pairs.add(new Arr(List.of(k, v))));
    return record(Map.of("#map", new Arr(pairs)));
  }

  /** A record: the fields in the order given. */
  public static Obj record(Map<String, ? extends Node> fields) {
    return new Obj(new LinkedHashMap<>(fields));
  }

  /** An ordered record builder. */
  public static final class Rec {
    private final LinkedHashMap<String, Node> m = new LinkedHashMap<>();

    public Rec put(String k, Node v) {
      m.put(k, v);
      return this;
    }

    public Rec put(String k, long v) {
      return put(k, bigint(v));
    }

    public Rec put(String k, boolean v) {
      return put(k, bool(v));
    }

    public Rec put(String k, String v) {
      return put(k, str(v));
    }

    public Obj build() {
      return new Obj(m);
    }
  }

  /**
   * The value as ITF means it, as one string: integers normalised to their decimal value,
   * set elements and map entries sorted, record fields sorted. Two values are the same ITF value
   * exactly when their canonical strings are equal. A JSON number that is not an integer has no
   * ITF meaning and is kept as written (it then equals only itself), as is a {@code #bigint} longer
   * than {@link Json#MAX_NUMBER} characters.
   */
  public static String canonical(Node n) {
    if (n instanceof Json.Num x) {
      return intText(x.text());
    }
    if (n instanceof Arr a) {
      List<String> items = new ArrayList<>();
      a.items().forEach(x -> items.add(canonical(x)));
      return "[" + String.join(",", items) + "]";
    }
    if (n instanceof Obj o) {
      return canonicalObj(o);
    }
    return Json.compact(n);
  }

  private static String canonicalObj(Obj o) {
    if (o.members().size() == 1 && o.get("#bigint") instanceof Str s) {
      return intText(s.value());
    }
    if (o.members().size() == 1 && (o.get("#set") instanceof Arr a)) {
      List<String> items = new ArrayList<>();
      a.items().forEach(x -> items.add(canonical(x)));
      items.sort(null);
      return "{#set:[" + String.join(",", items) + "]}";
    }
    if (o.members().size() == 1 && (o.get("#map") instanceof Arr a)) {
      List<String> items = new ArrayList<>();
      a.items().forEach(x -> items.add(canonical(x)));
      items.sort(null);
      return "{#map:[" + String.join(",", items) + "]}";
    }
    List<String> fields = new ArrayList<>();
    o.members().forEach((k, v) -> fields.add(Json.quote(k) + ":" + canonical(v)));
    fields.sort(null);
    return "{" + String.join(",", fields) + "}";
  }

  private static String intText(String t) {
    if (t.length() > Json.MAX_NUMBER) {
      return t; // a #bigint string is not limited by the reader: no quadratic parse of a huge one
    }
    try {
      return "#" + new BigInteger(t);
    } catch (NumberFormatException e) {
      return t;
    }
  }
}
