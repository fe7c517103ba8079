package fusesim.cli;

import fusesim.kernel.replay.Comparison;
import fusesim.kernel.replay.KernelReplay;
import fusesim.kernel.replay.KernelReplayResult;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceError;
import fusesim.traces.replay.ModelReplay;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fusesim kernel ...}: the real-kernel oracle. */
@Command(name = "kernel", mixinStandardHelpOptions = true, description = "Run traces on this machine's real kernel.",
    subcommands = {KernelCommand.Replay.class, KernelCommand.Fuzz.class, KernelCommand.Shrink.class,
        KernelCommand.Cleanup.class})
final class KernelCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a kernel subcommand is required");
  }

  /**
   * {@code fusesim kernel replay FILE...}: replays each trace on the kernel and on the model and
   * prints them side by side, marking every disagreement. Exit 0 when the kernel meets every
   * observable expectation and agrees with the model, 1 on any disagreement, 2 on bad input, 3
   * when the kernel cannot be used here.
   */
  @Command(name = "replay", mixinStandardHelpOptions = true, description = "Replay traces on the real kernel, side by side with the model.")
  static final class Replay implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "trace files or directories")
    List<Path> files;

    @Option(names = {"-q", "--quiet"}, description = "print one line per trace")
    boolean quiet;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      Io io = Io.of(spec);
      PrintWriter out = io.out();
      PrintWriter err = io.err();
      Traces.Loaded loaded = Traces.load(files, err);
      List<Trace> traces = loaded.traces();
      if (traces.isEmpty()) {
        return loaded.worst(0);
      }
      Optional<String> why = KernelReplay.unavailableReason();
      if (why.isPresent()) {
        err.println("fusesim: the kernel cannot be used here: " + why.get());
        return 3;
      }
      int disagree = 0;
      int refused = 0;
      long steps = 0;
      long t0 = System.nanoTime();
      for (Trace t : traces) {
        ModelReplay.Result model;
        KernelReplayResult kernel;
        try {
          model = ModelReplay.run(t);
          kernel = KernelReplay.runBeside(t, model.steps().stream().map(ModelReplay.Step::obs).toList());
        } catch (TraceError e) {
          err.println(e.getMessage());
          err.flush();
          refused++;
          continue;
        } catch (KernelReplay.Unavailable e) {
          err.println("fusesim: " + t.file() + ": " + e.getMessage());
          return 3;
        }
        List<Comparison.Row> rows = Comparison.rows(
            model.steps().stream().map(ModelReplay.Step::obs).toList(), kernel);
        boolean ok = kernel.allMet() && Comparison.agree(rows);
        steps += kernel.observations().size();
        disagree += ok ? 0 : 1;
        if (quiet) {
          out.println((ok ? "OK    " : "DIFF  ") + t.file()
              + kernel.firstDisagreement().map(d -> ":" + d.line() + ": " + d.message()).orElse(""));
        } else {
          out.println("== " + t.file() + "  (model | kernel)");
          out.print(Comparison.render(rows));
          out.println(ok ? "OK    kernel and model agree" : "DIFF  " + kernel.firstDisagreement()
              .map(d -> "line " + d.line() + ": " + d.message()).orElse("model and kernel differ (rows marked !=)"));
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      int bad = loaded.bad() + refused;
      out.printf("%d of %d traces agree with the kernel (%d kernel steps, %.1f s)%s%n",
          traces.size() - refused - disagree, traces.size() + loaded.bad(), steps, secs,
          bad == 0 ? "" : ", " + bad + " malformed or unreadable (errors on stderr)");
      return refused == 0 ? loaded.worst(disagree == 0 ? 0 : 1) : Traces.BAD_INPUT;
    }
  }

  /**
   * {@code fusesim kernel fuzz --count N --seed S}: differential testing. Random sequential and
   * concurrent traces from the property engine's generator (well-behaved and arbitrary servers,
   * alternating) run on the model and on the kernel; every disagreement kind is shrunk and saved
   * under {@code --out}. Exit 0 no disagreement, 1 disagreements, 2 bad input, 3 kernel unusable.
   */
  @Command(name = "fuzz", mixinStandardHelpOptions = true, description = {"Differential testing: random traces "
      + "on the model and on the real kernel, every disagreement shrunk and saved under --out.",
      "Exit 0: no disagreement; 1: disagreements; 2: bad input; 3: the kernel cannot be used here."})
  static final class Fuzz implements Callable<Integer> {
    @Option(names = "--count", paramLabel = "N", description = "traces to run (default: 200)")
    int count = 200;

    @Option(names = "--seed", paramLabel = "S", description = "seed (default: random; always printed)")
    String seedText;

    @Option(names = "--out", paramLabel = "DIR", description = "where shrunk disagreements go (default: out)")
    Path outDir = Path.of("out");

    @Option(names = "--shrink-attempts", paramLabel = "N", description = "kernel runs allowed per shrink (default: 600)")
    int shrinkAttempts = 600;

    @Option(names = "--entry-ops", description = "also generate mknod, symlink, link, readlink, readdirplus and default_permissions "
        + "mounts (not by default: their kinds of disagreement are not all written up yet, kernel/README.md)")
    boolean entryOps;

    @Option(names = "--known", paramLabel = "DIR", description = "traces of kinds of disagreement already written up "
        + "(their 'doc: kernel fuzz signature:' lines): counted, not shrunk again; repeatable (default: "
        + "traces/corpus/mainline-disagreements and kernel/fuzz-findings)")
    List<Path> knownDirs = new ArrayList<>();

    @Option(names = "--json", description = "JSON Lines on stdout (one object per kind of disagreement, then a "
        + "summary: FuzzJson); the progress and the text summary go to stderr")
    boolean json;

    @Option(names = "--wire-faults", description = "the wire-fault campaign instead (campaigns/WireFaultCampaign): each "
        + "trace runs with one faulted reply (bad length, unknown unique, short payload, error on an unfailable op), "
        + "checked against the model's framing rules (fs/fuse/dev.c); exit 1 on a disagreement")
    boolean wireFaults;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Io io = Io.of(spec);
      PrintWriter err = io.err();
      PrintWriter out = json ? err : io.out();
      if (count < 1) {
        err.println("fusesim: --count takes a positive number of traces, got " + count);
        return 2;
      }
      if (shrinkAttempts < 0) {
        err.println("fusesim: --shrink-attempts takes a non-negative number, got " + shrinkAttempts);
        return 2;
      }
      long seed;
      if (seedText == null) {
        seed = new java.security.SecureRandom().nextLong() & Long.MAX_VALUE;
      } else {
        try {
          seed = Long.parseUnsignedLong(seedText);
        } catch (NumberFormatException e) {
          err.println("fusesim: --seed takes a non-negative integer, got '" + seedText + "'");
          return 2;
        }
      }
      if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
        err.println("fusesim: --out " + outDir + " is not a directory");
        return 2;
      }
      for (Path d : knownDirs) {
        if (!Files.isDirectory(d)) {
          err.println("fusesim: --known " + d + " is not a directory");
          return 2;
        }
      }
      Optional<String> why = KernelReplay.unavailableReason();
      if (why.isPresent()) {
        err.println("fusesim: the kernel cannot be used here: " + why.get());
        return 3;
      }
      out.println("seed: " + Long.toUnsignedString(seed));
      out.flush();
      if (wireFaults) {
        return wireFaults(out, err, seed);
      }
      java.util.Set<String> known = new java.util.TreeSet<>();
      try {
        List<Path> dirs = !knownDirs.isEmpty() ? knownDirs : List.of(Traces.corpus().resolve("mainline-disagreements"),
            Traces.corpus().getParent().getParent().resolve("kernel").resolve("fuzz-findings"));
        for (Path d : dirs) {
          known.addAll(fusesim.campaigns.Fuzzer.knownSignatures(d));
        }
      } catch (IOException e) {
        err.println("fusesim: cannot read the known disagreements: " + e.getMessage());
        return 2;
      }
      fusesim.campaigns.Fuzzer fuzzer = new fusesim.campaigns.Fuzzer(new fusesim.campaigns.Fuzzer.Options(
          count, seed, outDir, fusesim.campaigns.Fuzzer.STEP_TIMEOUT, shrinkAttempts, 120_000, known, entryOps));
      Progress<fusesim.campaigns.Fuzzer.Report> line = Progress.of(err, p -> String.format(
          "fuzz %d/%d traces, %d kernel steps, %.0f steps/s on the kernel, %d disagreeing, %s", p.traces, count,
          p.kernelSteps, p.kernelStepsPerSecond(), p.disagreeing, Progress.left(p.millis, p.traces, count)));
      fusesim.campaigns.Fuzzer.Report r;
      try {
        r = fuzzer.run(line.printing(out), line::accept);
        line.clear();
      } catch (KernelReplay.Unavailable e) {
        err.println("fusesim: the kernel cannot be used here: " + e.getMessage());
        return 3;
      }
      out.print(fusesim.campaigns.Summary.text(r, seed));
      out.flush();
      if (json) {
        FuzzJson.write(spec.commandLine().getOut(), r, seed);
      }
      return r.disagreeing == 0 ? 0 : 1; // known kinds count too: the model still disagrees there
    }

    private int wireFaults(PrintWriter out, PrintWriter err, long seed) {
      if (json || entryOps) {
        err.println("fusesim: --wire-faults takes neither --json nor --entry-ops");
        return 2;
      }
      Progress<fusesim.campaigns.WireFaultCampaign.Report> line = Progress.of(err, p -> String.format(
          "wire faults %d/%d traces, %d taken, %d disagreeing, %s", p.traces, count, p.injected,
          p.disagreements.size(), Progress.left(p.millis, p.traces, count)));
      fusesim.campaigns.WireFaultCampaign.Report r;
      try {
        r = new fusesim.campaigns.WireFaultCampaign(count, seed, fusesim.campaigns.Fuzzer.STEP_TIMEOUT)
            .run(line.printing(out), line::accept);
        line.clear();
      } catch (KernelReplay.Unavailable e) {
        err.println("fusesim: the kernel cannot be used here: " + e.getMessage());
        return 3;
      }
      out.print(fusesim.campaigns.WireFaultCampaign.summary(r, seed));
      for (fusesim.traces.lang.Trace t : r.faultedTraces) {
        // the faulted trace of each counted disagreement, replayable with `fusesim kernel replay`
        Path p = outDir.resolve("wire-faults").resolve(t.name() + ".trace");
        try {
          java.nio.file.Files.createDirectories(p.getParent());
          java.nio.file.Files.writeString(p, fusesim.traces.lang.TracePrinter.print(t));
          out.println("faulted trace: " + p);
        } catch (java.io.IOException e) {
          err.println("fusesim: cannot write " + p + ": " + e.getMessage());
        }
      }
      out.flush();
      return r.disagreements.isEmpty() ? 0 : 1;
    }
  }

  /**
   * {@code fusesim kernel shrink FILE...}: a saved disagreement (a fuzz finding) run again on the
   * model and the kernel, shrunk to a 1-minimal trace that disagrees the same way, and saved under
   * {@code --out} with the same name. Exit 0 every file shrunk and confirmed, 1 a file did not
   * disagree (or not the same way) or its shrunk trace was not confirmed, 2 bad input, 3 kernel
   * unusable.
   */
  @Command(name = "shrink", mixinStandardHelpOptions = true, description = {"Shrink saved disagreements "
      + "(fuzz findings) to 1-minimal traces, each candidate run on the model and the real kernel.",
      "Exit 0: all shrunk and confirmed; 1: one did not disagree or was not confirmed; 2: bad input; 3: no kernel."})
  static final class Shrink implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "finding traces or directories")
    List<Path> files;

    @Option(names = "--out", paramLabel = "DIR", description = "where shrunk traces go (default: out)")
    Path outDir = Path.of("out");

    @Option(names = "--attempts", paramLabel = "N", description = "kernel replays allowed per file (default: 600; candidates the model rejects are free)")
    int attempts = 600;

    @Option(names = "--budget", paramLabel = "SECONDS", description = "wall time per file (default: 120)")
    int budgetSeconds = 120;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      Io io = Io.of(spec);
      PrintWriter out = io.out();
      PrintWriter err = io.err();
      if (attempts < 1 || budgetSeconds < 1) {
        err.println("fusesim: --attempts and --budget take positive numbers, got " + attempts + " and " + budgetSeconds);
        return 2;
      }
      if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
        err.println("fusesim: --out " + outDir + " is not a directory");
        return 2;
      }
      Traces.Loaded loaded = Traces.load(files, err);
      List<Trace> traces = loaded.traces();
      if (traces.isEmpty()) {
        return loaded.worst(0);
      }
      Optional<String> why = KernelReplay.unavailableReason();
      if (why.isPresent()) {
        err.println("fusesim: the kernel cannot be used here: " + why.get());
        return 3;
      }
      Files.createDirectories(outDir);
      int failed = 0;
      for (Trace t : traces) {
        String name = t.header().name().text();
        boolean arbitrary = t.header().docs().stream().anyMatch(d -> d.text().contains("arbitrary server"));
        fusesim.traces.replay.Setup setup = fusesim.traces.replay.Setup.of(fusesim.model.series.Semantics.MAINLINE,
            java.util.Set.of(), arbitrary ? fusesim.traces.replay.ServerMode.ARBITRARY
                : fusesim.traces.replay.ServerMode.WELL_BEHAVED);
        List<fusesim.traces.lang.Stmt> body = fusesim.campaigns.FindingFile.generated(t);
        fusesim.campaigns.Differential.Outcome first;
        try {
          first = fusesim.campaigns.Differential.run(fusesim.campaigns.Differential.trace(name, body, List.of()),
              fusesim.campaigns.Fuzzer.STEP_TIMEOUT);
        } catch (KernelReplay.Unavailable e) {
          err.println("fusesim: the kernel cannot be used here: " + e.getMessage());
          return 3;
        }
        if (first.mismatch().isEmpty()) {
          out.println("AGREE " + name + ": model and kernel agree on this run; not shrunk");
          failed++;
          continue;
        }
        fusesim.campaigns.Differential.Mismatch m = first.mismatch().get();
        String sig = m.signature();
        String saved = t.header().docs().stream().map(d -> d.text())
            .filter(d -> d.startsWith(fusesim.campaigns.FindingFile.SIGNATURE)).findFirst()
            .map(d -> d.substring(fusesim.campaigns.FindingFile.SIGNATURE.length())).orElse(sig);
        if (!saved.strip().equals(sig.strip())) {
          out.println("OTHER " + name + ": disagrees another way this run: " + sig + " (saved: " + saved + ")");
        }
        List<fusesim.traces.lang.Stmt> failing = List.copyOf(body.subList(0, m.index() + 1));
        fusesim.properties.Shrinker.Result<fusesim.traces.lang.Stmt> r = fusesim.campaigns.Fuzzer.shrink(setup,
            failing, sig, attempts, budgetSeconds * 1000L, fusesim.campaigns.Fuzzer.STEP_TIMEOUT, c -> { });
        List<String> how = new ArrayList<>();
        t.header().docs().stream().map(d -> d.text()).filter(d -> d.startsWith("found by:")).forEach(how::add);
        how.add("shrunk by fusesim kernel shrink from " + r.stats().before() + " to " + r.stats().after()
            + " steps in " + r.stats().attempts() + " attempts, " + r.stats().millis() + " ms"
            + (r.stats().complete() ? ", 1-minimal" : ", cut short (not proven 1-minimal)"));
        fusesim.campaigns.FindingFile file = fusesim.campaigns.FindingFile.of(name, r.items(), sig, how,
            fusesim.campaigns.Fuzzer.STEP_TIMEOUT);
        Path dest = outDir.resolve(name + ".trace");
        Files.writeString(dest, file.text());
        out.println((file.confirmed() ? "SHRUNK " : "UNCONFIRMED ") + name + ": " + r.stats() + " -> " + dest
            + (file.confirmed() ? "" : " (" + file.note() + ")"));
        out.flush();
        failed += file.confirmed() ? 0 : 1;
      }
      return loaded.worst(failed == 0 ? 0 : 1);
    }
  }

  /**
   * {@code fusesim kernel cleanup}: what runs that were killed (kill -9, a power cut) left behind:
   * fusesim mounts whose owner process is gone are aborted and detached, and the oracle's stale
   * mount points and lower trees removed. Mounts of running fusesim processes are left alone. Exit 0,
   * or 3 when the oracle is switched off here.
   */
  @Command(name = "cleanup", mixinStandardHelpOptions = true, description = {"Unmount and remove what killed "
      + "fusesim kernel runs left (mounts of live runs are left alone).", "Exit 0: done; 3: the oracle is off here."})
  static final class Cleanup implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Io io = Io.of(spec);
      PrintWriter out = io.out();
      PrintWriter err = io.err();
      if ("off".equals(System.getenv("FUSESIM_KERNEL"))) {
        err.println("fusesim: FUSESIM_KERNEL=off in the environment: the real-kernel oracle is switched off");
        return 3;
      }
      String lib = fusesim.kernel.sys.Libc.loadProblem();
      if (lib != null) {
        err.println("fusesim: cannot call libc through JNA: " + lib);
        return 3;
      }
      List<String> actions = fusesim.kernel.sys.Mounts.cleanupStale();
      actions.forEach(out::println);
      List<String> live = fusesim.kernel.sys.Mounts.ourMounts();
      out.println(actions.isEmpty() ? "nothing to clean up" : actions.size() + " actions");
      if (!live.isEmpty()) {
        out.println("left alone (their fusesim process still runs): " + String.join(", ", live));
      }
      return 0;
    }
  }
}
