package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_forget_one} (16 bytes): one entry of BATCH_FORGET. */
public record ForgetOne(long nodeid, long nlookup) {
    public static final int SIZE = 16;

    public static ForgetOne decode(ByteBuffer b) {
        return new ForgetOne(b.getLong(), b.getLong());
    }

    public void encode(ByteBuffer b) {
        b.putLong(nodeid).putLong(nlookup);
    }
}
