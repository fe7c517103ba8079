package fusesim.traces.replay;

import fusesim.traces.lang.ArgKind;
import fusesim.traces.lang.Item;
import fusesim.traces.lang.Outcome;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.StmtVisitor;
import fusesim.traces.lang.Syscall;
import fusesim.traces.lang.TraceSemanticError;
import fusesim.traces.lang.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The statement protocol of a trace, over a {@link Backend} (the model, a real kernel): walks the
 * statements through {@link StmtVisitor} and owns what every backend would otherwise redo: the
 * calls in flight by thread (the rule "a blocked call is written {@code <unfinished ...>} and
 * resumed later": a {@code <... X resumed>} line pairs with its thread's {@code X(...
 * <unfinished ...>}, which starts a call in flight whether it blocked or, unmet, returned at once;
 * a thread with a call in flight makes no other call), a call stated {@code = ?} whose outcome is not yet known (accepted and
 * recorded as blocked, {@link #accepting}), and the fds and mapping names the trace's calls made
 * (checked before a call uses them, when {@code checkNames}). The backend has one method per
 * statement kind; for a thread step it is asked to start the call, whether it still waits, and
 * what it returned.
 *
 * <p>Run-wide judges ({@link Liveness}, {@link ErrnoDomain}) read {@link #lastEvent()}: the call
 * the last statement started or finished, with where it started, instead of pairing lines
 * themselves.
 */
public final class TraceDriver implements StmtVisitor<StepOutcome> {
  /**
   * What runs the statements: one method per kind of statement ({@link StmtVisitor}), except the
   * three thread steps, whose protocol is the driver's: for those the backend starts a call
   * ({@link #start}), says what a started call waits for ({@link #waitingFor}) and what a returned
   * one gave ({@link #returned}).
   */
  public interface Backend extends StmtVisitor<StepOutcome> {
    /**
     * Starts {@code call} (from a {@code Call} or an {@code <unfinished ...>} line) on its thread;
     * true if it is blocked, false once it has returned.
     */
    boolean start(Call call);

    /** What the thread's call waits for ("the server's reply to OPEN(10)"), null once it returned. */
    String waitingFor(String thread);

    /** The call the thread is in on the backend (blocked or not yet paired), or null. */
    String inCall(String thread);

    /** A returned call's result, judged against the outcome its line states. */
    Returned returned(Call call, Stmt.ThreadStep line, Outcome outcome, List<Item> checks);

    /** What a line whose call blocked reports (the call is now in flight). */
    StepOutcome blocked(Call call);

    /**
     * What an {@code <unfinished ...>} line reports when its call returned at once (unmet; the
     * call stays in flight until its {@code <... resumed>} line, which reports what it returned).
     */
    StepOutcome didNotBlock(Call call);

    /** The requests the backend has logged so far: where a statement starts. */
    int requestMark();

    @Override
    default StepOutcome visitCall(Stmt.Call s) {
      throw new IllegalStateException("thread steps are the driver's protocol (TraceDriver.visitCall)");
    }

    @Override
    default StepOutcome visitUnfinished(Stmt.Unfinished s) {
      throw new IllegalStateException("thread steps are the driver's protocol (TraceDriver.visitUnfinished)");
    }

    @Override
    default StepOutcome visitResumed(Stmt.Resumed s) {
      throw new IllegalStateException("thread steps are the driver's protocol (TraceDriver.visitResumed)");
    }
  }

  /**
   * A returned call: its outcome, and what it made for later lines to name: an fd (a plain
   * non-negative result), or a mapping, by the name the trace knows it by and the backend's own
   * name for it. Null where it made none.
   */
  public record Returned(StepOutcome outcome, Long fd, String mapping, String handle) {
    public static Returned of(StepOutcome outcome) {
      return new Returned(outcome, null, null, null);
    }
  }

  /**
   * One call as the driver follows it, from the line that starts it to the line where it returns.
   *
   * @param line the line that started it: a {@code Call}, or the {@code <unfinished ...>} line (a
   *     {@code = ?} call accepted as blocked is recorded as one)
   * @param handles per argument, the backend's name of a mapping argument (null elsewhere)
   * @param startMark the backend's request count when the statement that started it began
   */
  public record Call(Stmt.ThreadStep line, List<Value> args, List<String> handles, int startMark) {
    public String thread() {
      return line.thread().text();
    }

    public Syscall syscall() {
      return line.syscall();
    }
  }

  /** What the last statement did to a call: started it (blocked), or it returned. */
  public record Event(Call call, boolean returned) {}

  private final String file;
  private final Backend backend;
  private final boolean checkNames;
  private final Map<String, Call> inFlight = new TreeMap<>();
  private final Set<Long> fds = new HashSet<>();
  /** Mapping names the trace's calls made, with the backend's name of each. */
  private final Map<String, String> mappings = new HashMap<>();
  private boolean accepting;
  private Stmt.Unfinished recordedAs;
  private Event event;
  private int mark;

  /**
   * @param checkNames whether an fd or mapping a call names must have been made by an earlier
   *     call of this run (the model); a kernel replay checks the trace text beforehand instead,
   *     so that a kernel disagreeing with the trace is an observation, not a semantic error
   */
  public TraceDriver(String file, Backend backend, boolean checkNames) {
    this.file = file;
    this.backend = backend;
    this.checkNames = checkNames;
  }

  /** Runs one statement on the backend; {@link #recordedAs()} and {@link #lastEvent()} follow it. */
  public StepOutcome step(Stmt s) {
    recordedAs = null;
    event = null;
    mark = backend.requestMark();
    return s.accept(this);
  }

  /** While on, a {@code Call} stated {@code = ?} that blocks is accepted as unfinished. */
  public void accepting(boolean on) {
    accepting = on;
  }

  /** The {@code <unfinished ...>} line the last statement (a blocked {@code = ?} call) became, or null. */
  public Stmt.Unfinished recordedAs() {
    return recordedAs;
  }

  /** The call the last statement started (blocked) or finished, or null. */
  public Event lastEvent() {
    return event;
  }

  /** The calls in flight by thread (started unfinished, not yet resumed), in thread order. */
  public Map<String, Call> inFlight() {
    return Collections.unmodifiableMap(inFlight);
  }

  /** The backend's name of the mapping the trace calls {@code name}, or null if no call made it. */
  public String mapping(String name) {
    return mappings.get(name);
  }

  /** The lines that started the calls in flight, by thread. */
  public Map<String, Stmt.Unfinished> inFlightLines() {
    Map<String, Stmt.Unfinished> out = new LinkedHashMap<>();
    inFlight.forEach((t, c) -> out.put(t, (Stmt.Unfinished) c.line()));
    return Collections.unmodifiableMap(out);
  }

  /** The threads whose call in flight has returned: their {@code <... resumed>} line is due. */
  public Set<String> returnedInFlight() {
    Set<String> out = new java.util.TreeSet<>();
    for (String t : inFlight.keySet()) {
      if (backend.waitingFor(t) == null) {
        out.add(t);
      }
    }
    return out;
  }

  // ---- thread steps: the protocol -----------------------------------------------------------

  @Override
  public StepOutcome visitCall(Stmt.Call c) {
    Call call = begin(c, c.args());
    if (!backend.start(call)) {
      return finish(call, c, c.outcome(), c.checks());
    }
    if (accepting && c.outcome() instanceof Outcome.Any) {
      recordedAs = new Stmt.Unfinished(c.pos(), c.thread(), c.syscall(), c.args());
      Call recorded = new Call(recordedAs, call.args(), call.handles(), call.startMark());
      inFlight(recorded);
      return backend.blocked(recorded);
    }
    return StepOutcome.unmet("unfinished", c.syscall().word() + "() blocked waiting for "
        + backend.waitingFor(call.thread()) + "; write it as <unfinished ...>");
  }

  @Override
  public StepOutcome visitUnfinished(Stmt.Unfinished u) {
    Call call = begin(u, u.args());
    boolean blocked = backend.start(call);
    inFlight(call); // the trace's text pairs it with its resumed line, blocked or not
    return blocked ? backend.blocked(call) : backend.didNotBlock(call);
  }

  @Override
  public StepOutcome visitResumed(Stmt.Resumed r) {
    String t = r.thread().text();
    Call call = inFlight.get(t);
    String started = call == null ? null : call.syscall().word();
    if (started == null || !started.equals(r.syscall().word())) {
      throw TraceSemanticError.at(file, r.pos(), t + (started == null ? " has no unfinished call to resume"
          : " is in " + started + "(), not " + r.syscall().word() + "()"));
    }
    String waiting = backend.waitingFor(t);
    if (waiting != null) {
      return StepOutcome.unmet("unfinished", started + "() is still blocked waiting for " + waiting);
    }
    inFlight.remove(t);
    return finish(call, r, r.outcome(), r.checks());
  }

  private void inFlight(Call call) {
    inFlight.put(call.thread(), call);
    event = new Event(call, false);
  }

  /** The call a line starts: its thread must be idle, its fds and mappings made by this trace. */
  private Call begin(Stmt.ThreadStep s, List<Value> args) {
    String busy = backend.inCall(s.thread().text());
    Call pending = inFlight.get(s.thread().text());
    busy = busy != null ? busy : pending == null ? null : pending.syscall().word();
    if (busy != null) {
      throw TraceSemanticError.at(file, s.thread().pos(), s.thread().text() + " is still blocked in "
          + busy + "(); write its <... " + busy + " resumed> line first");
    }
    return new Call(s, args, handles(s.syscall(), args), mark);
  }

  private List<String> handles(Syscall sc, List<Value> args) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      Value v = args.get(i);
      ArgKind kind = sc.args().get(i);
      if (kind == ArgKind.FD && v instanceof Value.Int fd && checkNames && fd.value() >= 0
          && !fds.contains(fd.value())) {
        throw TraceSemanticError.at(file, v.pos(), "fd " + fd.value() + " was never opened by this trace");
      }
      String handle = null;
      if (kind == ArgKind.MAP) {
        String m = v instanceof Value.Sym sym ? sym.name() : String.valueOf(v);
        handle = mappings.get(m);
        if (handle == null && checkNames) {
          throw TraceSemanticError.at(file, v.pos(), "mapping " + m + " was never made by this trace");
        }
      }
      out.add(handle);
    }
    return Collections.unmodifiableList(out);
  }

  /** A returned call: what it made is recorded for later lines, and it is the statement's event. */
  private StepOutcome finish(Call call, Stmt.ThreadStep line, Outcome o, List<Item> checks) {
    Returned r = backend.returned(call, line, o, checks);
    if (r.mapping() != null) {
      mappings.put(r.mapping(), r.handle());
    } else if (r.fd() != null) {
      fds.add(r.fd());
    }
    event = new Event(call, true);
    return r.outcome();
  }

  // ---- every other statement: the backend's one method ---------------------------------------

  @Override
  public StepOutcome visitMount(Stmt.Mount s) {
    return backend.visitMount(s);
  }

  @Override
  public StepOutcome visitLowerNode(Stmt.LowerNode s) {
    return backend.visitLowerNode(s);
  }

  @Override
  public StepOutcome visitLowerLink(Stmt.LowerLink s) {
    return backend.visitLowerLink(s);
  }

  @Override
  public StepOutcome visitLowerUnlink(Stmt.LowerUnlink s) {
    return backend.visitLowerUnlink(s);
  }

  @Override
  public StepOutcome visitLowerWrite(Stmt.LowerWrite s) {
    return backend.visitLowerWrite(s);
  }

  @Override
  public StepOutcome visitLowerSet(Stmt.LowerSet s) {
    return backend.visitLowerSet(s);
  }

  @Override
  public StepOutcome visitThreadDecl(Stmt.ThreadDecl s) {
    return backend.visitThreadDecl(s);
  }

  @Override
  public StepOutcome visitServerPolicy(Stmt.ServerPolicy s) {
    return backend.visitServerPolicy(s);
  }

  @Override
  public StepOutcome visitServerHold(Stmt.ServerHold s) {
    return backend.visitServerHold(s);
  }

  @Override
  public StepOutcome visitServerUnhold(Stmt.ServerUnhold s) {
    return backend.visitServerUnhold(s);
  }

  @Override
  public StepOutcome visitServerReply(Stmt.ServerReply s) {
    return backend.visitServerReply(s);
  }

  @Override
  public StepOutcome visitBackingOpen(Stmt.BackingOpen s) {
    return backend.visitBackingOpen(s);
  }

  @Override
  public StepOutcome visitBackingClose(Stmt.BackingClose s) {
    return backend.visitBackingClose(s);
  }

  @Override
  public StepOutcome visitServerLike(Stmt.ServerLike s) {
    return backend.visitServerLike(s);
  }

  @Override
  public StepOutcome visitServerCrash(Stmt.ServerCrash s) {
    return backend.visitServerCrash(s);
  }

  @Override
  public StepOutcome visitServerFault(Stmt.ServerFault s) {
    return backend.visitServerFault(s);
  }

  @Override
  public StepOutcome visitServerNotify(Stmt.ServerNotify s) {
    return backend.visitServerNotify(s);
  }

  @Override
  public StepOutcome visitTick(Stmt.Tick s) {
    return backend.visitTick(s);
  }

  @Override
  public StepOutcome visitEvict(Stmt.Evict s) {
    return backend.visitEvict(s);
  }

  @Override
  public StepOutcome visitDropCaches(Stmt.DropCaches s) {
    return backend.visitDropCaches(s);
  }

  @Override
  public StepOutcome visitUmount(Stmt.Umount s) {
    return backend.visitUmount(s);
  }

  @Override
  public StepOutcome visitExpectRequests(Stmt.ExpectRequests s) {
    return backend.visitExpectRequests(s);
  }

  @Override
  public StepOutcome visitExpectNo(Stmt.ExpectNo s) {
    return backend.visitExpectNo(s);
  }

  @Override
  public StepOutcome visitExpectInode(Stmt.ExpectInode s) {
    return backend.visitExpectInode(s);
  }

  @Override
  public StepOutcome visitExpectBacking(Stmt.ExpectBacking s) {
    return backend.visitExpectBacking(s);
  }

  @Override
  public StepOutcome visitExpectFile(Stmt.ExpectFile s) {
    return backend.visitExpectFile(s);
  }

  @Override
  public StepOutcome visitExpectConn(Stmt.ExpectConn s) {
    return backend.visitExpectConn(s);
  }
}
