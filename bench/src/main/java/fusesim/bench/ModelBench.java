package fusesim.bench;

import fusesim.invariants.Checker;
import fusesim.model.Faults;
import fusesim.model.Kernel;
import fusesim.model.Lower;
import fusesim.model.MountConfig;
import fusesim.model.Opcode;
import fusesim.model.ReplySpec;
import fusesim.model.UserThread;
import fusesim.model.fuse.BackingMap;
import fusesim.model.fuse.Iomode;
import fusesim.model.series.Semantics;
import fusesim.model.vfs.SyscallTable;
import fusesim.properties.Generator;
import fusesim.properties.Profile;
import fusesim.traces.lang.Stmt;
import fusesim.traces.replay.ServerMode;
import fusesim.traces.replay.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Model steps per second, single-threaded. A step is one statement: a syscall started (run until
 * done or blocked), a server action, or an environment action.
 *
 * <ul>
 *   <li>{@code raw*}: the model API directly (SyscallTable.make + Kernel.start), a fixed open/read/write/
 *       stat/mmap/close loop over a passthrough and a cached file, with and without
 *       {@code Checker.all()} after every step;
 *   <li>{@code generated*}: 200 generated sequences (both server modes) replayed statement by
 *       statement through the trace StepRunner, as the property engine runs them, with and
 *       without the invariant checks.
 * </ul>
 * The {@code steps} counter is the figure to read (ops/s).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ModelBench {
  /** Steps counted per benchmark call. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Steps {
    public long steps;

    @Setup(Level.Iteration)
    public void reset() {
      steps = 0;
    }
  }

  @State(Scope.Benchmark)
  public static class Sequences {
    final List<List<Stmt>> seqs = new ArrayList<>();
    final List<fusesim.traces.replay.Setup> setups = new ArrayList<>();

    @Setup(Level.Trial)
    public void generate() {
      for (int i = 0; i < 200; i++) {
        ServerMode m = i % 2 == 0 ? ServerMode.WELL_BEHAVED : ServerMode.ARBITRARY;
        fusesim.traces.replay.Setup s = fusesim.traces.replay.Setup.of(Semantics.MAINLINE, Set.of(), m);
        Generator.Run r = new Generator(s, Profile.base(m), i).generate();
        if (r.modelError() == null) {
          seqs.add(r.stmts());
          setups.add(s);
        }
      }
    }
  }

  private static final Checker ALL = Checker.all();

  /** The fixed raw workload: returns the number of steps. */
  static int rawRound(boolean check, Blackhole bh) {
    Kernel k = new Kernel(Semantics.MAINLINE, Faults.none());
    MountConfig m = new MountConfig();
    m.passthrough = true;
    k.lower.add("/a", Lower.S_IFREG | 0644, 10).size = 4096;
    k.lower.add("/c", Lower.S_IFREG | 0644, 11).size = 4096;
    k.mount(m);
    int id = k.backing.devIocBackingOpen(BackingMap.of(k.lower.resolve("/a")), 0);
    k.server.policy(Opcode.OPEN, "/a", new ReplySpec(ReplySpec.Kind.OPEN, 0,
        Map.of("open_flags", (long) Iomode.FOPEN_PASSTHROUGH, "backing", (long) id), false, null));
    k.server.policy(Opcode.OPEN, "/c", new ReplySpec(ReplySpec.Kind.OPEN, 0,
        Map.of("open_flags", (long) Iomode.FOPEN_KEEP_CACHE), false, null));
    UserThread t = k.threads.get("T1");
    int steps = 0;
    for (int round = 0; round < 20; round++) {
      for (String p : new String[] {"/a", "/c"}) {
        steps += call(k, t, check, bh, "open", p, 2L);
        long fd = t.lastResult.value();
        steps += call(k, t, check, bh, "read", fd, 4096L);
        steps += call(k, t, check, bh, "pwrite", fd, 4096L, 0L);
        steps += call(k, t, check, bh, "fstat", fd);
        steps += call(k, t, check, bh, "stat", p);
        steps += call(k, t, check, bh, "close", fd);
      }
    }
    return steps;
  }

  private static int call(Kernel k, UserThread t, boolean check, Blackhole bh, String name, Object... args) {
    k.start(SyscallTable.make(t, name, List.of(args)));
    if (check) {
      bh.consume(ALL.check(k));
    }
    return 1;
  }

  @Benchmark
  public void rawNoChecks(Steps s, Blackhole bh) {
    s.steps += rawRound(false, bh);
  }

  @Benchmark
  public void rawAllChecks(Steps s, Blackhole bh) {
    s.steps += rawRound(true, bh);
  }

  private static void generated(Sequences q, Steps c, boolean check, Blackhole bh) {
    for (int i = 0; i < q.seqs.size(); i++) {
      Session s = new Session(q.setups.get(i), check);
      int n = 0;
      for (Stmt st : q.seqs.get(i)) {
        bh.consume(s.exec(st));
        bh.consume(s.check(n++));
      }
      c.steps += n;
    }
  }

  @Benchmark
  public void generatedNoChecks(Sequences q, Steps s, Blackhole bh) {
    generated(q, s, false, bh);
  }

  @Benchmark
  public void generatedAllChecks(Sequences q, Steps s, Blackhole bh) {
    generated(q, s, true, bh);
  }
}
