package fusesim.model.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import fusesim.model.Errno;
import fusesim.model.fuse.Dev.Ending;
import fusesim.model.fuse.Dev.Framed;
import org.junit.jupiter.api.Test;

/**
 * fuse_dev_do_write()'s framing rules ({@link Dev#frame}), each branch in kernel order, with a
 * GETATTR-like reply (104 bytes of fuse_attr_out, fixed) and a READ-like one (up to 4096, variable).
 * WireFaultsKernelTest checks the same rules against the real kernel.
 */
class DevFrameTest {
  private static final int H = Dev.OUT_HEADER_SIZE;
  private static final int ATTR = 104;

  private static Framed fixed(long written, long len, int error, boolean found) {
    return Dev.frame(written, len, error, found, ATTR, false);
  }

  @Test
  void aGoodReplyEndsTheRequestWithItsPayload() {
    assertThat(fixed(H + ATTR, H + ATTR, 0, true)).isEqualTo(new Framed(0, Ending.OK, 0, ATTR));
    assertThat(Dev.frame(H + 10, H + 10, 0, true, 4096, true)).isEqualTo(new Framed(0, Ending.OK, 0, 10));
    assertThat(fixed(H, H, -Errno.ENOENT.value, true)).isEqualTo(new Framed(0, Ending.ERROR, Errno.ENOENT.value, 0));
  }

  @Test
  void aBadHeaderLeavesTheRequestPending() {
    assertThat(fixed(H - 1, H - 1, 0, true)).isEqualTo(new Framed(Errno.EINVAL.value, Ending.PENDING, 0, 0));
    assertThat(fixed(H + ATTR, H + ATTR + 8, 0, true).ending()).isEqualTo(Ending.PENDING);
    assertThat(fixed(H, H, 1, true).writeErrno()).isEqualTo(Errno.EINVAL.value);
    assertThat(fixed(H, H, -512, true).ending()).isEqualTo(Ending.PENDING);
    assertThat(fixed(H, H, -511, true).ending()).as("the last errno accepted").isEqualTo(Ending.ERROR);
  }

  @Test
  void anUnknownUniqueIsEnoent() {
    assertThat(fixed(H + ATTR, H + ATTR, 0, false)).isEqualTo(new Framed(Errno.ENOENT.value, Ending.PENDING, 0, 0));
  }

  @Test
  void aPayloadTheArgsCannotTakeEndsTheRequestWithEio() {
    Framed eio = new Framed(Errno.EINVAL.value, Ending.ERROR, Errno.EIO.value, 0);
    assertThat(fixed(H + ATTR / 2, H + ATTR / 2, 0, true)).as("short, fixed args").isEqualTo(eio);
    assertThat(fixed(H + ATTR + 1, H + ATTR + 1, 0, true)).as("long").isEqualTo(eio);
    assertThat(Dev.frame(H + 4097, H + 4097, 0, true, 4096, true)).as("longer than a variable arg").isEqualTo(eio);
    assertThat(fixed(H + 8, H + 8, -Errno.EIO.value, true)).as("an error with a payload").isEqualTo(eio);
  }
}
