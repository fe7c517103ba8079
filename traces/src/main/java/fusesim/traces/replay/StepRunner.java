package fusesim.traces.replay;

import fusesim.model.Bytes;
import fusesim.model.vfs.Dentry;
import fusesim.model.Faults;
import fusesim.model.fuse.FuseBacking;
import fusesim.model.fuse.FuseInode;
import fusesim.model.Kernel;
import fusesim.model.vfs.KFile;
import fusesim.model.Lower;
import fusesim.model.NotModelled;
import fusesim.model.fuse.Request;
import fusesim.model.SysResult;
import fusesim.model.UserThread;
import fusesim.model.vfs.SyscallTable;
import fusesim.traces.lang.ArgKind;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.Outcome;
import fusesim.traces.lang.Pos;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.TracePrinter;
import fusesim.traces.lang.TraceSemanticError;
import fusesim.traces.lang.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Executes trace statements on the model, one at a time, and says what each produced
 * ({@link Observation}). Used by replay and by the property engine, so a generated sequence and
 * its counterexample trace run through the same code.
 *
 * <p>A statement that is meaningless (an fd the trace never opened, a reply to a request that is
 * not pending, a resumed call that was never unfinished) is a {@link TraceSemanticError}; a
 * statement asking for behaviour the model does not cover is a {@link NotModelled}.
 */
public final class StepRunner {
  private final String file;
  private final Kernel k;
  private final Set<Long> fdsSeen = new HashSet<>();
  private final Set<String> mapsSeen = new HashSet<>();
  /**
   * The calls in flight, by thread: each started by an {@code <unfinished ...>} line (or accepted
   * as blocked, {@link #run}) and not yet resumed. The one record of the rule "a blocked call is
   * written {@code <unfinished ...>} and resumed later" on the model: sessions and the generator
   * read it instead of pairing lines themselves.
   */
  private final Map<String, Stmt.Unfinished> inFlight = new java.util.TreeMap<>();
  /** {@link #run}: a call stated {@code = ?} that blocks is accepted as unfinished. */
  private boolean acceptBlocked;
  /** The statement as recorded: the Unfinished a blocked {@code = ?} call became, else null. */
  private Stmt.Unfinished recordedAs;
  private int requestMark;
  private int expectMark;

  private final World world;

  public StepRunner(String file, Kernel k) {
    this.file = file;
    this.k = k;
    this.world = new World(file, k, this);
  }

  public static Kernel newKernel(fusesim.traces.lang.Header h, Faults faults) {
    return newKernel("<trace>", h, faults);
  }

  /** A model for the trace's semantics and {@code assume:} choices. */
  public static Kernel newKernel(String file, fusesim.traces.lang.Header h, Faults faults) {
    return new Kernel(semantics(file, h), faults);
  }

  /** The semantics a trace asks for: its header plus its {@code assume:} lines. */
  public static fusesim.model.series.Semantics semantics(String file, fusesim.traces.lang.Header h) {
    return ToModel.semantics(file, h);
  }

  public Kernel kernel() {
    return k;
  }

  /** A statement as the trace records it once run, and what it gave. */
  public record Step(Stmt stmt, Observation observation) {}

  /**
   * Runs {@code s}, accepting a call whose outcome is not yet known: a {@code Call} stated
   * {@code = ?} that blocks is recorded as blocked, {@link Step#stmt()} is then its
   * {@code <unfinished ...>} line and the observation is that line's (so a generator need not
   * rewrite the call and re-run its prefix). Anything else is {@link #execute}.
   */
  public Step run(Stmt s) {
    acceptBlocked = true;
    recordedAs = null;
    try {
      Observation o = execute(s);
      return recordedAs == null ? new Step(s, o) : new Step(recordedAs, new Observation(o.line(),
          TracePrinter.print(recordedAs), o.result(), o.requests(), o.verdict()));
    } finally {
      acceptBlocked = false;
    }
  }

  /** The calls in flight by thread (started unfinished, not yet resumed), in thread order. */
  public Map<String, Stmt.Unfinished> inFlight() {
    return java.util.Collections.unmodifiableMap(inFlight);
  }

  /** Runs one statement; the observation's verdict says whether it met what it states. */
  public Observation execute(Stmt s) {
    ModelLimits.check(file, s);
    requestMark = k.log.size();
    k.ghostRead = null; // READ-RESULT and COHERENCE judge the read that returned in this step
    k.ghostWrite = null; // PT-WRITE-RESULT judges the passthrough write that returned in this step
    StepOutcome out;
    try {
      out = s.accept(world);
      assert fusesim.model.ModelAssert.holds(k); // the model's own bookkeeping, between steps (-ea)
    } catch (AssertionError e) { // from ModelAssert or an assert in model code: a model bug, located
      throw ModelError.at(file, s.pos(), e);
    } catch (NotModelled e) {
      throw TraceSemanticError.at(file, s.pos(), e.getMessage());
    } catch (IllegalArgumentException e) {
      throw TraceSemanticError.at(file, s.pos(), e.getMessage());
    }
    List<String> reqs = new ArrayList<>();
    for (Request r : k.log.subList(requestMark, k.log.size())) {
      reqs.add(r.observable());
    }
    return new Observation(s.line(), TracePrinter.print(s), out.result(), reqs, out.verdict());
  }

  void markExpected() {
    expectMark = k.log.size();
  }

  int expectMark() {
    return expectMark;
  }

  // ---- thread steps --------------------------------------------------------------------------

  /** Starts the thread's call; the thread must not be in a call. */
  private UserThread start(Stmt.ThreadStep s, List<Value> args) {
    UserThread t = thread(s.thread().text());
    if (t.task != null) {
      throw TraceSemanticError.at(file, s.thread().pos(), t.name + " is still blocked in "
          + t.task.name() + "(); write its <... " + t.task.name() + " resumed> line first");
    }
    k.start(SyscallTable.make(t, s.syscall().word(), modelArgs(s, args)));
    return t;
  }

  StepOutcome call(Stmt.Call c) {
    UserThread t = start(c, c.args());
    if (t.task != null && acceptBlocked && c.outcome() instanceof Outcome.Any) {
      recordedAs = new Stmt.Unfinished(c.pos(), c.thread(), c.syscall(), c.args());
      inFlight.put(t.name, recordedAs);
      return StepOutcome.met("unfinished");
    }
    if (t.task != null) {
      return StepOutcome.unmet("unfinished", c.syscall().word() + "() blocked waiting for "
          + waitingFor(t) + "; write it as <unfinished ...>");
    }
    return outcome(c.outcome(), c.checks(), t.lastResult);
  }

  StepOutcome unfinished(Stmt.Unfinished u) {
    UserThread t = start(u, u.args());
    String call = u.syscall().word();
    if (t.task == null) {
      String result = display(t.lastResult, List.of());
      return StepOutcome.unmet(result, call + "() did not block: it returned " + result);
    }
    inFlight.put(t.name, u);
    return StepOutcome.met("unfinished");
  }

  StepOutcome resumed(Stmt.Resumed s) {
    UserThread t = thread(s.thread().text());
    String call = s.syscall().word();
    String started = inFlight.containsKey(t.name) ? inFlight.get(t.name).syscall().word() : null;
    if (started == null || !started.equals(call)) {
      throw TraceSemanticError.at(file, s.pos(), t.name
          + (started == null ? " has no unfinished call to resume" : " is in " + started + "(), not " + call + "()"));
    }
    if (t.task != null) {
      return StepOutcome.unmet("unfinished", call + "() is still blocked waiting for " + waitingFor(t));
    }
    inFlight.remove(t.name);
    return outcome(s.outcome(), s.checks(), t.lastResult);
  }

  private String waitingFor(UserThread t) {
    if (t.task.waitReq != null) {
      return "the server's reply to " + t.task.waitReq.observable();
    }
    return t.task.sleepOn == null ? "nothing" : t.task.sleepOn.kind().name().toLowerCase();
  }

  UserThread thread(String name) {
    UserThread t = k.threads.get(name);
    return t != null ? t : k.addThread(name, 0, 0);
  }

  /** The call's arguments for the model, checking fds and mappings against what the trace made. */
  private List<Object> modelArgs(Stmt.ThreadStep s, List<Value> args) {
    List<ArgKind> kinds = s.syscall().args();
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      Value v = args.get(i);
      ArgKind kind = kinds.get(i);
      if (kind == ArgKind.FD && v instanceof Value.Int) {
        long fd = ((Value.Int) v).value();
        if (fd >= 0 && !fdsSeen.contains(fd)) {
          throw TraceSemanticError.at(file, v.pos(), "fd " + fd + " was never opened by this trace");
        }
      }
      if (kind == ArgKind.MAP) {
        String m = v instanceof Value.Sym ? ((Value.Sym) v).name() : String.valueOf(v);
        if (!mapsSeen.contains(m)) {
          throw TraceSemanticError.at(file, v.pos(), "mapping " + m + " was never made by this trace");
        }
        out.add(m);
        continue;
      }
      out.add(v instanceof Value.Str ? ((Value.Str) v).value() : (Object) ToModel.number(v));
    }
    return out;
  }

  /** Compares a finished call's result (and checked fields) with the trace's outcome. */
  private StepOutcome outcome(Outcome o, List<Item> checks, SysResult r) {
    String result = display(r, checks);
    if (r.mapping() != null) {
      mapsSeen.add(r.mapping());
    } else if (r.value() >= 0 && r.fields().isEmpty() && r.names().isEmpty()) {
      fdsSeen.add(r.value());
    }
    String verdict = verdict(o, checks, r);
    return verdict == null ? StepOutcome.met(result) : StepOutcome.unmet(result, verdict);
  }

  private static String verdict(Outcome o, List<Item> checks, SysResult r) {
    if (o instanceof Outcome.Any) {
      return null;
    }
    boolean ok;
    if (o instanceof Outcome.Returns) {
      ok = r.mapping() == null && r.value() == ((Outcome.Returns) o).value().value();
    } else if (o instanceof Outcome.Fails) {
      ok = r.value() == -((Outcome.Fails) o).errno().errno().number();
    } else {
      ok = ((Outcome.Maps) o).mapping().equals(r.mapping());
    }
    if (!ok) {
      return "expected = " + expectedText(o) + ", found = " + displayPlain(r);
    }
    if (o instanceof Outcome.Returns ret && ret.data() != null && r.data() != null
        && !ret.data().bytes().equals(r.data().latin1())) {
      return "expected the bytes " + Bytes.of(ret.data().bytes()) + ", found " + r.data();
    }
    return checkFields(checks, r);
  }

  private static String checkFields(List<Item> checks, SysResult r) {
    for (Item c : checks) {
      if (c.value() instanceof Value.Names) {
        List<String> want = ((Value.Names) c.value()).names();
        if (!want.equals(r.names())) {
          return "expected names=" + String.join(",", want) + ", found names=" + String.join(",", r.names());
        }
        continue;
      }
      Long got = r.fields().get(c.key());
      long want = ToModel.number(c.value());
      if (got == null || got != want) {
        return "expected " + c.key() + "=" + TracePrinter.value(c.value(), ",") + ", found "
            + c.key() + "=" + (got == null ? "nothing" : fieldText(c.key(), got));
      }
    }
    return null;
  }

  static String fieldText(String key, long v) {
    return key.equals("mode") ? "0" + Long.toOctalString(v) : Long.toString(v);
  }

  private static String expectedText(Outcome o) {
    return TracePrinter.outcome(o);
  }

  /** "3", "-1 EIO", "m1", "0 {ino=10 size=4096}" (the checked fields, or the stat basics). */
  static String display(SysResult r, List<Item> checks) {
    String base = displayPlain(r);
    if (!r.names().isEmpty()) {
      return base + " {names=" + String.join(",", r.names()) + "}";
    }
    if (r.fields().isEmpty()) {
      return base;
    }
    List<String> keys = new ArrayList<>();
    for (Item c : checks) {
      keys.add(c.key());
    }
    if (keys.isEmpty()) {
      keys = List.of("ino", "size", "mode", "nlink", "uid", "gid");
    }
    StringBuilder sb = new StringBuilder(base).append(" {");
    for (String key : keys) {
      Long v = r.fields().get(key);
      if (v != null) {
        sb.append(sb.charAt(sb.length() - 1) == '{' ? "" : " ").append(key).append('=').append(fieldText(key, v));
      }
    }
    return sb.append('}').toString();
  }

  static String displayPlain(SysResult r) {
    if (r.mapping() != null) {
      return r.mapping();
    }
    return r.value() < 0 ? "-1 " + ToModel.errnoName((int) r.value()) : Long.toString(r.value());
  }

  /** A lower node by trace path, or a semantic error at {@code pos}. */
  static Lower.Node lowerNode(String file, Kernel k, String path, Pos pos) {
    Lower.Node n = k.lower.resolve(path);
    if (n == null) {
      throw TraceSemanticError.at(file, pos, "no lower file " + path);
    }
    return n;
  }

  /** The model's cached inode for a path (no lookups), or null. */
  static FuseInode cachedInode(Kernel k, String path) {
    Dentry d = k.dcache.dcacheWalk(path);
    return d == null ? null : d.inode;
  }

  /** The newest fuse_backing registered under id {@code label}, or null. */
  static FuseBacking backingLabelled(Kernel k, long label) {
    FuseBacking found = null;
    for (FuseBacking fb : k.allBackings) {
      if (fb.label == label) {
        found = fb;
      }
    }
    return found;
  }

  static KFile file(Kernel k, long fd) {
    return k.fds.get((int) fd);
  }
}
