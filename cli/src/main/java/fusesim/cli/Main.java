package fusesim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fusesim} command. Exit codes: 0 success, 1 a trace or check failed (the model or
 * kernel disagrees with what was expected, or an invariant broke), 2 bad input or usage, 3 the
 * real kernel cannot be used here.
 */
@Command(name = "fusesim", mixinStandardHelpOptions = true, version = "fusesim 0.1",
    description = "An executable reference model of Linux FUSE passthrough.",
    subcommands = {ReplayCommand.class, CheckCommand.class, ExploreCommand.class, FaultsCommand.class,
        KernelCommand.class, SpecCommand.class, DiffCommand.class, BisectCommand.class, ReproCommand.class, ReviewCommand.class,
        ExportCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line; returns the exit code. */
  public static int run(String... args) {
    return run(new java.io.PrintWriter(System.out), new java.io.PrintWriter(System.err), args);
  }

  /**
   * A file argument as a Path. Path.of refuses some strings (a NUL byte: CliFuzzTest's crash
   * 07818c83): picocli would print the InvalidPathException's class name; this says what is wrong.
   */
  private static java.nio.file.Path path(String s) {
    try {
      return java.nio.file.Path.of(s);
    } catch (java.nio.file.InvalidPathException e) {
      throw new CommandLine.TypeConversionException("not a usable path: " + e.getReason());
    }
  }

  /** Runs the command line with the given output streams; returns the exit code. */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.registerConverter(java.nio.file.Path.class, Main::path);
    cl.setParameterExceptionHandler((ex, a) -> {
      cl.getErr().println("fusesim: " + ex.getMessage());
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      c.getErr().println("fusesim: " + ex.getMessage());
      return 2;
    });
    int code = cl.execute(args);
    cl.getOut().flush();
    cl.getErr().flush();
    return code;
  }
}
