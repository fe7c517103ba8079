package fusesim.traces.lang;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Known servers, as {@code server like PRESET} sets their whole policy: each is a list of
 * {@code server OP * REPLY} policies for every path, written in the trace language itself so the
 * model and the kernel oracle read them exactly as they read a trace's own lines.
 */
public enum ServerPreset {
  /**
   * libfuse example/passthrough_hp.cc (the series' test server: github.com/joannekoong/libfuse,
   * branch extended_passthrough_v2),
   * without --nocache: what it answers differently from the default server. It passes every
   * xattr call to its lower file (sfs_getxattr/listxattr/setxattr/removexattr), whose files have
   * none: GETXATTR and REMOVEXATTR fail with ENODATA, LISTXATTR lists nothing. It implements no
   * access, lseek or statx (assign_operations), so those are ENOSYS and the kernel stops asking;
   * sfs_rename refuses any flags with EINVAL, and the kernel sends RENAME2 only with flags. Its
   * opens keep the cache (fi->keep_cache = fs.timeout != 0) and allow parallel direct writes;
   * its opendirs keep the cache and cache_readdir. Timeouts of 86400 s are the default server's.
   * Not here: its passthrough opens (a backing per inode at first open, do_passthrough_open), which
   * a trace states with {@code server open PATH passthrough backing=N}; xattr values it would keep
   * (the lower files have none to begin with, and SETXATTR is answered ok but not remembered).
   */
  PASSTHROUGH_HP(
      "getxattr ENODATA",
      "listxattr xattr size=0",
      "setxattr ok",
      "removexattr ENODATA",
      "access ENOSYS",
      "lseek ENOSYS",
      "statx ENOSYS",
      "rename2 EINVAL",
      "open keep_cache,parallel_direct_writes",
      "opendir keep_cache,cache_dir");

  private final List<String> lines;

  ServerPreset(String... lines) {
    this.lines = List.of(lines);
  }

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The preset's policies, parsed as {@code server OP /* REPLY} lines. */
  public List<Stmt.ServerPolicy> policies() {
    StringBuilder text = new StringBuilder("trace: preset\nresult: pass\n");
    for (String l : lines) {
      String[] w = l.split(" ", 2);
      text.append("server ").append(w[0]).append(" /").append(' ').append(w[1]).append('\n');
    }
    Trace t = TraceParser.parse("<preset " + word() + ">", text.toString());
    return t.body().stream().map(s -> (Stmt.ServerPolicy) s).toList();
  }

  /** The lines as they read ({@code getxattr ENODATA}, ...). */
  public List<String> lines() {
    return lines;
  }

  public static Optional<ServerPreset> parse(String word) {
    return Catalog.byWord(values(), ServerPreset::word, word);
  }

  static String words() {
    StringBuilder b = new StringBuilder();
    for (ServerPreset p : values()) {
      b.append(b.length() == 0 ? "" : ", ").append(p.word());
    }
    return b.toString();
  }
}
