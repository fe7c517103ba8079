package fusesim.explore;

import fusesim.model.Kernel;
import fusesim.model.UserThread;
import fusesim.model.fuse.Request;
import fusesim.model.vfs.KFile;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.TraceError;
import fusesim.traces.replay.Observation;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.Setup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A path of the full-model explorer, re-executed from the root on a fresh model (stateless
 * search: the model has no cheap copy, and a step costs about a microsecond): its statements as
 * trace text, the session they ran in, and the bookkeeping the alphabet needs (the current open
 * policy of each file, whether WRITE is held, the calls left unfinished).
 */
public final class ModelPath {
  /** Statement texts parsed once for all workers. */
  private static final Map<String, Stmt> PARSED = new ConcurrentHashMap<>();

  static Stmt stmt(String text) {
    Stmt s = PARSED.get(text);
    if (s == null) {
      s = anyOutcomeIoctl(text);
      if (s == null) {
        s = CoreTrace.parse(List.of(text)).get(0);
      }
      PARSED.put(text, s);
    }
    return s;
  }

  /**
   * The BACKING_OPEN/CLOSE ioctls with the outcome {@code ?} (the trace syntax wants a number;
   * the property engine builds them the same way, and counterexamples get the observed result).
   */
  private static Stmt anyOutcomeIoctl(String text) {
    fusesim.traces.lang.Outcome any = new fusesim.traces.lang.Outcome.Any(fusesim.traces.lang.Pos.NONE);
    if (!text.startsWith("server backing_") || !text.endsWith(" = ?")) {
      return null;
    }
    Stmt s = CoreTrace.parse(List.of(text.substring(0, text.length() - 1) + "0")).get(0);
    if (s instanceof Stmt.BackingOpen o) {
      return new Stmt.BackingOpen(fusesim.traces.lang.Pos.NONE, o.target(), o.params(), any);
    }
    if (s instanceof Stmt.BackingClose c) {
      return new Stmt.BackingClose(fusesim.traces.lang.Pos.NONE, c.id(), any);
    }
    return null;
  }

  /** One String per statement text: the stored paths share their lines (most of a frontier's heap). */
  private static final Map<String, String> LINES = new ConcurrentHashMap<>();

  static String intern(String text) {
    String s = LINES.putIfAbsent(text, text);
    return s == null ? text : s;
  }

  /** How a run of statements ended. */
  public enum Status { OK, VIOLATED, INVALID, BLOCKED }

  final List<String> lines = new ArrayList<>();
  final Session session;
  final Map<String, String> policy = new TreeMap<>();
  /** The server's LOOKUP policy of each path, as its reply text ({@code entry ...}). */
  final Map<String, String> lookup = new TreeMap<>();
  boolean held;
  int ticks;
  /** Thread → its unfinished call's name; thread → the fd its call pins. */
  final TreeMap<String, String> unfinished = new TreeMap<>();
  final TreeMap<String, Long> busyFd = new TreeMap<>();
  Session.Violation violation;
  String invalid;

  public ModelPath(Setup setup) {
    this.session = new Session(setup, false);
  }

  public Kernel kernel() {
    return session.kernel();
  }

  /** Runs one statement; checks the invariants after it when {@code check}. */
  public Status run(String text, boolean check, Setup setup) {
    Stmt s = stmt(text);
    Observation o;
    try {
      o = session.exec(s);
    } catch (TraceError e) {
      invalid = e.getMessage();
      return Status.INVALID;
    } catch (RuntimeException e) {
      invalid = "model exception: " + e;
      return Status.INVALID;
    }
    lines.add(intern(text));
    book(text);
    if (!o.met()) {
      if (s instanceof Stmt.Call) {
        String t = ((Stmt.Call) s).thread().text();
        UserThread u = kernel().threads.get(t);
        if (u != null && u.task != null) {
          return Status.BLOCKED;
        }
      }
      invalid = o.verdict();
      return Status.INVALID;
    }
    if (check) {
      List<fusesim.invariants.Checker.Violation> vs = setup.checker().check(kernel());
      if (!vs.isEmpty()) {
        violation = new Session.Violation(vs.get(0).invariant().id(), vs.get(0).detail(), lines.size() - 1);
        return Status.VIOLATED;
      }
    }
    return Status.OK;
  }

  /** The bookkeeping a statement changes. */
  private void book(String text) {
    if (text.startsWith("server open ")) {
      String rest = text.substring("server open ".length());
      int sp = rest.indexOf(' ');
      policy.put(rest.substring(0, sp), rest.substring(sp + 1));
    } else if (text.startsWith("server lookup ")) {
      String rest = text.substring("server lookup ".length());
      int sp = rest.indexOf(' ');
      lookup.put(rest.substring(0, sp), rest.substring(sp + 1));
    } else if (text.equals("server hold write")) {
      held = true;
    } else if (text.equals("server unhold write")) {
      held = false;
    } else if (text.startsWith("tick")) {
      ticks++;
    } else if (text.endsWith("<unfinished ...>")) {
      String t = text.substring(0, text.indexOf(' '));
      String rest = text.substring(t.length() + 1);
      String call = rest.substring(0, rest.indexOf('('));
      unfinished.put(t, call);
      String args = rest.substring(rest.indexOf('(') + 1);
      if (!args.startsWith("\"")) {
        int end = args.indexOf(',');
        busyFd.put(t, Long.parseLong(args.substring(0, end < 0 ? args.indexOf(' ') : end).trim()));
      }
    } else if (text.contains("<... ")) {
      String t = text.substring(0, text.indexOf(' '));
      unfinished.remove(t);
      busyFd.remove(t);
    }
  }

  /** Threads whose unfinished call has returned: their resumed lines, in name order. */
  List<String> resumedLines() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : unfinished.entrySet()) {
      UserThread u = kernel().threads.get(e.getKey());
      if (u != null && u.task == null) {
        out.add(e.getKey() + " <... " + e.getValue() + " resumed>) = ?");
      }
    }
    return out;
  }

  /** Whether thread t has no call in flight. */
  boolean idle(String t) {
    UserThread u = kernel().threads.get(t);
    return (u == null || u.task == null) && !unfinished.containsKey(t);
  }

  /** The lowest idle thread of T1..Tn, or null. */
  String idleThread(int threads) {
    for (int i = 1; i <= threads; i++) {
      String t = "T" + i;
      UserThread u = kernel().threads.get(t);
      if ((u == null || u.task == null) && !unfinished.containsKey(t)) {
        return t;
      }
    }
    return null;
  }

  /** Threads blocked on a held request, with the request's opcode. */
  Map<String, String> heldRequests() {
    Map<String, String> out = new TreeMap<>();
    for (UserThread u : kernel().threads.values()) {
      if (u.task != null && u.task.waitReq != null && !u.task.waitReq.answered()
          && u.task.waitReq.state == Request.State.HELD) {
        out.put(u.name, u.task.waitReq.opcode.name().toLowerCase());
      }
    }
    return out;
  }

  /** Open fds not pinned by a call in flight, with their struct file. */
  Map<Integer, KFile> freeFds() {
    Map<Integer, KFile> out = new TreeMap<>();
    for (Map.Entry<Integer, KFile> e : kernel().fds.entrySet()) {
      if (!busyFd.containsValue((long) e.getKey())) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }
}
