package fusesim.cli;

import fusesim.report.itf.ItfCheck;
import fusesim.report.itf.Json;
import fusesim.traces.lang.TraceError;
import fusesim.traces.lang.TraceFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code fusesim replay --itf FILE...}: each ITF file (from {@code fusesim export --itf}) checked
 * against a new model replay of the trace it carries. One line per file; exit 0 all agree, 1 one
 * differs (the first difference, located in the ITF file), 2 one is unreadable or not such a file.
 */
final class ItfReplay {
  private ItfReplay() {}

  /** ITF files are bigger than traces (a state per statement): 64 MiB is still a hostile size. */
  static final long MAX_BYTES = 64L << 20;

  static int run(List<Path> files, PrintWriter out, PrintWriter err) {
    int status = 0;
    for (Path p : files) {
      status = Math.max(status, one(p, out, err));
      out.flush();
      err.flush();
    }
    return status;
  }

  private static int one(Path p, PrintWriter out, PrintWriter err) {
    try {
      ItfCheck.Result r = ItfCheck.check(p.toString(), read(p));
      if (!r.agrees()) {
        out.println(r.difference().message());
        return 1;
      }
      out.println(p + ": " + r.states() + " states, as the model replays " + r.source());
      return 0;
    } catch (Json.JsonError | ItfCheck.ItfError | TraceError e) {
      err.println(e.getMessage());
    } catch (IOException e) {
      err.println("fusesim: " + p + ": cannot read: " + e.getClass().getSimpleName());
    } catch (IllegalArgumentException e) {
      err.println("fusesim: " + p + ": " + e.getMessage());
    }
    return Traces.BAD_INPUT;
  }

  private static String read(Path p) throws IOException {
    if (!Files.exists(p)) {
      throw new IllegalArgumentException("no such file");
    }
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException("not a regular file");
    }
    if (Files.size(p) > MAX_BYTES) {
      throw new IllegalArgumentException("larger than " + (MAX_BYTES >> 20) + " MiB");
    }
    return TraceFile.decode(p.toString(), Files.readAllBytes(p));
  }
}
