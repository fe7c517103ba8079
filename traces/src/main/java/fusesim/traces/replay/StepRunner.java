package fusesim.traces.replay;

import fusesim.model.vfs.Dentry;
import fusesim.model.Faults;
import fusesim.model.fuse.FuseBacking;
import fusesim.model.fuse.FuseInode;
import fusesim.model.Kernel;
import fusesim.model.vfs.KFile;
import fusesim.model.Lower;
import fusesim.model.NotModelled;
import fusesim.model.fuse.Request;
import fusesim.traces.lang.Pos;
import fusesim.traces.lang.Stmt;
import fusesim.traces.lang.TracePrinter;
import fusesim.traces.lang.TraceSemanticError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Executes trace statements on the model, one at a time, and says what each produced
 * ({@link Observation}): the {@link TraceDriver} over the model backend ({@link World}), with the
 * model's per-statement work around it (limits, the requests the statement logged, the model's
 * own assertions, a model refusal located at the statement). Used by replay and by the property engine, so a generated sequence and
 * its counterexample trace run through the same code.
 *
 * <p>A statement that is meaningless (an fd the trace never opened, a reply to a request that is
 * not pending, a resumed call that was never unfinished) is a {@link TraceSemanticError}; a
 * statement asking for behaviour the model does not cover is a {@link NotModelled}.
 */
public final class StepRunner {
  private final String file;
  private final Kernel k;
  /**
   * The statement protocol over the model backend ({@link World}): the calls in flight by thread,
   * the fds and mappings the trace made. Sessions, judges and the generator read it instead of
   * pairing lines themselves.
   */
  private final TraceDriver driver;
  private int requestMark;
  private int expectMark;

  private final World world;

  public StepRunner(String file, Kernel k) {
    this.file = file;
    this.k = k;
    this.world = new World(file, k, this);
    this.driver = new TraceDriver(file, world, true);
  }

  /** The protocol this runner drives the model with. */
  public TraceDriver driver() {
    return driver;
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
    driver.accepting(true);
    try {
      Observation o = execute(s);
      Stmt.Unfinished recordedAs = driver.recordedAs();
      return recordedAs == null ? new Step(s, o) : new Step(recordedAs, new Observation(o.line(),
          TracePrinter.print(recordedAs), o.result(), o.requests(), o.verdict()));
    } finally {
      driver.accepting(false);
    }
  }

  /** The calls in flight by thread (started unfinished, not yet resumed), in thread order. */
  public Map<String, Stmt.Unfinished> inFlight() {
    return driver.inFlightLines();
  }

  /** Runs one statement; the observation's verdict says whether it met what it states. */
  public Observation execute(Stmt s) {
    ModelLimits.check(file, s);
    requestMark = k.log.size();
    k.ghostRead = null; // READ-RESULT and COHERENCE judge the read that returned in this step
    k.ghostWrite = null; // PT-WRITE-RESULT judges the passthrough write that returned in this step
    StepOutcome out;
    try {
      out = driver.step(s);
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
      if (!r.serverOwn) {
        reqs.add(r.observable());
      }
    }
    return new Observation(s.line(), TracePrinter.print(s), out.result(), reqs, out.verdict());
  }

  void markExpected() {
    expectMark = k.log.size();
  }

  int expectMark() {
    return expectMark;
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
