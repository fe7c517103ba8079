package fusesim.cli;

import fusesim.traces.lang.Trace;
import fusesim.traces.lang.TraceError;
import fusesim.traces.lang.TraceFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Finding and reading trace files for the commands. Every file named is diagnosed: a command
 * given many files reports each one (its result, or its error line) and then exits with the worst
 * status, so one bad file does not hide the others' results.
 */
final class Traces {
  private Traces() {}

  /** Writes a command's whole output to {@code --out} if given, else to its standard output. */
  static void write(picocli.CommandLine.Model.CommandSpec spec, Path out, String text) throws IOException {
    if (out != null) {
      Files.writeString(out, text, java.nio.charset.StandardCharsets.UTF_8);
    } else {
      PrintWriter o = spec.commandLine().getOut();
      o.print(text);
      o.flush();
    }
  }

  /** Exit status of a command that was given bad input (a malformed or unreadable trace). */
  static final int BAD_INPUT = 2;

  /**
   * A command line's traces: those that parsed, in order, and how many files could not be used
   * (each already reported with one line).
   */
  record Loaded(List<Trace> traces, int bad) {
    /** {@code status} made at least {@link #BAD_INPUT} when a file was bad. */
    int worst(int status) {
      return bad == 0 ? status : Math.max(status, BAD_INPUT);
    }
  }

  /** One file to read, or a problem found while listing (a message naming the path). */
  record Entry(Path path, String problem) {}

  /**
   * The files named, with directories expanded recursively to their {@code .trace} files in
   * sorted order; a directory that cannot be listed or holds no {@code .trace} file is an entry
   * with a problem.
   */
  static List<Entry> entries(List<Path> args) {
    List<Entry> out = new ArrayList<>();
    for (Path p : args) {
      if (Files.isDirectory(p)) {
        List<Path> found = new ArrayList<>();
        List<Entry> problems = new ArrayList<>();
        walk(p, found, problems);
        found.sort(null);
        found.forEach(f -> out.add(new Entry(f, null)));
        out.addAll(problems);
        if (found.isEmpty() && problems.isEmpty()) {
          out.add(new Entry(p, p + ": a directory with no .trace file in it"));
        }
      } else {
        out.add(new Entry(p, null));
      }
    }
    return out;
  }

  private static void walk(Path dir, List<Path> found, List<Entry> problems) {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
          if (f.getFileName().toString().endsWith(".trace")) {
            found.add(f);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
          if (!d.equals(dir) && d.getFileName().toString().endsWith(".trace")) {
            found.add(d); // reported by TraceFile as a directory, not skipped in silence
            return FileVisitResult.SKIP_SUBTREE;
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path f, IOException e) {
          problems.add(new Entry(f, f + ": cannot list: " + e.getClass().getSimpleName()));
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      problems.add(new Entry(dir, dir + ": cannot list: " + e.getClass().getSimpleName()));
    }
  }

  /** The .trace files named, directories expanded (problems of listing left out). */
  static List<Path> expand(List<Path> args) {
    return entries(args).stream().filter(e -> e.problem() == null).map(Entry::path).toList();
  }

  /** Reads and parses a file (TraceFile: every problem is a one-line message). */
  static Trace parse(Path p) {
    return TraceFile.read(p);
  }

  /**
   * Reads every trace named (directories expanded). Each file that cannot be used gets one line on
   * {@code err}: {@code fusesim: FILE: why} when it cannot be read as text, {@code
   * FILE:LINE:COL: expected ..., found ...} when it does not parse; the others are returned.
   */
  static Loaded load(List<Path> args, PrintWriter err) {
    List<Trace> traces = new ArrayList<>();
    int bad = 0;
    for (Entry e : entries(args)) {
      String problem = e.problem();
      if (problem == null) {
        try {
          traces.add(parse(e.path()));
          continue;
        } catch (TraceFile.Unreadable u) {
          problem = u.getMessage();
        } catch (TraceError t) {
          err.println(t.getMessage());
          bad++;
          continue;
        }
      }
      err.println("fusesim: " + problem);
      bad++;
    }
    err.flush();
    return new Loaded(traces, bad);
  }

  /** The corpus shipped with the repository: traces/corpus next to this jar's repo. */
  static Path corpus() {
    String home = System.getProperty("fusesim.home", ".");
    return Path.of(home, "traces", "corpus");
  }
}
