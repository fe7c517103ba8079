package fusesim.cli;

import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finding and parsing trace files for the commands. */
final class Traces {
  private Traces() {}

  /** The .trace files named, with directories expanded recursively, in sorted order. */
  static List<Path> expand(List<Path> args) {
    List<Path> out = new ArrayList<>();
    for (Path p : args) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(f -> f.toString().endsWith(".trace")).sorted().forEach(out::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else {
        out.add(p);
      }
    }
    return out;
  }

  /** Parses a file; syntax errors propagate as TraceSyntaxError (file:line:col). */
  static Trace parse(Path p) throws IOException {
    return TraceParser.parse(p.toString(), Files.readString(p, StandardCharsets.UTF_8));
  }

  /**
   * Parses every trace named (directories expanded); on the first missing file or malformed
   * trace prints one error line to {@code err} and returns null (the caller exits 2).
   */
  static List<Trace> parseAll(List<Path> args, java.io.PrintWriter err) throws IOException {
    List<Trace> traces = new ArrayList<>();
    for (Path p : expand(args)) {
      if (!Files.isRegularFile(p)) {
        err.println("fusesim: " + p + ": no such trace file");
        return null;
      }
      try {
        traces.add(parse(p));
      } catch (fusesim.traces.lang.TraceError e) {
        err.println(e.getMessage());
        return null;
      }
    }
    return traces;
  }

  /** The corpus shipped with the repository: traces/corpus next to this jar's repo. */
  static Path corpus() {
    String home = System.getProperty("fusesim.home", ".");
    return Path.of(home, "traces", "corpus");
  }
}
