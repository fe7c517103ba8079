package fusesim.kernel.server;

import fusesim.model.Errno;
import static org.assertj.core.api.Assertions.assertThat;

import fusesim.kernel.proto.AttrOut;
import fusesim.kernel.proto.FuseAttr;
import fusesim.kernel.proto.OutHeader;
import fusesim.kernel.proto.Wire;
import fusesim.kernel.server.WireFault.Prediction;
import fusesim.kernel.server.WireFault.Waiter;
import org.junit.jupiter.api.Test;

/**
 * The wire faults' encoding, and the predicted kernel reaction computed from dev.c's framing rules
 * (fuse_dev_do_write: a reply under 16 bytes or whose out.len is not the bytes written is EINVAL,
 * an unknown unique ENOENT, an error outside -511..0 EINVAL). Encoding path only: no fault has been injected on a real kernel.
 */
class WireFaultTest {
  private static final long UNIQUE = 6;
  private static final byte[] GETATTR_REPLY = ReplyEncoder.encode(UNIQUE, new Answer.Attr(new AttrOut(1, 0,
      new FuseAttr(10, 4096, 8, 0, 0, 0, 0, 0, 0, 0100644, 1, 0, 0, 0, 4096, 0))), false);
  private static final byte[] READ_REPLY = ReplyEncoder.encode(UNIQUE, new Answer.Data(new byte[100]), false);

  private static OutHeader header(byte[] msg) {
    return OutHeader.decode(Wire.wrap(msg, 0, msg.length));
  }

  @Test
  void theCorrectRepliesAreAccepted() {
    assertThat(header(GETATTR_REPLY).len()).isEqualTo(GETATTR_REPLY.length);
    assertThat(WireFault.predict(GETATTR_REPLY, UNIQUE, AttrOut.SIZE, Waiter.SYSCALL))
        .isEqualTo(new Prediction(0, "gets the reply"));
    assertThat(WireFault.predict(READ_REPLY, UNIQUE, -1, Waiter.SYSCALL)).isEqualTo(new Prediction(0, "gets the reply"));
  }

  @Test
  void aBadLengthIsEinvalAndTheCallerKeepsWaiting() {
    byte[] bad = WireFault.BAD_LENGTH.apply(GETATTR_REPLY);
    assertThat(bad).hasSize(GETATTR_REPLY.length);
    assertThat(header(bad).len()).isEqualTo(GETATTR_REPLY.length + 8);
    Prediction p = WireFault.predict(bad, UNIQUE, AttrOut.SIZE, Waiter.SYSCALL);
    assertThat(p.writeErrno()).isEqualTo(Errno.EINVAL.value);
    assertThat(p.caller()).startsWith("still waits");
  }

  @Test
  void anUnknownUniqueIsEnoent() {
    byte[] bad = WireFault.UNKNOWN_UNIQUE.apply(GETATTR_REPLY);
    assertThat(header(bad).unique()).isNotEqualTo(UNIQUE);
    assertThat(WireFault.predict(bad, UNIQUE, AttrOut.SIZE, Waiter.SYSCALL).writeErrno()).isEqualTo(Errno.ENOENT.value);
  }

  @Test
  void aShortWriteFailsAFixedSizeReplyWithEioButIsAShortRead() {
    byte[] cut = WireFault.SHORT_WRITE.apply(GETATTR_REPLY);
    assertThat(cut).hasSize(OutHeader.SIZE + AttrOut.SIZE / 2);
    assertThat(header(cut).len()).isEqualTo(cut.length);
    assertThat(WireFault.predict(cut, UNIQUE, AttrOut.SIZE, Waiter.SYSCALL))
        .isEqualTo(new Prediction(Errno.EINVAL.value, "gets EIO (copy_out_args: the payload is not the reply's size)"));
    assertThat(WireFault.predict(WireFault.SHORT_WRITE.apply(READ_REPLY), UNIQUE, -1, Waiter.SYSCALL))
        .isEqualTo(new Prediction(0, "gets the reply"));
  }

  @Test
  void anErrorWhereTheOpcodeCannotFail() {
    byte[] err = WireFault.ERROR_ON_UNFAILABLE.apply(GETATTR_REPLY);
    assertThat(err).hasSize(OutHeader.SIZE);
    assertThat(header(err).error()).isEqualTo(-Errno.EIO.value);
    assertThat(WireFault.predict(err, UNIQUE, 0, Waiter.IGNORED))
        .isEqualTo(new Prediction(0, "nothing waits; the error is ignored"));
    assertThat(WireFault.predict(err, UNIQUE, 0, Waiter.NONE).writeErrno()).isEqualTo(Errno.ENOENT.value);
  }

  @Test
  void closingDevFuseMidRequestAbortsTheCaller() {
    assertThat(WireFault.CLOSE_MID_REQUEST.apply(GETATTR_REPLY)).isNull();
    assertThat(WireFault.predict(null, UNIQUE, AttrOut.SIZE, Waiter.SYSCALL).caller()).contains("ECONNABORTED");
  }
}
