package fusesim.bench;

import fusesim.explore.CoreCrossCheck;
import fusesim.explore.CoreExplorer;
import fusesim.explore.IoCore;
import fusesim.explore.ModelEncoder;
import fusesim.explore.ModelPath;
import fusesim.model.Kernel;
import fusesim.model.series.Semantics;
import fusesim.traces.replay.ServerMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The explorer's costs (explore/README.md has the measured figures):
 * <ul>
 *   <li>{@code coreEncode}: packing one io-mode core state (TLC bound: 6 inodes, 2
 *       backings, 3 opens per inode), with and without symmetry (canonical form);
 *   <li>{@code coreSuccessors}: every action of one core state (precondition, kernel code,
 *       invariants, packing);
 *   <li>{@code modelEncode}: the reflective exact encoding of a full model state;
 *   <li>{@code appendixA}: a whole core exploration of the TLC bound (TLC: 4,000,000 distinct
 *       states in 159 s, 25k/s), with and without symmetry; read the time per operation.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ExploreBench {
  @State(Scope.Thread)
  public static class Core {
    @Param({"true", "false"})
    public boolean symmetry;
    IoCore core;
    long[] states;
    int n;
    int i;
    IoCore.World w;
    long[] out;

    @Setup
    public void setup() {
      core = new IoCore(6, 2, 3, 1, false, symmetry, Set.of());
      SplittableRandom rnd = new SplittableRandom(1);
      n = 1024;
      states = new long[n * core.words];
      w = core.newWorld();
      out = new long[core.words];
      for (int k = 0; k < n; k++) {
        int[] path = CoreCrossCheck.randomPath(core, rnd, 20);
        long[] s = core.initial();
        IoCore.World x = core.newWorld();
        core.unpack(s, 0, x);
        for (int a : path) {
          if (core.successor(x, a, s, 0) != IoCore.OK) {
            break;
          }
          core.unpack(s, 0, x);
        }
        System.arraycopy(s, 0, states, k * core.words, core.words);
      }
    }
  }

  @Benchmark
  public void coreEncode(Core c, Blackhole bh) {
    c.i = (c.i + 1) % c.n;
    c.core.unpack(c.states, c.i * c.core.words, c.w);
    c.core.pack(c.w, c.out, 0, null);
    bh.consume(c.out[0]);
  }

  @Benchmark
  public void coreSuccessors(Core c, Blackhole bh) {
    c.i = (c.i + 1) % c.n;
    c.core.unpack(c.states, c.i * c.core.words, c.w);
    for (int a = 0; a < c.core.actionCount; a++) {
      bh.consume(c.core.successor(c.w, a, c.out, 0));
    }
  }

  @State(Scope.Thread)
  public static class Model {
    /** The full engine's symmetry (fds in use, threads): two fds open here, so two orderings. */
    @Param({"false", "true"})
    public boolean symmetry;
    Kernel k;
    ModelEncoder enc;

    @Setup
    public void setup() {
      enc = new ModelEncoder(symmetry);
      fusesim.traces.replay.Setup s = fusesim.traces.replay.Setup.of(Semantics.MAINLINE, Set.of(), ServerMode.WELL_BEHAVED);
      ModelPath p = new ModelPath(s);
      for (String l : List.of("mount passthrough", "lower file /f1 ino=11 size=4096", "lower file /f2 ino=12 size=4096",
          "server backing_open /f1 = 1", "server open /f1 passthrough backing=1", "T1 open(\"/f1\", O_RDWR) = 3",
          "T1 stat(\"/f2\") = 0", "server open /f2 direct_io,parallel_direct_writes", "T1 open(\"/f2\", O_RDWR) = 4")) {
        if (p.run(l, false, s) != ModelPath.Status.OK) {
          throw new IllegalStateException(l);
        }
      }
      k = p.kernel();
    }
  }

  @Benchmark
  public byte[] modelEncode(Model m) {
    return m.enc.encode(m.k);
  }

  @State(Scope.Benchmark)
  public static class Whole {
    @Param({"true", "false"})
    public boolean symmetry;
  }

  /** The TLC bound explored to exhaustion on both cores. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public long appendixA(Whole w) {
    IoCore core = new IoCore(6, 2, 3, 1, false, w.symmetry, Set.of());
    return new CoreExplorer(core, Integer.MAX_VALUE, Runtime.getRuntime().availableProcessors(), null).run().distinct;
  }
}
