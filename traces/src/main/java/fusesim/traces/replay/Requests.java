package fusesim.traces.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How two lists of observed FUSE requests are compared: requests in order, FORGETs as a multiset,
 * and of each request's in-struct fields ({@code ,name=value} after the positional arguments) only
 * those the first list states.
 *
 * <p>The kernel queues FORGETs on their own list (fuse_queue_forget → fiq->forget_list_head), not
 * among the requests, and fuse_dev_do_read() interleaves the two lists; so a FORGET queued before
 * a request may reach the daemon after it (seen on 6.18.44: revalidation's FORGET(11,1) arrived
 * after the LOOKUP that followed it). Where in the stream a FORGET lands is therefore not an
 * observable of the kernel's semantics; which FORGETs were sent is.
 *
 * <p>Fields: {@code want} is what a trace expects ({@code expect requests}, which states some
 * fields) or what the model sent (the fields its sending sites set); {@code got} what was observed
 * (the model, or the kernel oracle, which decodes every stateable field from the wire). A field of
 * {@code want} must be in {@code got} with the same value; a field only in {@code got} is not
 * compared, so a trace that states no field means what it meant before fields existed.
 */
public final class Requests {
  private Requests() {}

  /**
   * Fields not compared between the model and the kernel oracle ({@link #agree}): {@code fh} is
   * the server's choice, and the two servers choose differently unless a trace says
   * ({@code server open /a fh=3}): the model's numbers its opens 1, 2, ..., the oracle's answers
   * with its lower fd. An {@code expect requests} that states {@code fh} compares it on both.
   */
  private static final java.util.Set<String> SERVER_CHOSEN = java.util.Set.of("fh");

  /** The observed requests {@code got} are what a trace expects, {@code want}. */
  public static boolean matches(List<String> want, List<String> got) {
    return matches(want, got, false);
  }

  /** The kernel sent what the model sent: the model's fields but {@code fh}, in the kernel's requests. */
  public static boolean agree(List<String> model, List<String> kernel) {
    return matches(model, kernel, true);
  }

  private static boolean matches(List<String> want, List<String> got, boolean acrossServers) {
    List<String> w = without(want, true);
    List<String> g = without(got, true);
    if (w.size() != g.size()) {
      return false;
    }
    for (int i = 0; i < w.size(); i++) {
      if (!covers(w.get(i), g.get(i), acrossServers)) {
        return false;
      }
    }
    return sorted(without(want, false)).equals(sorted(without(got, false)));
  }

  /** Whether {@code got} is the request {@code want}, with at least {@code want}'s fields, equal. */
  public static boolean covers(String want, String got) {
    return covers(want, got, false);
  }

  /** {@link #covers} between the model ({@code want}) and the kernel, {@code fh} left out. */
  public static boolean coversAcrossServers(String model, String kernel) {
    return covers(model, kernel, true);
  }

  private static boolean covers(String want, String got, boolean acrossServers) {
    if (want.equals(got)) {
      return true;
    }
    Parsed w = parse(want);
    Parsed g = parse(got);
    if (!w.base.equals(g.base)) {
      return false;
    }
    for (Map.Entry<String, String> e : w.fields.entrySet()) {
      if (acrossServers && SERVER_CHOSEN.contains(e.getKey())) {
        continue;
      }
      if (!e.getValue().equals(g.fields.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Where the model's and the kernel's requests are the same requests but disagree in a field:
   * {@code SETATTR.valid model=MODE kernel=MODE|KILL_SUIDGID}, one entry per field, for the
   * requests paired in order (FORGETs have no fields); empty if the bases differ too.
   */
  public static List<String> fieldDifferences(List<String> model, List<String> kernel) {
    List<String> m = without(model, true);
    List<String> k = without(kernel, true);
    List<String> out = new ArrayList<>();
    if (m.size() != k.size()) {
      return out;
    }
    for (int i = 0; i < m.size(); i++) {
      Parsed pm = parse(m.get(i));
      Parsed pk = parse(k.get(i));
      if (!pm.base.equals(pk.base)) {
        return new ArrayList<>();
      }
      String op = pm.base.substring(0, Math.max(0, pm.base.indexOf('(')));
      for (Map.Entry<String, String> e : pm.fields.entrySet()) {
        String kv = pk.fields.get(e.getKey());
        if (!SERVER_CHOSEN.contains(e.getKey()) && !e.getValue().equals(kv)) {
          out.add(op + "." + e.getKey() + " model=" + e.getValue() + " kernel=" + (kv == null ? "none" : kv));
        }
      }
    }
    return out;
  }

  /** The request without its fields: {@code OPEN(10)} for {@code OPEN(10,flags=O_RDONLY)}. */
  public static String base(String request) {
    return parse(request).base;
  }

  private record Parsed(String base, Map<String, String> fields) {}

  /**
   * Splits {@code OP(a,"b",k=v,...)} into the base {@code OP(a,"b")} and the fields; a field is a
   * top-level argument {@code word=...} (never a quoted string).
   */
  private static Parsed parse(String r) {
    int open = r.indexOf('(');
    if (open < 0 || !r.endsWith(")")) {
      return new Parsed(r, Map.of());
    }
    List<String> args = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = open + 1; i < r.length() - 1; i++) {
      char ch = r.charAt(i);
      if (quoted) {
        cur.append(ch);
        if (ch == '\\' && i + 1 < r.length() - 1) {
          cur.append(r.charAt(++i));
        } else if (ch == '"') {
          quoted = false;
        }
      } else if (ch == '"') {
        quoted = true;
        cur.append(ch);
      } else if (ch == ',') {
        args.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    args.add(cur.toString());
    StringBuilder base = new StringBuilder(r.substring(0, open + 1));
    Map<String, String> fields = new LinkedHashMap<>();
    boolean first = true;
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq > 0 && !a.startsWith("\"") && a.substring(0, eq).matches("[a-z_]+")) {
        fields.put(a.substring(0, eq), a.substring(eq + 1));
      } else {
        base.append(first ? "" : ",").append(a);
        first = false;
      }
    }
    return new Parsed(base.append(')').toString(), fields);
  }

  private static List<String> without(List<String> rs, boolean dropForgets) {
    List<String> out = new ArrayList<>();
    for (String r : rs) {
      if (r.startsWith("FORGET(") != dropForgets) {
        out.add(r);
      }
    }
    return out;
  }

  private static List<String> sorted(List<String> rs) {
    List<String> out = new ArrayList<>(rs);
    out.sort(null);
    return out;
  }
}
