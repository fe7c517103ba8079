package fusesim.kernel.server;

import fusesim.kernel.proto.OutHeader;
import fusesim.kernel.proto.Wire;
import fusesim.model.Errno;
import fusesim.model.fuse.Dev;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Server faults on the wire (issue 16 §4): what a broken daemon writes instead of a correct reply,
 * and the prediction of what the kernel does with it: the model's framing rules of fs/fuse/dev.c
 * ({@link Dev#frame}: fuse_dev_do_write, copy_out_args) applied to the faulted bytes, not
 * written per fault.
 *
 * <p>{@code WireFaultTest} tests the encoding and the prediction; {@code WireFaultsKernelTest}
 * injects every fault ({@link FuseServer#inject}) on nine kinds of wait (LOOKUP, GETATTR, OPEN,
 * READ direct and cached, WRITE, MKDIR, FLUSH, RELEASE) of the real kernel and compares its reaction with the prediction.
 */
public enum WireFault {
  /** fuse_out_header.len says 8 bytes more than are written. */
  BAD_LENGTH,
  /** The reply names a unique the kernel never sent. */
  UNKNOWN_UNIQUE,
  /** The payload is cut in half, the header's len matching what is written. */
  SHORT_WRITE,
  /** An error reply (EIO) where the opcode cannot fail (RELEASE, FORGET, ...). */
  ERROR_ON_UNFAILABLE,
  /** The daemon closes /dev/fuse instead of replying. */
  CLOSE_MID_REQUEST;

  /** What the kernel does: the daemon's write() result and what the waiting syscall sees. */
  public record Prediction(int writeErrno, String caller) {}

  /** How the kernel treats the request's reply. */
  public enum Waiter {
    /** A syscall waits for it (LOOKUP, GETATTR, OPEN, READ, ...). */
    SYSCALL,
    /** Sent in the background, its error ignored (RELEASE, RELEASEDIR: fuse_release_end). */
    IGNORED,
    /** Never answered (FORGET, BATCH_FORGET): any reply names an unknown unique. */
    NONE
  }

  /** The bytes the faulty daemon writes in place of {@code reply} (null for CLOSE_MID_REQUEST). */
  public byte[] apply(byte[] reply) {
    ByteBuffer b = Wire.wrap(reply, 0, reply.length);
    OutHeader h = OutHeader.decode(b);
    return switch (this) {
      case BAD_LENGTH -> withHeader(reply, new OutHeader(h.len() + 8, h.error(), h.unique()));
      case UNKNOWN_UNIQUE -> withHeader(reply, new OutHeader(h.len(), h.error(), h.unique() + (1L << 40)));
      case SHORT_WRITE -> {
        int payload = reply.length - OutHeader.SIZE;
        byte[] cut = Arrays.copyOf(reply, OutHeader.SIZE + payload / 2);
        yield withHeader(cut, new OutHeader(cut.length, h.error(), h.unique()));
      }
      case ERROR_ON_UNFAILABLE -> ReplyEncoder.message(h.unique(), -Errno.EIO.value, new byte[0]);
      case CLOSE_MID_REQUEST -> null;
    };
  }

  private static byte[] withHeader(byte[] msg, OutHeader h) {
    byte[] out = msg.clone();
    h.encode(Wire.wrap(out, 0, out.length));
    return out;
  }

  /**
   * The kernel's reaction to {@code written} (null: the daemon closed /dev/fuse) as the reply to a
   * request with {@code unique}, whose success payload has {@code fixedSize} bytes (-1: variable
   * length, READ-like, where shorter is allowed). The rules are the model's ({@link Dev#frame},
   * fuse_dev_do_write); this reads the faulted bytes' header and words the outcome.
   */
  public static Prediction predict(byte[] written, long unique, int fixedSize, Waiter waiter) {
    if (written == null) {
      return new Prediction(0, waiter == Waiter.SYSCALL ? "fails with ECONNABORTED (fuse_abort_conn ends it)"
          : "nothing waits");
    }
    Dev.Framed f = framed(written, unique, fixedSize, waiter);
    boolean syscall = waiter == Waiter.SYSCALL;
    String caller = switch (f.ending()) {
      case PENDING -> pending(waiter);
      case OK -> syscall ? "gets the reply" : "nothing waits";
      case ERROR -> !syscall ? (f.writeErrno() == 0 ? "nothing waits; the error is ignored" : "nothing waits")
          : f.writeErrno() == 0 ? "gets " + Errno.nameOf(f.error())
          : h(written).error() != 0 ? "gets EIO (an error reply with a payload)"
          : "gets EIO (copy_out_args: the payload is not the reply's size)";
    };
    return new Prediction(f.writeErrno(), caller);
  }

  /**
   * The model's framing of {@code written} as the reply to {@code unique} ({@link Dev#frame}).
   * Whether the request is left pending does not depend on its out-arg size or its waiter.
   */
  public static Dev.Framed framed(byte[] written, long unique, int fixedSize, Waiter waiter) {
    return written.length < OutHeader.SIZE
        ? Dev.frame(written.length, -1, 0, false, 0, false)
        : frame(written, h(written), unique, fixedSize, waiter);
  }

  /**
   * How the kernel waits for a reply to {@code op}: RELEASE and RELEASEDIR are background requests
   * whose error fuse_release_end() ignores; FORGET and BATCH_FORGET are never answered.
   */
  public static Waiter waiterOf(fusesim.kernel.proto.WireOpcode op) {
    return switch (op) {
      case RELEASE, RELEASEDIR -> Waiter.IGNORED;
      case FORGET, BATCH_FORGET -> Waiter.NONE;
      default -> Waiter.SYSCALL;
    };
  }

  /**
   * The out-arg size the kernel expects of a reply to {@code op} whose good form is {@code good}:
   * -1 for the variable ones (out_argvar: READ, READDIR, READDIRPLUS, READLINK, and GETXATTR or
   * LISTXATTR with a buffer), where a shorter payload is allowed; else the good payload's size.
   */
  public static int outSizeOf(fusesim.kernel.proto.WireOpcode op, byte[] good) {
    return switch (op) {
      case READ, READDIR, READDIRPLUS, READLINK -> -1;
      case GETXATTR, LISTXATTR -> good.length - OutHeader.SIZE == 8 ? 8 : -1; // size 0 asks for fuse_getxattr_out
      default -> good.length - OutHeader.SIZE;
    };
  }

  /** True when {@code written} leaves the request with {@code unique} on the processing list. */
  public static boolean leavesPending(byte[] written, long unique) {
    return framed(written, unique, -1, Waiter.SYSCALL).ending() == Dev.Ending.PENDING;
  }

  private static OutHeader h(byte[] written) {
    return OutHeader.decode(Wire.wrap(written, 0, written.length));
  }

  private static Dev.Framed frame(byte[] written, OutHeader h, long unique, int fixedSize, Waiter waiter) {
    boolean found = h.unique() == unique && waiter != Waiter.NONE; // FORGET is never on the list
    return Dev.frame(written.length, Integer.toUnsignedLong(h.len()), h.error(), found,
        fixedSize < 0 ? Long.MAX_VALUE : fixedSize, fixedSize < 0);
  }

  private static String pending(Waiter waiter) {
    return waiter == Waiter.SYSCALL
        ? "still waits (the request stays on the processing list until a good reply or an abort)"
        : "nothing waits";
  }
}
