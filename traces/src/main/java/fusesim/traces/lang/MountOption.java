package fusesim.traces.lang;

import java.util.Locale;
import java.util.Optional;

/**
 * Options of the {@code mount} line: what the server's INIT reply accepts or sets. A bare option
 * has no value kind; the others are written {@code name=value}.
 */
public enum MountOption {
  PASSTHROUGH, PASSTHROUGH_INO, WRITEBACK_CACHE, NO_INIT_EXT,
  MAX_STACK_DEPTH(ValueKind.INT), MINOR(ValueKind.INT), DIRECT_IO_ALLOW_MMAP, PARALLEL_DIROPS,
  NO_PARALLEL_DIROPS, READDIRPLUS, READDIRPLUS_AUTO, HANDLE_KILLPRIV, HANDLE_KILLPRIV_V2,
  AUTO_INVAL_DATA, EXPLICIT_INVAL_DATA, ATOMIC_O_TRUNC, DEFAULT_PERMISSIONS, ALLOW_OTHER, NO_OPEN,
  NO_OPENDIR, NO_FLUSH, INIT_ERROR(ValueKind.ERRNO), MAX_WRITE(ValueKind.INT);

  private final Optional<ValueKind> valueKind;

  MountOption() {
    this.valueKind = Optional.empty();
  }

  MountOption(ValueKind kind) {
    this.valueKind = Optional.of(kind);
  }

  /** The lower-case name used in trace text. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind of the value after {@code =}; empty for a bare option. */
  public Optional<ValueKind> valueKind() {
    return valueKind;
  }

  /** The option spelled exactly {@code word}. */
  public static Optional<MountOption> parse(String word) {
    return Catalog.byWord(values(), MountOption::word, word);
  }
}
