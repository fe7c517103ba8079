package fusesim.cli;

import java.io.PrintWriter;
import java.util.function.Function;

/**
 * A progress line on stderr for the long runs (check, bisect, kernel fuzz): redrawn in place on a
 * terminal (at most every 200 ms), one line every 10 s otherwise (a CI log stays short). What a
 * run prints for itself (a finding, the table) goes through {@link #clear} first, so that a
 * redrawn line is never left in the middle of it.
 */
final class Progress<T> {
  static final long LOG_EVERY_NANOS = 10_000_000_000L;
  static final long REDRAW_EVERY_NANOS = 200_000_000L;
  private static final int WIDTH = 100;

  private final PrintWriter err;
  private final Function<T, String> line;
  private final boolean tty;
  private long last = System.nanoTime();
  private boolean drawn;

  private Progress(PrintWriter err, Function<T, String> line, boolean tty) {
    this.err = err;
    this.line = line;
    this.tty = tty;
  }

  static <T> Progress<T> of(PrintWriter err, Function<T, String> line) {
    return new Progress<>(err, line, System.console() != null);
  }

  /** The non-terminal form (a line every 10 s), whatever stderr is; for tests. */
  static <T> Progress<T> log(PrintWriter err, Function<T, String> line) {
    return new Progress<>(err, line, false);
  }

  void accept(T state) {
    long now = System.nanoTime();
    if (tty && now - last >= REDRAW_EVERY_NANOS) {
      last = now;
      String s = line.apply(state);
      s = s.length() > WIDTH ? s.substring(0, WIDTH) : s;
      err.print("\r  " + s + " ".repeat(WIDTH - s.length()));
      err.flush();
      drawn = true;
    } else if (!tty && now - last >= LOG_EVERY_NANOS) {
      last = now;
      err.println("progress: " + line.apply(state));
      err.flush();
    }
  }

  /** A run's own lines, each printed on {@code out} once the progress line is off the terminal. */
  java.util.function.Consumer<String> printing(PrintWriter out) {
    return s -> {
      clear();
      out.println(s);
      out.flush();
    };
  }

  /** Takes a redrawn line off the terminal (nothing otherwise). */
  void clear() {
    if (drawn) {
      err.print("\r" + " ".repeat(WIDTH + 2) + "\r");
      err.flush();
      drawn = false;
    }
  }

  /** "12 s", "3 min 5 s": the time left at the rate so far, for {@code done} of {@code total} done. */
  static String left(long elapsedMillis, long done, long total) {
    if (done <= 0) {
      return "time left unknown";
    }
    long s = Math.max(0, (total - done) * elapsedMillis / done) / 1000;
    return (s >= 60 ? s / 60 + " min " + s % 60 + " s" : s + " s") + " left";
  }
}
