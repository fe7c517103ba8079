package fusesim.explore;

import fusesim.properties.Counterexample;
import fusesim.properties.KnownFindings;
import fusesim.traces.lang.Stmt;
import fusesim.traces.replay.Session;
import fusesim.traces.replay.Setup;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code fusesim explore}: runs one exploration and prints its report. Progress goes to
 * {@code err}; the report to {@code out}: the bounds, then distinct states, transitions, depth
 * reached, states/s, peak heap, whether the bound was exhausted, then one line per invariant
 * (holds, or violated with the path of its shortest counterexample). Exit 1 on a violation.
 *
 * <p>Everything but the lines marked {@code time} and {@code memory} is the same on every run with
 * the same bounds (and any number of workers).
 */
public final class Explore {
  /** Which state space. */
  public enum Engine {
    FULL, FULL_STATELESS, CORE;

    /** The name on the command line. */
    public String word() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final Bounds bounds;
  private final Engine engine;
  private final Path outDir;
  private volatile CoreExplorer core;
  private volatile ModelExplorer full;
  /** Core: the heap a BFS level may take before it is spilled to disk. */
  public volatile long frontierBytes = CoreExplorer.DEFAULT_FRONTIER_BYTES;
  /** Full engine: exact dedup instead of fingerprints. */
  public volatile boolean exact;
  /** Full engine: partial-order reduction by sleep sets (explore/README.md, "Partial-order reduction"). */
  public volatile boolean por;
  /** Where the bounds came from when the user gave none (printed after the bounds); null: the options. */
  public volatile String boundsFrom;

  public Explore(Bounds bounds, Engine engine, Path outDir) {
    this.bounds = bounds;
    this.engine = engine;
    this.outDir = outDir;
  }

  /** Ctrl-C: stop after the current state; the report covers what was explored. */
  public void stop() {
    if (core != null) {
      core.stop();
    }
    if (full != null) {
      full.stop();
    }
  }

  /** Checks the bounds and the memory estimate; throws IllegalArgumentException (one line). */
  public void check() {
    bounds.validate(engine == Engine.CORE);
    long heap = Runtime.getRuntime().maxMemory();
    Estimate e = engine == Engine.CORE ? Estimate.core(bounds)
        : Estimate.full(bounds, engine == Engine.FULL_STATELESS || exact, frontierBytes);
    if (e.bytes() > heap * 0.8) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "these bounds would need about %s states and %s of memory, more than the %s heap "
              + "(estimated from %s); lower --depth, --inodes or --opens, or raise the heap "
              + "(FUSESIM_JAVA_OPTS=-Xmx...)", count((long) e.states()), mb(e.bytes()), mb(heap), e.how()));
    }
  }

  /**
   * After {@link #run} with a full engine: the first violation of each invariant (null: it held),
   * what the report prints, for callers that read results rather than text.
   */
  public Map<String, ModelExplorer.Violation> violations() {
    if (full == null) {
      throw new IllegalStateException("violations() is read after a full-engine run");
    }
    return full.violations();
  }

  /** The known findings a violation is matched against (traces/corpus/findings); none by default. */
  public KnownFindings known = KnownFindings.none();

  /** Runs and prints; returns the exit code (0 every invariant holds, 1 a violation). */
  public int run(PrintWriter out, PrintWriter err) throws IOException {
    out.println("explore: engine " + engine.word() + ", semantics " + bounds.semantics()
        + ", depth " + (bounds.depth() == Integer.MAX_VALUE ? "unbounded" : bounds.depth()) + ", inodes "
        + bounds.inodes() + ", backings " + bounds.backings() + ", threads " + bounds.threads() + ", opens "
        + bounds.opens() + (engine != Engine.CORE ? ", ticks " + bounds.ticks() + ", server " + bounds.server().word
            : ", dio " + (bounds.dio() ? "on" : "off") + ", symmetry " + (bounds.symmetry() ? "on" : "off"))
        + (bounds.faults().isEmpty() ? "" : ", faults " + faultList()));
    if (boundsFrom != null) {
      out.println("bounds from: " + boundsFrom);
    }
    if (!bounds.semantics().choices().isEmpty()) {
      List<String> as = new ArrayList<>();
      bounds.semantics().choices().forEach((id, c) -> as.add(id + "=" + c));
      out.println("assumptions: " + String.join(" ", as));
    }
    out.flush();
    boolean stateful = engine == Engine.FULL;
    CoreExplorer.Progress progress = (d, n, s) -> {
      err.printf(Locale.ROOT, "  depth %d: %s new, %s distinct, %s transitions, %s states/s, heap %s", d, count(n),
          count(s.distinct), count(s.transitions), count((long) (s.distinct / (s.nanos / 1e9))), mb(heapUsed()));
      if (stateful) { // the level's own rate, where its frontier is, and what the next level will take
        err.printf(Locale.ROOT, "; level %s, %s new/s; frontier %s states, %s in memory, %s on disk; visited %s%s",
            secs(s.levelNanos), count((long) (n / Math.max(s.levelNanos / 1e9, 1e-9))), count(s.frontier),
            mb(s.frontierMemory), mb(s.diskBytes), mb(s.visitedBytes),
            s.etaNanos > 0 ? "; next level ETA " + secs(s.etaNanos) : "");
      }
      err.println();
      err.flush();
    };
    resetPeak();
    CoreExplorer.Stats st;
    List<String[]> rows = new ArrayList<>(); // invariant, verdict
    boolean violated = false;
    if (engine == Engine.CORE) {
      IoCore c = new IoCore(bounds.inodes(), bounds.backings(), bounds.opens(), bounds.threads(), bounds.dio(),
          bounds.symmetry(), bounds.faults());
      core = new CoreExplorer(c, bounds.depth(), bounds.workers(), progress);
      core.frontierBytes = frontierBytes;
      st = core.run();
      List<CoreExplorer.Violation> vs = core.violations();
      for (String id : ModelExplorer.invariantIds()) {
        int i = IoCore.INVARIANTS.indexOf(id);
        if (i < 0) {
          rows.add(new String[] {id, "not computed by the core (CoreCrossCheckTest checks it on core paths replayed on the full model)"});
          continue;
        }
        CoreExplorer.Violation v = vs.get(i);
        if (v == null) {
          rows.add(new String[] {id, "holds"});
        } else {
          violated = true;
          CoreTrace.Rendered r = CoreTrace.render(c, v.path());
          Path p = write(id, r.stmts(), v.depth(), v.detail());
          rows.add(new String[] {id, "violated at depth " + v.depth() + ": " + p});
        }
      }
    } else {
      full = new ModelExplorer(bounds, progress);
      full.stateless = engine == Engine.FULL_STATELESS;
      full.exact = exact;
      full.por = por;
      full.frontierBytes = frontierBytes;
      st = full.run();
      for (Map.Entry<String, ModelExplorer.Violation> e : full.violations().entrySet()) {
        ModelExplorer.Violation v = e.getValue();
        if (v == null) {
          rows.add(new String[] {e.getKey(), "holds"});
        } else {
          boolean violatedBefore = violated;
          violated = true;
          List<Stmt> stmts = new ArrayList<>();
          for (String l : v.lines()) {
            stmts.add(ModelPath.stmt(l));
          }
          Path p = write(e.getKey(), stmts, v.depth(), v.detail());
          KnownFindings.Finding kf = known.match(Setup.of(bounds.semantics(), bounds.faults(), bounds.server()),
              stmts, new Session.Violation(e.getKey(), v.detail(), stmts.size() - 1));
          if (kf != null) {
            violated = violatedBefore;
            rows.add(new String[] {e.getKey(), "known finding " + kf.id() + " at depth " + v.depth() + " (not counted): "
                + p});
            continue;
          }
          rows.add(new String[] {e.getKey(), "violated at depth " + v.depth() + ": " + p});
        }
      }
    }
    double secs = st.nanos / 1e9;
    out.printf(Locale.ROOT, "distinct states: %d%n", st.distinct);
    out.printf(Locale.ROOT, "transitions:     %d%n", st.transitions);
    if (full != null && full.por) {
      out.printf(Locale.ROOT, "reduction:       sleep sets, %d moves asleep (not run)%n", full.asleep);
    }
    out.printf(Locale.ROOT, "depth reached:   %d%n", st.depth);
    out.println("bound:           " + (st.exhausted ? "exhausted (every reachable state within the bounds)"
        : st.interrupted && full != null && full.diskError != null ? "stopped: " + full.diskError
            + "; the counts cover what was explored"
        : st.interrupted ? "interrupted (Ctrl-C): the counts cover what was explored"
        : "every state within depth " + st.depth + " explored (the " + count(st.frontier)
            + " states at depth " + st.depth + " not expanded)"));
    if (engine == Engine.CORE) {
      out.println("frontier:        " + (st.spilledLevels == 0 ? "in memory" : "spilled to disk at " + st.spilledLevels
          + " level(s), the largest " + count(st.largestSpilled) + " states") + " (threshold " + mb(frontierBytes) + ")");
    }
    if (full != null && full.invalid > 0) {
      out.println("model errors:    " + full.invalid + " (first: " + full.firstInvalid + ")");
    }
    out.printf(Locale.ROOT, "time:            %.2f s, %s distinct states/s%n", secs, count((long) (st.distinct / Math.max(secs, 1e-9))));
    if (stateful) {
      long n = Math.max(1, st.distinct);
      out.println("visited set:     " + (exact ? "exact (whole canonical encodings)" : "64-bit fingerprints")
          + ", " + String.format(Locale.ROOT, "%.1f", st.visitedBytes / (double) n) + " bytes per state");
      if (!exact) {
        // TLC's estimate: each of the (transitions - distinct) fingerprints that matched a stored one
        // could have matched one of the distinct stored ones by chance
        double optimistic = st.distinct * (double) Math.max(0, st.transitions - st.distinct) / Math.pow(2, 64);
        double birthday = st.distinct * (double) st.distinct / Math.pow(2, 65);
        out.println(String.format(Locale.ROOT, "fingerprints:    collision probability %.1e (TLC's optimistic "
            + "estimate, distinct x (transitions - distinct) / 2^64; %.1e among the distinct states)", optimistic,
            birthday));
      }
      out.println("frontier:        " + (st.diskBytes == 0 ? "in memory" : "spilled to disk, at most " + mb(st.diskBytes)
          + " for a level") + " (threshold " + mb(frontierBytes) + ")");
    }
    out.printf(Locale.ROOT, "memory:          peak heap %s (%s %s%s)%n", mb(peakHeap()),
        engine == Engine.FULL_STATELESS ? "encoded states" : "visited set", mb(st.visitedBytes),
        stateful ? String.format(Locale.ROOT, ", peak heap per visited state %,d bytes",
            peakHeap() / Math.max(1, st.distinct)) : "");
    for (String[] r : rows) {
      out.printf(Locale.ROOT, "  %-18s %s%n", r[0], r[1]);
    }
    out.flush();
    return violated ? 1 : 0;
  }

  private String faultList() {
    List<String> ids = new ArrayList<>();
    for (fusesim.model.Fault f : fusesim.model.Fault.values()) {
      if (bounds.faults().contains(f)) {
        ids.add(f.id());
      }
    }
    return String.join(",", ids);
  }

  private Path write(String invariant, List<Stmt> stmts, int depth, String detail) throws IOException {
    Setup setup = Setup.of(bounds.semantics(), bounds.faults(), bounds.server());
    String name = "explore-" + engine.word() + "-"
        + (bounds.faults().isEmpty() ? "" : faultList().replace(',', '_') + "-") + invariant;
    List<String> how = new ArrayList<>();
    how.add("found by: fusesim explore " + cliBounds() + " (breadth-first: shortest, " + depth + " moves)");
    if (!bounds.faults().isEmpty()) {
      how.add("model faults on: " + faultList() + " (replay with: fusesim replay --fault " + faultList().replace(",", " --fault ")
          + " FILE)");
    }
    Counterexample cx = Counterexample.of(setup, name, stmts, how);
    Files.createDirectories(outDir);
    Path p = outDir.resolve(name + ".trace");
    Files.writeString(p, cx.text(), StandardCharsets.UTF_8);
    return p;
  }

  private String cliBounds() {
    StringBuilder sb = new StringBuilder();
    sb.append("--engine ").append(engine.word()).append(" --semantics ").append(bounds.semantics());
    if (bounds.depth() != Integer.MAX_VALUE) {
      sb.append(" --depth ").append(bounds.depth());
    }
    sb.append(" --inodes ").append(bounds.inodes()).append(" --backings ").append(bounds.backings())
        .append(" --threads ").append(bounds.threads()).append(" --opens ").append(bounds.opens());
    if (engine != Engine.CORE) {
      sb.append(" --ticks ").append(bounds.ticks()).append(" --server ").append(bounds.server().word);
    } else if (!bounds.dio()) {
      sb.append(" --no-dio");
    }
    for (fusesim.model.Fault f : fusesim.model.Fault.values()) {
      if (bounds.faults().contains(f)) {
        sb.append(" --fault ").append(f.id());
      }
    }
    bounds.semantics().choices().forEach((id, c) -> sb.append(" --assume ").append(id).append('=').append(c));
    return sb.toString();
  }

  static String secs(long nanos) {
    return nanos >= 60_000_000_000L ? String.format(Locale.ROOT, "%dm%02ds", nanos / 60_000_000_000L,
        nanos / 1_000_000_000L % 60) : String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String mb(long bytes) {
    return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.2f GB", bytes / (double) (1L << 30))
        : String.format(Locale.ROOT, "%d MB", bytes >> 20);
  }

  private static long heapUsed() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  private static void resetPeak() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  /** The peak heap use since the run started (the sum of the heap pools' peaks, an upper bound). */
  static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
