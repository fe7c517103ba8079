package fusesim.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/** A command's output and error streams, as Main set them on the command line (tests pass their own). */
record Io(PrintWriter out, PrintWriter err) {
  static Io of(CommandSpec spec) {
    return new Io(spec.commandLine().getOut(), spec.commandLine().getErr());
  }
}
