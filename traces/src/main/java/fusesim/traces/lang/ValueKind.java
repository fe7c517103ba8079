package fusesim.traces.lang;

/**
 * The kinds of value a {@code key=value} item can have. The key tables of {@link Catalog} and
 * {@link ReplyKind} give each key its kind; the parser checks values against it and builds the
 * matching {@link Value}.
 */
public enum ValueKind {
  /** A decimal, 0octal or 0xhex integer, possibly negative: {@link Value.Int}. */
  INT("an integer"),
  /** An integer, usually written in octal: {@link Value.Int}. */
  MODE("a mode like 0644 or 0100644"),
  /** 0 or 1: {@link Value.Int}. */
  BOOL("0 or 1"),
  /** Seconds, a duration or {@code inf}: {@link Value.Time}. */
  TIME("a time (5, 2s, 500ms, 1500ns or inf)"),
  /** An errno name: {@link Value.Err}. */
  ERRNO("an errno name (EIO, ENOENT, ...)"),
  /** Comma-separated names: {@link Value.Names}. */
  NAMES("a comma list of names like a,b,c"),
  /** An integer, or the word {@code none}: {@link Value.Int} or {@link Value.Sym}. */
  INT_OR_NONE("an integer or none"),
  /** {@code none}, {@code cached} or {@code uncached}: {@link Value.Sym}. */
  IOMODE("none, cached or uncached"),
  /** FOPEN_* flags by their short names: {@link Value.Flags}. */
  OPEN_FLAGS("open reply flags (cached, keep_cache, direct_io, passthrough, ...)"),
  /** File bytes in quotes, ASCII or {@code \xHH}: {@link Value.Data}. */
  DATA("file bytes in quotes like \"abc\" (\\xHH for a byte that is not printable ASCII)"),
  /** An ops_mask by op names: {@link Value.Flags}. */
  OPS("an ops list (read, write, getattr, setattr, statx, open, readdir) or a hex literal");

  private final String description;

  ValueKind(String description) {
    this.description = description;
  }

  /** What the value looks like, for error messages and GRAMMAR.md. */
  public String description() {
    return description;
  }
}
