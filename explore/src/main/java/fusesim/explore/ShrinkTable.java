package fusesim.explore;

import fusesim.model.Fault;
import fusesim.model.series.Semantics;
import fusesim.properties.Counterexample;
import fusesim.properties.Engine;
import fusesim.traces.lang.Stmt;
import fusesim.traces.replay.ServerMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Shrink quality: for every planted fault, the length of the property engine's shrunk
 * counterexample against the shortest one breadth-first search finds in the full model.
 *
 * <p>Lengths count the action statements of the trace body: everything but the world
 * declarations ({@code mount}, {@code lower file/dir/link}, {@code thread}, and the explorer's
 * {@code server lookup F entry entry_valid=1s} set-up of its tick moves), which differ between
 * the two worlds (the generator declares /a, /b, /c, /d, /d/e; the explorer /f1, /f2 and /l1).
 * Ratio = shrunk / shortest: 1.0 means the shrinker found a shortest trace. The BFS length is
 * the shortest over the explorer's alphabet within its bounds; a shrunk trace shorter than it
 * (ratio below 1) uses a move the alphabet does not have, or one statement where a BFS move writes
 * two (the well-behaved entry reply names both links of /f1).
 */
public final class ShrinkTable {
  /** Each BFS stops at the level where it holds this many states (the row then says how deep it got). */
  private final Bounds bounds;
  private final int runs;
  private final boolean depthGiven;

  /**
   * @param bounds the semantics (series faults it lacks run under v2), assumptions and workers; the
   *     BFS of each fault uses that fault's own bound ({@link FaultBounds})
   * @param depthGiven whether {@code bounds.depth()} replaces each fault's own depth
   */
  public ShrinkTable(Bounds bounds, int runs, boolean depthGiven) {
    this.bounds = bounds;
    this.runs = runs;
    this.depthGiven = depthGiven;
  }

  /** One fault's row. */
  public record Row(Fault fault, String propInvariant, int propLength, String bfsInvariant, int bfsLength,
      long bfsStates, double bfsSeconds, int bfsDepth) {
    public String ratio() {
      return propLength < 0 || bfsLength <= 0 ? "-" : String.format(Locale.ROOT, "%.2f", propLength / (double) bfsLength);
    }
  }

  static int actions(String traceText) {
    int n = 0;
    boolean body = false;
    for (String l : traceText.split("\n", -1)) {
      if (l.isEmpty()) {
        body = true;
        continue;
      }
      if (body && !(l.startsWith("mount") || l.startsWith("lower file") || l.startsWith("lower dir")
          || l.startsWith("lower link") || l.startsWith("thread ") || l.endsWith(" entry entry_valid=1s"))) {
        n++;
      }
    }
    return n;
  }

  /** The semantics a fault runs under: the table's, or v2 (all patches) for a series fault it lacks. */
  Semantics semanticsFor(Fault f) {
    return f.appliesTo(bounds.semantics()) ? bounds.semantics() : Semantics.v2(Semantics.V2_PATCHES);
  }

  public Row row(Fault f, PrintWriter err) throws IOException {
    Set<Fault> faults = EnumSet.of(f);
    Semantics sem = semanticsFor(f);
    Path tmp = Files.createTempDirectory("fusesim-shrink-");
    Engine engine = new Engine(new Engine.Options(sem,
        List.of(ServerMode.WELL_BEHAVED, ServerMode.ARBITRARY), faults, 60_000, 1, runs, tmp));
    Engine.Report rep = engine.run(f.id(), faults, true, 60_000, null);
    String propInv = null;
    int prop = -1;
    for (Engine.Row r : rep.violated()) {
      if (r.counterexample != null) {
        int len = actions(r.counterexample.text());
        if (prop < 0 || len < prop) {
          prop = len;
          propInv = r.invariant;
        }
      }
    }
    String bfsInv = null;
    int bfs = -1;
    Bounds b = FaultBounds.bounds(sem, faults, bounds.assumptions(), bounds.workers());
    // --depth replaces the fault's own depth (the other bounds stay the fault's); --no-symmetry applies
    b = new Bounds(sem, depthGiven ? bounds.depth() : b.depth(), b.inodes(), b.backings(), b.threads(), b.opens(),
        b.ticks(), b.server(), faults, b.assumptions(), b.dio(), bounds.symmetry(), b.workers());
    ModelExplorer ex = new ModelExplorer(b, null);
    ex.stopAtFirstViolation = true;
    CoreExplorer.Stats st = ex.run();
    long states = st.distinct;
    int reached = st.depth;
    double secs = st.nanos / 1e9;
    for (ModelExplorer.Violation v : ex.violations().values()) {
      if (v == null) {
        continue;
      }
      List<Stmt> stmts = new ArrayList<>();
      for (String l : v.lines()) {
        stmts.add(ModelPath.stmt(l));
      }
      Counterexample cx = Counterexample.of(ex.setup(), "bfs-" + f.id(), stmts, List.of());
      int len = actions(cx.text());
      if (bfs < 0 || len < bfs) {
        bfs = len;
        bfsInv = v.invariant();
      }
    }
    err.printf(Locale.ROOT, "  %s: shrunk %d, shortest %d%n", f.id(), prop, bfs);
    err.flush();
    return new Row(f, propInv, prop, bfsInv, bfs, states, secs, reached);
  }

  /** Prints the table (markdown); returns 0. */
  public int print(PrintWriter out, PrintWriter err) throws IOException {
    out.println("| fault | semantics | property engine: invariant, shrunk length | BFS: invariant, shortest length "
        + "| ratio | BFS bound | BFS states, s |");
    out.println("|---|---|---|---|---|---|---|");
    for (Fault f : Fault.values()) {
      Row r = row(f, err);
      fusesim.traces.replay.FaultCatalog.Bound fb = FaultBounds.of(f);
      out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %d, %.1f |%n", f.id(), semanticsFor(f),
          r.propLength() < 0 ? "not found" : r.propInvariant() + ", " + r.propLength(),
          r.bfsLength() < 0 ? "not found within depth " + r.bfsDepth() : r.bfsInvariant() + ", " + r.bfsLength(),
          r.ratio(), "depth " + (depthGiven ? bounds.depth() : fb.depth()) + ", " + fb.inodes() + " files, "
              + fb.backings() + " backing" + (fb.ticks() > 0 ? ", " + fb.ticks() + " tick" : "")
              + (fb.server() == ServerMode.ARBITRARY ? ", arbitrary" : ""), r.bfsStates(), r.bfsSeconds());
      out.flush();
    }
    return 0;
  }
}
