package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_link_in} (8 bytes), followed by the new name. */
public record LinkIn(long oldNodeid) {
    public static final int SIZE = 8;

    public static LinkIn decode(ByteBuffer b) {
        return new LinkIn(b.getLong());
    }

    public void encode(ByteBuffer b) {
        b.putLong(oldNodeid);
    }
}
