package fusesim.cli;

import fusesim.report.repro.CRepro;
import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceError;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fusesim repro FILE.trace}: the trace as one self-contained C reproducer (report/README.md).
 * Exit 0 written, 2 a malformed trace or one the C generator cannot express (file:line:col).
 */
@Command(name = "repro", mixinStandardHelpOptions = true,
    description = {"Write a trace as a self-contained C reproducer (raw /dev/fuse server, no libfuse):",
        "cc -O2 -Wall -Werror repro.c -o repro && ./repro prints TAP lines and exits 0 (met), 1 (not met)",
        "or 4 (kernel unusable: kselftest's skip), as `fusesim kernel replay` judges the same trace."})
final class ReproCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1", paramLabel = "FILE.trace", description = "the trace")
  Path file;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE.c", description = "write the C here instead of stdout")
  Path out;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    Traces.Loaded loaded = Traces.load(List.of(file), err);
    if (loaded.bad() > 0 || loaded.traces().isEmpty()) {
      return 2;
    }
    List<Trace> traces = loaded.traces();
    String c;
    try {
      c = CRepro.generate(traces.get(0));
    } catch (TraceError e) {
      err.println(e.getMessage());
      return 2;
    }
    Traces.write(spec, out, c);
    return 0;
  }
}
