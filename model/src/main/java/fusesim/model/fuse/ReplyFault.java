package fusesim.model.fuse;

import java.util.Locale;
import java.util.Optional;

/**
 * A broken daemon's write on /dev/fuse in place of one good reply (issue 16 §4; trace statement
 * {@code server fault OP FAULT}): what it writes, in wire terms. What the kernel makes of it is
 * {@link Dev#faulted}, by fuse_dev_do_write's framing rules ({@link Dev#frame}), not per fault.
 * The kernel oracle's {@code WireFault} writes the same bytes (its constants have these names).
 */
public enum ReplyFault {
  /** fuse_out_header.len says 8 bytes more than are written. */
  BAD_LENGTH,
  /** The reply names a unique the kernel never sent. */
  UNKNOWN_UNIQUE,
  /** The payload cut in half, the header's len matching what is written. */
  SHORT_WRITE,
  /** A bare EIO error reply (where the opcode cannot fail too: RELEASE, FLUSH, ...). */
  ERROR_ON_UNFAILABLE,
  /** The daemon closes /dev/fuse instead of replying. */
  CLOSE_MID_REQUEST;

  /** The word in trace text: {@code short_write}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ReplyFault> parse(String word) {
    for (ReplyFault f : values()) {
      if (f.word().equals(word)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** Every word, for error messages. */
  public static String words() {
    StringBuilder b = new StringBuilder();
    for (ReplyFault f : values()) {
      b.append(b.length() == 0 ? "" : ", ").append(f.word());
    }
    return b.toString();
  }
}
