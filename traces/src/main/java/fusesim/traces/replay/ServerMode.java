package fusesim.traces.replay;

/**
 * How the generated server behaves. Kernel-side invariants must hold for both.
 *
 * <ul>
 *   <li>{@link #WELL_BEHAVED}: like passthrough_hp. Passthrough is negotiated, lower files get
 *       backing ids with BACKING_OPEN, opens are answered {@code passthrough backing=N},
 *       {@code keep_cache}, {@code direct_io} or {@code direct_io,parallel_direct_writes}; entries
 *       may expire (short entry_valid) and a lower file may be replaced (new inode number).
 *   <li>{@link #ARBITRARY}: any reply the protocol allows: errors, any FOPEN_* combination with
 *       valid, unknown or missing backing ids, entries naming other nodeids, short or zero
 *       timeouts, short reads and writes, bad BACKING_OPEN fds. Entry replies with invalid
 *       attributes (file type 0) are left out: on mainline they break NLOOKUP-BALANCE by design
 *       of the kernel (fuse_lookup_name returns EIO and sends no FORGET), a known finding, not a
 *       model bug. {@code fusesim.properties.Generator.KNOWN_FINDINGS} switches them back on.
 * </ul>
 */
public enum ServerMode {
  WELL_BEHAVED("well-behaved"), ARBITRARY("arbitrary");

  public final String word;

  ServerMode(String word) {
    this.word = word;
  }

  public static ServerMode parse(String w) {
    for (ServerMode m : values()) {
      if (m.word.equals(w)) {
        return m;
      }
    }
    return null;
  }
}
