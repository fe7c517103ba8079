package fusesim.traces.lang;

import fusesim.model.Errno;
import java.util.List;
import java.util.Objects;

/**
 * A value in trace text: a syscall argument or the right side of a {@code key=value} item. Each
 * value keeps its position and, where the language allows several spellings of one value
 * ({@code 0x10} and {@code 16}, {@code enoent} and {@code ENOENT}, flag names), the spelling, so
 * the printer writes it back as written.
 */
public sealed interface Value {
  /**
   * The number a reply field holds: an integer, or flags as their value (what the kernel oracle's
   * server and the C reproducer send); IllegalArgumentException for any other value.
   */
  static long number(Value v) {
    if (v instanceof Int i) {
      return i.value();
    }
    if (v instanceof Flags f) {
      return f.value();
    }
    throw new IllegalArgumentException("not a number: " + v);
  }


  /** Where the value starts. */
  Pos pos();

  /** An integer literal: decimal, {@code 0}octal or {@code 0x}hex, possibly negative. */
  record Int(Pos pos, long value, String text) implements Value {
    public Int {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(text);
    }

    /** A decimal integer not parsed from text. */
    public static Int of(long value) {
      return new Int(Pos.NONE, value, Long.toString(value));
    }

    /** An octal integer (a mode) not parsed from text, e.g. {@code 0644}. */
    public static Int octal(long value) {
      return new Int(Pos.NONE, value, "0" + Long.toOctalString(value));
    }
  }

  /** A double-quoted string, unescaped ({@code "/a"} has value {@code /a}). */
  record Str(Pos pos, String value) implements Value {
    public Str {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(value);
    }

    public static Str of(String value) {
      return new Str(Pos.NONE, value);
    }
  }

  /** A bare word whose meaning depends on the place: a mapping name {@code m1}, {@code none}. */
  record Sym(Pos pos, String name) implements Value {
    public Sym {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(name);
    }

    public static Sym of(String name) {
      return new Sym(Pos.NONE, name);
    }
  }

  /**
   * A flag expression: the resolved value (the or of its terms) and the terms as written, each a
   * flag name or an integer literal ({@code O_RDWR|O_DIRECT}, {@code passthrough,noflush},
   * {@code 0x100}).
   */
  record Flags(Pos pos, long value, List<String> terms) implements Value {
    public Flags {
      Objects.requireNonNull(pos);
      terms = List.copyOf(terms);
      if (terms.isEmpty()) {
        throw new IllegalArgumentException("a flag expression has at least one term");
      }
    }

    /** Whether the named flag is among the terms. */
    public boolean has(String term) {
      return terms.contains(term);
    }
  }

  /**
   * A time: seconds ({@code 5}), a duration ({@code 2s}, {@code 500ms}, {@code 7us},
   * {@code 1500ns}) or {@code inf}; {@code nanos} is {@link #INFINITE} for {@code inf}.
   */
  record Time(Pos pos, long nanos, String text) implements Value {
    public static final long INFINITE = Long.MAX_VALUE;

    public Time {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(text);
    }

    public boolean infinite() {
      return nanos == INFINITE;
    }
  }

  /** An errno name, as written (either case or an alias), with its meaning. */
  record Err(Pos pos, Errno errno, String text) implements Value {
    public Err {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(errno);
      Objects.requireNonNull(text);
    }

    public static Err of(Errno errno) {
      return new Err(Pos.NONE, errno, errno.name());
    }
  }

  /**
   * File bytes, a quoted string ({@code "ab\x00c"}) whose chars are the bytes (0..255): ASCII
   * written as is, other bytes as {@code \xHH}.
   */
  record Data(Pos pos, String bytes) implements Value {
    public Data {
      Objects.requireNonNull(pos);
      Objects.requireNonNull(bytes);
    }

    public static Data of(String bytes) {
      return new Data(Pos.NONE, bytes);
    }
  }

  /**
   * The iovec lengths of a preadv/pwritev call, {@code [4, 4]} (1..{@link #MAX} of them, each a
   * byte count): the buffers' contents are the trace's conventions, their lengths are what the
   * call passes (do_preadv → vfs_readv → import_iovec).
   */
  record Iov(Pos pos, List<Long> lengths) implements Value {
    /** A language limit, far below the kernel's UIO_MAXIOV (1024, EINVAL above it). */
    public static final int MAX = 16;

    public Iov {
      Objects.requireNonNull(pos);
      lengths = List.copyOf(lengths);
    }

    /** The summed length: what fuse_file_read_iter/write_iter is asked for. */
    public long total() {
      return lengths.stream().mapToLong(Long::longValue).sum();
    }

    /** The lengths as written without brackets: {@code 4,4}. */
    public String joined() {
      return lengths.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
    }
  }

  /**
   * The times of utimensat(2)/futimens(2): {@code NULL} (both {@code null}) or
   * {@code [ATIME, MTIME]}, each {@code UTIME_NOW}, {@code UTIME_OMIT} or
   * {@code {tv_sec=S, tv_nsec=N}} (any N: vfs_utimes() says EINVAL outside 0..999999999).
   */
  record Times(Pos pos, Spec atime, Spec mtime) implements Value {
    /** One struct timespec of the pair; {@code sec}/{@code nsec} only for {@link Kind#SET}. */
    public record Spec(Kind kind, long sec, long nsec) {
      public enum Kind { NOW, OMIT, SET }

      /** The shared encoding ({@link Times#encoded()}): {@code now}, {@code omit} or {@code S:N}. */
      public String encoded() {
        return kind == Kind.SET ? sec + ":" + nsec : kind.name().toLowerCase(java.util.Locale.ROOT);
      }

      /** As strace writes it. */
      public String text() {
        return kind == Kind.SET ? "{tv_sec=" + sec + ", tv_nsec=" + nsec + "}" : "UTIME_" + kind.name();
      }
    }

    public Times {
      Objects.requireNonNull(pos);
      if ((atime == null) != (mtime == null)) {
        throw new IllegalArgumentException("times: both or neither");
      }
    }

    public boolean isNull() {
      return atime == null;
    }

    /**
     * The one encoding the model, the kernel driver and the C runtime read: {@code null}, or
     * {@code A,M} with each {@code now}, {@code omit} or {@code S:N}.
     */
    public String encoded() {
      return isNull() ? "null" : atime.encoded() + "," + mtime.encoded();
    }

    /** As written in a trace. */
    public String text() {
      return isNull() ? "NULL" : "[" + atime.text() + ", " + mtime.text() + "]";
    }
  }

  /** A comma list of names ({@code names=a,b,c}); may be empty ({@code names=}). */
  record Names(Pos pos, List<String> names) implements Value {
    public Names {
      Objects.requireNonNull(pos);
      names = List.copyOf(names);
    }
  }
}
