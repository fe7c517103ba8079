package fusesim.cli;

import fusesim.explore.Bounds;
import fusesim.explore.Explore;
import fusesim.explore.FaultBounds;
import fusesim.explore.ShrinkTable;
import fusesim.model.Fault;
import fusesim.model.series.Semantics;
import fusesim.traces.replay.ServerMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fusesim explore}: exhaustive bounded breadth-first exploration, exact dedup, shortest
 * counterexamples written under out/. See explore/README.md.
 */
@Command(name = "explore", mixinStandardHelpOptions = true, description = {
    "Explore every state within the bounds (breadth-first, exact dedup); every invariant after every "
        + "step; each violated invariant's shortest trace written under --out.",
    "Engines: full (default: the whole model, every invariant, every fault, any semantics) and core "
        + "(the packed mainline io-mode core, fast; cross-checked against the full model).",
    "Exit 0: every invariant holds within the bounds; 1: a violation; 2: bad input."})
final class ExploreCommand implements Callable<Integer> {
  @Option(names = "--engine", paramLabel = "E", description = "full (default: the stateful full-model engine), "
      + "full-stateless (the old engine, which re-executes every path from the root), or core")
  String engineText = "full";

  @Option(names = "--semantics", paramLabel = "S", description = "mainline (default), v1, v2 or v2@K")
  String semanticsText = "mainline";

  @Option(names = "--depth", paramLabel = "D", description = "moves from the initial state (default: full 5, "
      + "4 under a semantics with the series; core unbounded)")
  Integer depth;

  @Option(names = "--inodes", paramLabel = "N", description = "files (default: 2 full, 3 core)")
  Integer inodes;

  @Option(names = "--backings", paramLabel = "N", description = "backing ids at once (default: 1 full, 2 core)")
  Integer backings;

  @Option(names = "--threads", paramLabel = "N", description = "user threads (default 2)")
  Integer threads;

  @Option(names = "--opens", paramLabel = "N", description = "open fds (full, default 2) or open files per inode "
      + "(core, default 3)")
  Integer opens;

  @Option(names = "--ticks", paramLabel = "N", description = "clock ticks of 2s (full; default 0)")
  Integer ticks;

  @Option(names = "--server", paramLabel = "MODE", description = "well-behaved (default) or arbitrary")
  String serverText;

  @Mixin
  FaultOption fault = new FaultOption();

  @Option(names = "--assume", paramLabel = "ID=CHOICE", description = "answer an open question of the assumption "
      + "registry (repeatable), e.g. --assume A5=degrade; see fusesim spec or model/Assumption.java")
  List<String> assumptions = new ArrayList<>();

  @Option(names = "--no-symmetry", description = "no symmetry reduction (core: inodes and backing slots; full: fd "
      + "numbers), to measure what it saves")
  boolean noSymmetry;

  @Option(names = "--no-dio", description = "core: no direct-io opens and writes (the alphabet of the TLA+ spec "
      + "used for the TLC comparison, explore/README.md)")
  boolean noDio;

  @Option(names = "--frontier-mb", paramLabel = "MB", description = "core: the heap one BFS level may take; a larger "
      + "level is spilled to a temporary file (default 256)")
  Integer frontierMb;

  @Option(names = "--exact", description = "full engine: dedup on whole canonical encodings (no fingerprints; "
      + "the stateless engine always is exact)")
  boolean exact;

  @Option(names = "--por", description = "full engine: partial-order reduction by sleep sets (a move independent "
      + "of an earlier sibling is not run again after it; explore/README.md, \"Partial-order reduction\")")
  boolean por;

  @Option(names = "--no-por", description = "full engine: no partial-order reduction (the default)")
  boolean noPor;

  @Option(names = "--workers", paramLabel = "N", description = "worker threads (default: the cores)")
  int workers = Runtime.getRuntime().availableProcessors();

  @Option(names = "--out", paramLabel = "DIR", description = "where counterexamples go (default: out)")
  Path outDir = Path.of("out");

  @Option(names = "--shrink-table", description = "for every fault: the property engine's shrunk length against "
      + "the shortest BFS length (each fault's BFS uses its own bound, or --depth; series faults run under v2 "
      + "when --semantics lacks their patch; --runs)")
  boolean shrinkTable;

  @Option(names = "--runs", paramLabel = "N", description = "--shrink-table: property sequences per fault "
      + "(default 3000)")
  int runs = 3000;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Io io = Io.of(spec);
    PrintWriter out = io.out();
    PrintWriter err = io.err();
    Explore run;
    Bounds bounds;
    Explore.Engine engine;
    try {
      engine = switch (engineText) {
        case "full" -> Explore.Engine.FULL;
        case "full-stateless" -> Explore.Engine.FULL_STATELESS;
        case "core" -> Explore.Engine.CORE;
        default -> throw new IllegalArgumentException("--engine takes full, full-stateless or core, got '"
            + engineText + "'");
      };
      Semantics sem = Semantics.parse(semanticsText);
      if (sem == null) {
        throw new IllegalArgumentException("unknown semantics '" + semanticsText + "' (mainline, v1, v2 or v2@K with K 0.."
            + Semantics.V2_PATCHES + ")");
      }
      ServerMode mode = ServerMode.parse(serverText == null ? "well-behaved" : serverText);
      if (mode == null) {
        throw new IllegalArgumentException("--server takes well-behaved or arbitrary, got '" + serverText + "'");
      }
      Set<Fault> faults = fault.faults();
      try {
        sem = sem.assume(assumptions); // the assumption registry (model/Assumption.java)
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--assume: " + e.getMessage());
      }
      boolean core = engine == Explore.Engine.CORE;
      if (!core && !shrinkTable) {
        FaultBounds.check(sem, faults);
      }
      boolean noBound = depth == null && inodes == null && backings == null && threads == null && opens == null
          && ticks == null && serverText == null;
      String boundsFrom = null;
      if (!core && !shrinkTable && !faults.isEmpty() && noBound) {
        Bounds fb = FaultBounds.bounds(sem, faults, assumptions, workers);
        bounds = new Bounds(sem, fb.depth(), fb.inodes(), fb.backings(), fb.threads(), fb.opens(), fb.ticks(),
            fb.server(), faults, assumptions, !noDio, !noSymmetry, workers);
        boundsFrom = "the bound that finds " + (faults.size() == 1 ? "this fault, which must break "
            + fusesim.traces.replay.FaultCatalog.of(faults.iterator().next()).breaks().id() : "these faults")
            + " (the fault catalog: fusesim faults; any bound option replaces it)";
      } else {
        int d = depth != null ? depth : shrinkTable ? 7 : core ? Integer.MAX_VALUE : Bounds.fullDepth(sem);
        bounds = new Bounds(sem, d, inodes != null ? inodes : core ? 3 : 2, backings != null ? backings : core ? 2 : 1,
            threads != null ? threads : 2, opens != null ? opens : core ? 3 : 2, ticks != null ? ticks : 0, mode,
            faults, assumptions, !noDio, !noSymmetry, workers);
      }
      if (shrinkTable) {
        bounds.validate(false);
        if (runs < 1) {
          throw new IllegalArgumentException("--runs must be positive, got " + runs);
        }
        return new ShrinkTable(bounds, runs, depth != null).print(out, err);
      }
      run = new Explore(bounds, engine, outDir);
      run.known = fusesim.properties.KnownFindings.load(Traces.corpus().resolve("findings"));
      run.boundsFrom = boundsFrom;
      run.exact = exact;
      if (por && noPor) {
        throw new IllegalArgumentException("--por and --no-por contradict each other");
      }
      if (por && engine != Explore.Engine.FULL) {
        throw new IllegalArgumentException("--por is for --engine full (the stateful engine)");
      }
      run.por = por;
      if (exact && engine != Explore.Engine.FULL) {
        throw new IllegalArgumentException("--exact is for --engine full (the others always dedup exactly)");
      }
      if (frontierMb != null) {
        if (frontierMb < 1) {
          throw new IllegalArgumentException("--frontier-mb must be at least 1, got " + frontierMb);
        }
        run.frontierBytes = (long) frontierMb << 20;
      }
      run.check();
    } catch (IllegalArgumentException e) {
      err.println("fusesim: " + e.getMessage());
      return 2;
    }
    CountDownLatch printed = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      run.stop();
      try {
        printed.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return run.run(out, err);
    } finally {
      printed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Ctrl-C: the hook is running and waits for the report just printed
      }
    }
  }
}
