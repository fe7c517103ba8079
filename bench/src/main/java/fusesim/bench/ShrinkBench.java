package fusesim.bench;

import fusesim.model.Fault;
import fusesim.model.series.Semantics;
import fusesim.properties.Generator;
import fusesim.properties.Profile;
import fusesim.properties.Shrinker;
import fusesim.properties.TraceShrinker;
import fusesim.traces.lang.Stmt;
import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Setup;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Shrinking time per fault: the first failing sequence the generator finds for the fault (seed
 * 11, both server modes alternating, as {@code fusesim check --fault F --seed 11}), shrunk to a
 * 1-minimal trace. Faults no invariant can see on mainline are left out.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ShrinkBench {
  @Param({"uncached-io-end-leaks-fb", "backing-close-double-put", "release-skips-io-release",
      "cache-wait-ignores-dio", "revalidate-keeps-changed-nodeid", "forget-wrong-nlookup"})
  public String fault;

  Setup setup;
  List<Stmt> failing;
  String invariant;

  @org.openjdk.jmh.annotations.Setup(Level.Trial)
  public void find() {
    Fault f = Fault.byId(fault);
    java.util.SplittableRandom seeds = new java.util.SplittableRandom(11);
    for (long i = 0; i < 100_000; i++) {
      ServerMode m = i % 2 == 0 ? ServerMode.WELL_BEHAVED : ServerMode.ARBITRARY;
      Setup s = Setup.of(Semantics.MAINLINE, Set.of(f), m);
      Generator.Run r = new Generator(s, Profile.forFault(m, f), seeds.nextLong()).generate();
      if (r.violation() != null && !TraceShrinker.violatesWithoutFaults(s, r.stmts(), r.violation().invariant())) {
        setup = s;
        failing = r.stmts();
        invariant = r.violation().invariant();
        return;
      }
    }
    throw new IllegalStateException("no failing sequence for " + fault);
  }

  @Benchmark
  public Shrinker.Result<Stmt> shrink() {
    return TraceShrinker.shrink(setup, failing, invariant);
  }
}
