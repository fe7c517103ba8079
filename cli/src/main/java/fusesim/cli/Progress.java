package fusesim.cli;

import java.io.PrintWriter;
import java.util.function.Function;

/**
 * A progress line on stderr for the long runs (check, bisect, kernel fuzz): redrawn in place on a
 * terminal (at most every 200 ms), one line every 10 s otherwise (a CI log stays short).
 */
final class Progress<T> {
  static final long LOG_EVERY_NANOS = 10_000_000_000L;

  private final PrintWriter err;
  private final Function<T, String> line;
  private final boolean tty;
  private long last = System.nanoTime();

  private Progress(PrintWriter err, Function<T, String> line, boolean tty) {
    this.err = err;
    this.line = line;
    this.tty = tty;
  }

  static <T> Progress<T> of(PrintWriter err, Function<T, String> line) {
    return new Progress<>(err, line, System.console() != null);
  }

  /** For tests: the non-terminal form with a given interval. */
  static <T> Progress<T> log(PrintWriter err, Function<T, String> line) {
    return new Progress<>(err, line, false);
  }

  void accept(T state) {
    long now = System.nanoTime();
    if (tty) {
      err.print("\r  " + line.apply(state) + "   ");
      err.flush();
    } else if (now - last >= LOG_EVERY_NANOS) {
      last = now;
      err.println("progress: " + line.apply(state));
      err.flush();
    }
  }
}
