package fusesim.kernel.proto;

import java.nio.ByteBuffer;

/** {@code struct fuse_forget_in} (8 bytes): body of FORGET (nodeid in the header). */
public record ForgetIn(long nlookup) {
    public static final int SIZE = 8;

    public static ForgetIn decode(ByteBuffer b) {
        return new ForgetIn(b.getLong());
    }

    public void encode(ByteBuffer b) {
        b.putLong(nlookup);
    }
}
