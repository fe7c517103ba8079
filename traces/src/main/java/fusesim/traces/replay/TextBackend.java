package fusesim.traces.replay;

import fusesim.traces.lang.Item;
import fusesim.traces.lang.Outcome;
import fusesim.traces.lang.Stmt;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link TraceDriver.Backend} on the trace's text alone, for what reads a trace without running
 * it: a call returns what its line states, an {@code <unfinished ...>} call blocks until its
 * thread's {@code <... resumed>} line, and every other statement is met. The driver's protocol
 * (the pairing of those lines, a busy thread making no other call) is then the same one the model
 * and the kernel run under, not a third copy: the kernel replay's meaning checks
 * ({@code TraceChecks}, which add the fd and mapping bookkeeping) extend it, and the shrinker
 * finds its held calls with {@link #heldCalls}.
 */
public class TextBackend implements TraceDriver.Backend {
  /** The driver that runs this backend: subclasses read its calls in flight. */
  protected final TraceDriver driver;

  protected TextBackend(String file) {
    this.driver = new TraceDriver(file, this, false);
  }

  /**
   * The held calls of a well-formed statement sequence, in order: for each {@code <unfinished
   * ...>} line, its index and the index of the {@code <... resumed>} line the driver pairs it
   * with, or -1 if it is still in flight where the sequence ends.
   *
   * @throws fusesim.traces.lang.TraceSemanticError if the lines do not pair (a resumed line with
   *     no call to resume, a busy thread making another call)
   */
  public static List<int[]> heldCalls(List<Stmt> seq) {
    TextBackend text = new TextBackend("<sequence>");
    Map<TraceDriver.Call, int[]> started = new IdentityHashMap<>();
    List<int[]> held = new ArrayList<>();
    for (int i = 0; i < seq.size(); i++) {
      text.step(seq.get(i));
      TraceDriver.Event e = text.driver.lastEvent();
      if (e != null && !e.returned()) {
        int[] h = {i, -1};
        started.put(e.call(), h);
        held.add(h);
      } else if (e != null && started.containsKey(e.call())) {
        started.get(e.call())[1] = i;
      }
    }
    return held;
  }

  /** Runs one statement through the driver. */
  public StepOutcome step(Stmt s) {
    return driver.step(s);
  }

  // ---- thread steps: the text is the outcome -------------------------------------------------

  /** An {@code <unfinished ...>} line blocks; a call line returns at once. */
  @Override
  public boolean start(TraceDriver.Call call) {
    return call.line() instanceof Stmt.Unfinished;
  }

  /** A resumed line says the call returned: nothing is waited for on the text. */
  @Override
  public String waitingFor(String thread) {
    return null;
  }

  /** The driver's calls in flight are the only ones. */
  @Override
  public String inCall(String thread) {
    return null;
  }

  @Override
  public TraceDriver.Returned returned(TraceDriver.Call call, Stmt.ThreadStep line, Outcome outcome,
      List<Item> checks) {
    return TraceDriver.Returned.of(StepOutcome.met());
  }

  @Override
  public StepOutcome blocked(TraceDriver.Call call) {
    return StepOutcome.met("unfinished");
  }

  /** Never asked: an unfinished line always blocks on the text. */
  @Override
  public StepOutcome didNotBlock(TraceDriver.Call call) {
    throw new IllegalStateException("an <unfinished ...> line blocks on the text");
  }

  @Override
  public int requestMark() {
    return 0;
  }

  // ---- every other statement: met ------------------------------------------------------------

  @Override
  public StepOutcome visitMount(Stmt.Mount s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitLowerNode(Stmt.LowerNode s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitLowerLink(Stmt.LowerLink s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitLowerUnlink(Stmt.LowerUnlink s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitLowerWrite(Stmt.LowerWrite s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitLowerSet(Stmt.LowerSet s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitThreadDecl(Stmt.ThreadDecl s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitServerPolicy(Stmt.ServerPolicy s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitServerHold(Stmt.ServerHold s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitServerUnhold(Stmt.ServerUnhold s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitServerReply(Stmt.ServerReply s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitBackingOpen(Stmt.BackingOpen s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitBackingClose(Stmt.BackingClose s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitServerLike(Stmt.ServerLike s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitServerCrash(Stmt.ServerCrash s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitServerFault(Stmt.ServerFault s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitServerNotify(Stmt.ServerNotify s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitTick(Stmt.Tick s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitEvict(Stmt.Evict s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitDropCaches(Stmt.DropCaches s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitUmount(Stmt.Umount s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitExpectRequests(Stmt.ExpectRequests s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitExpectNo(Stmt.ExpectNo s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitExpectInode(Stmt.ExpectInode s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitExpectBacking(Stmt.ExpectBacking s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitExpectFile(Stmt.ExpectFile s) {
    return StepOutcome.met();
  }

  @Override
  public StepOutcome visitExpectConn(Stmt.ExpectConn s) {
    return StepOutcome.met();
  }
}
